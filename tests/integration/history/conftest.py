"""A fresh local server per test module for the history tests (so its history holds only what
they made), made the CLI's ElevenLabs engine through the environment."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from studio.api.client import ElevenLabsClient
from tests.fixtures.local_server import LocalServer, run_server

OFFLINE_VOICE = "offline-en_US-joe-medium"


@pytest.fixture(scope="module")
def module_server() -> Iterator[LocalServer]:
    with run_server() as running:
        yield running


@pytest.fixture
def server(module_server: LocalServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalServer]:
    monkeypatch.setenv("ELEVENLABS_API_KEY", "sk_history_test_key")
    monkeypatch.setenv("ELEVENLABS_BASE_URL", module_server.base_url)
    module_server.state.history.clear()
    module_server.clear_faults()
    module_server.clear_requests()
    yield module_server
    module_server.clear_faults()


@pytest.fixture
def client(server: LocalServer) -> Iterator[ElevenLabsClient]:
    with ElevenLabsClient("sk_history_test_key", server.base_url) as made:
        yield made


def tts_requests(server: LocalServer) -> int:
    return len([r for r in server.requests() if r["route"].startswith("tts_")])
