"""The client end to end against our ElevenLabs-compatible server (real Piper speech).

The scriptable loopback server (test_transport.py) covers misbehaviour in detail; this
checks the same client against the studio's real server, with its fault injection.
"""

from __future__ import annotations

import pytest

from studio.api import errors as e
from studio.api.client import ElevenLabsClient
from studio.api.requests import TextToSpeechRequest, VoiceSearch
from studio.api.retry import RetryPolicy
from studio.core.backends.elevenlabs import ElevenLabsBackend

TEXT = "Hello there. This is a short test of the narration studio."


@pytest.fixture
def client(local_server) -> ElevenLabsClient:  # type: ignore[no-untyped-def]
    local_server.clear_faults()
    with ElevenLabsClient(None, local_server.base_url,
                          retry_policy=RetryPolicy(max_retries=2, base_delay=0.05)) as c:
        yield c
    local_server.clear_faults()


def _request(client: ElevenLabsClient, **changes: object) -> TextToSpeechRequest:
    voice = client.search_voices(VoiceSearch()).voices[0]
    return TextToSpeechRequest(**{"voice_id": voice.voice_id, "text": TEXT, "model_id": "eleven_flash_v2_5",
                                  "output_format": "pcm_24000", **changes})


def _starts(chunks: list) -> list[float]:
    return [t for c in chunks if c.alignment for t in c.alignment.character_start_times_seconds]


def test_real_speech_with_timestamps(client: ElevenLabsClient) -> None:
    with client.stream_with_timestamps(_request(client)) as stream:
        chunks = list(stream)
    audio = b"".join(c.audio for c in chunks)
    assert len(audio) > 24000 * 2 * 1.0 and len(audio) % 2 == 0  # over a second of 16-bit PCM
    starts = _starts(chunks)
    assert starts == sorted(starts) and starts[-1] < len(audio) / 48000
    characters = "".join(ch for c in chunks if c.alignment for ch in c.alignment.characters)
    assert characters == TEXT
    assert stream.completed and stream.info.request_id and stream.info.character_cost


def test_backend_lists_models_and_fetches_the_preview(client: ElevenLabsClient) -> None:
    backend = ElevenLabsBackend(client)
    models = backend.list_models()
    assert models and all(m.can_do_text_to_speech for m in models)
    voice = client.search_voices(VoiceSearch()).voices[0]
    assert len(backend.preview_audio(voice)) > 1000


def test_rate_limit_then_success_is_retried(client: ElevenLabsClient, local_server) -> None:  # type: ignore[no-untyped-def]
    request = _request(client)
    local_server.clear_requests()
    local_server.inject({"kind": "rate_limit", "status": "system_busy", "endpoint": "tts_stream_with_timestamps",
                         "retry_after": 0})
    with client.stream_with_timestamps(request) as stream:
        assert sum(len(c.audio) for c in stream) > 0
    assert len(local_server.requests("tts_stream_with_timestamps")) == 2


def test_disconnect_after_audio_is_not_requested_again(client: ElevenLabsClient, local_server) -> None:  # type: ignore[no-untyped-def]
    request = _request(client, text=TEXT * 4)
    local_server.clear_requests()
    local_server.inject({"kind": "disconnect", "endpoint": "tts_stream", "after_bytes": 4000})
    received = 0
    with pytest.raises(e.StreamInterruptedError) as caught:
        for chunk in client.stream(request):
            received += len(chunk.audio)
    assert 0 < received <= 4000 and caught.value.received_bytes == received
    assert len(local_server.requests("tts_stream")) == 1


def test_relative_chunk_times_come_out_absolute(client: ElevenLabsClient, local_server) -> None:  # type: ignore[no-untyped-def]
    request = _request(client, text=TEXT * 3)
    local_server.inject({"kind": "relative_times", "endpoint": "tts_stream_with_timestamps"})
    with client.stream_with_timestamps(request) as stream:
        chunks = list(stream)
    timed = [c for c in chunks if c.alignment and c.alignment.characters]
    assert len(timed) >= 2, "the text must span several chunks for this test to mean anything"
    starts = _starts(chunks)
    assert starts == sorted(starts)
    assert starts[-1] > 1.0


def test_malformed_line_is_an_error_not_a_silent_gap(client: ElevenLabsClient, local_server) -> None:  # type: ignore[no-untyped-def]
    request = _request(client)
    local_server.inject({"kind": "malformed_line", "endpoint": "tts_stream_with_timestamps", "at_chunk": 0})
    with pytest.raises(e.MalformedResponseError):
        list(client.stream_with_timestamps(request))


def test_server_with_a_key(local_server_with_key) -> None:  # type: ignore[no-untyped-def]
    from tests.fixtures.local_server import LOCAL_TEST_KEY

    with ElevenLabsClient(None, local_server_with_key.base_url) as anonymous:
        with pytest.raises(e.MissingApiKeyError, match="ELEVENLABS_API_KEY"):
            anonymous.list_models()
    with ElevenLabsClient("sk_wrong_key_0000000000", local_server_with_key.base_url) as wrong:
        with pytest.raises(e.AuthenticationError, match="rejected"):
            wrong.list_models()
    with ElevenLabsClient(LOCAL_TEST_KEY, local_server_with_key.base_url) as right:
        assert right.list_models()
