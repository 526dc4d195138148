"""Test-wide set-up: loopback-only networking, offscreen Qt, no real user settings."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from studio.playback import pyside_workaround
from tests import network_guard

# PySide6 6.12 emit() drops a reference to True on every call; Python 3.11 aborts when it runs out.
pyside_workaround.apply()

# Shared fixtures: the local ElevenLabs-compatible server (local_server, local_server_with_key).
pytest_plugins = ["tests.fixtures.local_server"]

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# A real key or address in the developer's environment must never reach a test.
os.environ.pop("ELEVENLABS_API_KEY", None)
os.environ.pop("ELEVENLABS_BASE_URL", None)

DATA_DIR = Path(__file__).parent / "data"


def pytest_configure(config: pytest.Config) -> None:
    network_guard.install()


def pytest_unconfigure(config: pytest.Config) -> None:
    network_guard.uninstall()


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Settings, caches, voices and keyring never touch the developer's real folders."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / "state"))
    # keyring's null backend: nothing is read from or written to a real OS keyring.
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")


@pytest.fixture(autouse=True)
def _logging_redaction_per_test() -> Iterator[None]:
    """The CLI makes every log record safe (studio.logsafe) for the rest of the process; a
    test must not inherit that from an earlier one, or a leak test would see masked text."""
    factory = logging.getLogRecordFactory()
    yield
    logging.setLogRecordFactory(factory)


@pytest.fixture
def data_dir() -> Path:
    return DATA_DIR
