"""``narration-studio serve`` as a person runs it: a real process, stopped by its PID."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.integration.server.conftest import OFFLINE_VOICES

REPO = Path(__file__).parents[3]
SAMPLE_CATALOG = REPO / "tests" / "data" / "server" / "voices_catalog_sample.json"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _serve(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO), **(env or {})}
    return subprocess.Popen([sys.executable, "-m", "studio", "serve", *args], cwd=REPO, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _stop(process: subprocess.Popen[str]) -> str:
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    return process.stderr.read() if process.stderr else ""


def test_serve_with_key_and_catalog() -> None:
    port = _free_port()
    process = _serve("--port", str(port), "--api-key", "sk_cli_test_key", "--catalog", str(SAMPLE_CATALOG))
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, process.stderr.read() if process.stderr else ""
            try:
                response = httpx.get(f"{base}/v2/voices", headers={"xi-api-key": "sk_cli_test_key"},
                                     params={"page_size": 100})
                break
            except httpx.ConnectError:
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.1)
        assert response.status_code == 200
        assert response.json()["total_count"] == 25 + OFFLINE_VOICES  # the offline voices + 25 from the catalog
        assert httpx.get(f"{base}/v1/models").status_code == 401
        assert httpx.post(f"{base}/_test/faults", json={"kind": "disconnect"}).status_code == 404  # no --faults
    finally:
        err = _stop(process)
    assert "sk_cli_test_key" not in err  # the key never reaches the console
    assert f"http://127.0.0.1:{port}" in err


def test_serve_with_a_missing_catalog_explains() -> None:
    process = _serve("--port", str(_free_port()), "--catalog", "/nonexistent/voices.json")
    _out, err = process.communicate(timeout=60)
    assert process.returncode == 1
    assert "/nonexistent/voices.json does not exist" in err
    assert "--catalog" in err
    assert "Traceback" not in err


def test_serve_on_port_zero_reports_the_port_it_got() -> None:
    process = _serve("--port", "0")
    try:
        assert process.stderr is not None
        line = process.stderr.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)", line)
        assert match, line
        port = int(match.group(1))
        assert port != 0
        deadline = time.monotonic() + 30
        while True:
            try:
                assert httpx.get(f"http://127.0.0.1:{port}/v1/models").status_code == 200
                break
            except httpx.ConnectError:
                assert time.monotonic() < deadline, "the server did not answer on the port it reported"
                time.sleep(0.1)
    finally:
        _stop(process)


def _port_from_banner(process: subprocess.Popen[str]) -> int:
    assert process.stderr is not None
    for line in iter(process.stderr.readline, ""):
        match = re.search(r"http://127\.0\.0\.1:(\d+)", line)
        if match:
            return int(match.group(1))
    raise AssertionError("the server stopped before it started: " + (process.stderr.read() or ""))


@pytest.mark.parametrize("source", ["file", "environment"])
def test_the_server_key_can_stay_out_of_the_process_list(tmp_path: Path, source: str) -> None:
    key = "sk_not_in_ps_0123456789abcdef"
    if source == "file":
        key_file = tmp_path / "server.key"
        key_file.write_text(key + "\n", encoding="utf-8")
        key_file.chmod(0o600)
        process = _serve("--port", "0", "--faults", "--api-key-file", str(key_file))
    else:
        process = _serve("--port", "0", "--faults", env={"NARRATION_STUDIO_SERVER_KEY": key})
    try:
        base = f"http://127.0.0.1:{_port_from_banner(process)}"
        command_line = Path(f"/proc/{process.pid}/cmdline").read_bytes()
        assert key.encode() not in command_line  # what `ps` shows every user
        assert httpx.get(f"{base}/v1/models").status_code == 401
        assert httpx.get(f"{base}/v1/models", headers={"xi-api-key": key}).status_code == 200
        # The test-only routes are there (--faults), behind the same key.
        assert httpx.get(f"{base}/_test/requests").status_code == 401
        assert httpx.get(f"{base}/_test/requests", headers={"xi-api-key": key}).status_code == 200
    finally:
        err = _stop(process)
    assert key not in err


def test_an_unreadable_or_empty_key_file_is_explained(tmp_path: Path) -> None:
    process = _serve("--port", "0", "--api-key-file", str(tmp_path / "missing.key"))
    _out, err = process.communicate(timeout=60)
    assert process.returncode == 1 and "missing.key could not be read" in err and "--api-key-file" in err
    empty = tmp_path / "empty.key"
    empty.write_text("\n", encoding="utf-8")
    process = _serve("--port", "0", "--api-key-file", str(empty))
    _out, err = process.communicate(timeout=60)
    assert process.returncode == 1 and "The server key is empty" in err
