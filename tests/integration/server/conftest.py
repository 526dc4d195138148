"""Fixtures for the server's own tests: an httpx client on the session-wide local server."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from studio.offline.derived import DERIVED
from tests.fixtures.local_server import LocalServer

OFFLINE_VOICE = "offline-en_US-joe-medium"
#: Joe and the voices derived from it (studio.offline.derived): every server offers them.
OFFLINE_VOICES = 1 + len(DERIVED)


@pytest.fixture
def http(local_server: LocalServer) -> Iterator[httpx.Client]:
    """A plain HTTP client on the shared server; any fault a test leaves behind is cleared."""
    with httpx.Client(base_url=local_server.base_url, timeout=60) as client:
        yield client
    local_server.clear_faults()
