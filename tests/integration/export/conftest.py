"""Helpers for export integration tests: the CLI against the local server, and hostile folders."""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from studio.cli import main
from tests.fixtures.local_server import LocalServer


@pytest.fixture
def server(local_server: LocalServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalServer]:
    """The session server, made the CLI's ElevenLabs engine through the environment."""
    monkeypatch.setenv("ELEVENLABS_API_KEY", "sk_export_test_key")
    monkeypatch.setenv("ELEVENLABS_BASE_URL", local_server.base_url)
    local_server.clear_faults()
    local_server.clear_requests()
    yield local_server
    local_server.clear_faults()


def run_cli(*args: str) -> int:
    return main(["export", *args])


def tts_requests(server: LocalServer) -> int:
    return len([r for r in server.requests() if r["route"].startswith("tts_")])


def _mount(target: Path, options: str) -> bool:
    if os.geteuid() != 0:
        return False
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(target)],
                            capture_output=True, check=False)
    return result.returncode == 0


@contextlib.contextmanager
def tiny_disk(path: Path, size: str = "96k") -> Iterator[Path]:
    """A real, almost full file system (tmpfs), or skip where mounting is not allowed."""
    path.mkdir()
    if not _mount(path, f"size={size}"):
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    try:
        yield path
    finally:
        subprocess.run(["umount", str(path)], check=False)


@contextlib.contextmanager
def read_only_folder(path: Path) -> Iterator[Path]:
    """A folder that refuses writes: chmod for normal users; a read-only tmpfs for root."""
    path.mkdir()
    if os.geteuid() != 0:
        path.chmod(0o555)
        try:
            yield path
        finally:
            path.chmod(0o755)
        return
    if not _mount(path, "ro,size=64k"):
        pytest.skip("root cannot be denied by chmod and cannot mount a read-only tmpfs here")
    try:
        yield path
    finally:
        subprocess.run(["umount", str(path)], check=False)
