"""The ElevenLabs backend the player tests speak through: real HTTP to the local server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from studio.api.client import ElevenLabsClient
from studio.core.backends.elevenlabs import ElevenLabsBackend

@pytest.fixture
def backend(local_server) -> Iterator[ElevenLabsBackend]:  # type: ignore[no-untyped-def]
    """No retries (a fault is seen as it is); no faults left over, requests counted from zero."""
    client = ElevenLabsClient(None, local_server.base_url, max_retries=0)
    local_server.clear_faults()
    local_server.clear_requests()
    yield ElevenLabsBackend(client)
    local_server.clear_faults()
    client.close()
