"""The studio's own API client (``studio.api.client``) against the real local server.

No mocks: every call crosses loopback TCP to ``studio.server``, which speaks with Piper.
Faults are injected server-side, and the server's request log proves how many requests the
client really sent (a broken stream must never be requested a second time: that would
spend credits twice).
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from studio.api import errors as e
from studio.api.client import ElevenLabsClient
from studio.api.requests import TextToSpeechRequest, VoiceSearch
from studio.server.catalog import generate_voices
from tests.fixtures.local_server import LOCAL_TEST_KEY, LocalServer, run_server
from tests.integration.server.audio_checks import (
    assert_alignment_covers,
    assert_speech,
    decode,
    pcm_samples,
)
from tests.integration.server.conftest import OFFLINE_VOICE, OFFLINE_VOICES

TEXT = "Snow settled on the rooftops. Somewhere a dog barked twice, then the town was still."
CATALOG_SIZE = 230


@pytest.fixture(scope="module")
def server() -> Iterator[LocalServer]:
    with run_server(catalog=generate_voices(CATALOG_SIZE, seed=21)) as running:
        yield running


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def client(server: LocalServer, sleeps: list[float]) -> Iterator[ElevenLabsClient]:
    # Retry waits are recorded instead of slept: the test checks them, not the wall clock.
    with ElevenLabsClient(None, server.base_url, timeout=60, max_retries=2, sleep=sleeps.append) as api:
        yield api
    server.clear_faults()
    server.clear_requests()


def _request(**overrides: object) -> TextToSpeechRequest:
    return TextToSpeechRequest(**{"voice_id": OFFLINE_VOICE, "text": TEXT, "output_format": "pcm_24000",
                                  **overrides})


# --- reading -------------------------------------------------------------------------------


def test_voices_page_through_all_pages(client: ElevenLabsClient, server: LocalServer) -> None:
    server.clear_requests()
    first = client.search_voices(VoiceSearch(page_size=50, include_total_count=True))
    assert first.total_count == CATALOG_SIZE + OFFLINE_VOICES and len(first.voices) == 50
    voices = list(client.iter_voices(VoiceSearch(page_size=50)))
    ids = [voice.voice_id for voice in voices]
    assert len(ids) == len(set(ids)) == CATALOG_SIZE + OFFLINE_VOICES
    assert len(server.requests("voices_search")) == 1 + 5  # first page alone, then 5 pages
    women = list(client.iter_voices(VoiceSearch(page_size=20, gender="female", sort="name")))
    assert women and all(v.labels.get("gender") == "female" for v in women)
    assert [v.name.lower() for v in women] == sorted(v.name.lower() for v in women)


def test_get_voice_settings_models_subscription(client: ElevenLabsClient) -> None:
    voice = client.get_voice(OFFLINE_VOICE)
    assert voice.name == "Joe (offline)"
    assert client.get_voice_settings(OFFLINE_VOICE).stability == 0.5
    assert client.get_default_voice_settings().similarity_boost == 0.75
    models = {m.model_id: m for m in client.list_models()}
    assert models["eleven_multilingual_v2"].character_limit(subscribed=True) == 10_000
    assert models["eleven_flash_v2_5"].credits_per_character() == 0.5
    before = client.get_subscription().character_count
    client.convert(_request(text="Eleven chars"))
    assert client.get_subscription().character_count == before + len("Eleven chars")


# --- the four TTS calls ---------------------------------------------------------------------


def test_convert(client: ElevenLabsClient) -> None:
    result = client.convert(_request(output_format="mp3_44100_128"))
    samples, rate = decode(result.audio)
    assert_speech(samples, rate, TEXT)
    assert result.info.character_cost == len(TEXT) and result.info.request_id


def test_convert_with_timestamps(client: ElevenLabsClient) -> None:
    result = client.convert_with_timestamps(_request())
    duration = assert_speech(pcm_samples(result.audio), 24000, TEXT)
    a = result.alignment
    assert a is not None
    assert_alignment_covers(TEXT, a.characters, a.character_start_times_seconds, a.character_end_times_seconds, duration)


def test_stream(client: ElevenLabsClient) -> None:
    with client.stream(_request(output_format="pcm_16000")) as stream:
        chunks = list(stream)
        assert stream.info.request_id
    assert len(chunks) >= 2
    assert_speech(pcm_samples(b"".join(c.audio for c in chunks)), 16000, TEXT)


def test_stream_with_timestamps(client: ElevenLabsClient) -> None:
    with client.stream_with_timestamps(_request()) as stream:
        chunks = list(stream)
    duration = assert_speech(pcm_samples(b"".join(c.audio for c in chunks)), 24000, TEXT)
    timed = [c.alignment for c in chunks if c.alignment]
    assert len(timed) >= 2
    assert_alignment_covers(TEXT, [ch for a in timed for ch in a.characters],
                            [t for a in timed for t in a.character_start_times_seconds],
                            [t for a in timed for t in a.character_end_times_seconds], duration)


# --- error mapping ---------------------------------------------------------------------------


def test_401_wrong_and_missing_key(local_server_with_key: LocalServer) -> None:
    with ElevenLabsClient("sk_definitely_wrong", local_server_with_key.base_url) as wrong:
        with pytest.raises(e.AuthenticationError) as caught:
            wrong.list_models()
        assert caught.value.status_code == 401 and caught.value.api_status == "invalid_api_key"
        assert "sk_definitely_wrong" not in str(caught.value)
    with ElevenLabsClient(None, local_server_with_key.base_url) as keyless:
        with pytest.raises(e.AuthenticationError):
            keyless.convert(_request(text="Hello."))
    with ElevenLabsClient(LOCAL_TEST_KEY, local_server_with_key.base_url) as right:
        assert right.convert(_request(text="Hello.")).audio


def test_404_unknown_voice(client: ElevenLabsClient) -> None:
    with pytest.raises(e.VoiceNotFoundError):
        client.get_voice("no-such-voice")
    with pytest.raises(e.VoiceNotFoundError):
        client.convert(_request(voice_id="no-such-voice"))


def test_422_from_the_server(client: ElevenLabsClient) -> None:
    # A zero-width space passes the client's own blank check; the server refuses it.
    with pytest.raises(e.ValidationError) as caught:
        client.convert(_request(text="\u200b"))
    assert caught.value.status_code == 422
    assert any("text" in name for name in caught.value.fields)


def test_400_text_too_long(client: ElevenLabsClient) -> None:
    with pytest.raises(e.TextTooLongError) as caught:
        client.convert(_request(text="word " * 2001, model_id="eleven_multilingual_v2"))
    assert caught.value.status_code == 400 and caught.value.api_status == "max_character_limit_exceeded"


# --- faults --------------------------------------------------------------------------------


def test_429_busy_is_retried_after_retry_after(client: ElevenLabsClient, server: LocalServer,
                                               sleeps: list[float]) -> None:
    server.clear_requests()
    server.inject({"kind": "rate_limit", "status": "system_busy", "retry_after": 2,
                   "endpoint": "tts_stream_with_timestamps"})
    with client.stream_with_timestamps(_request(text="Busy, then fine.")) as stream:
        audio = b"".join(c.audio for c in stream)
    assert len(audio) > 24000  # half a second of speech at least
    assert len(server.requests("tts_stream_with_timestamps")) == 2
    assert len(sleeps) == 1 and sleeps[0] >= 2


def test_429_for_concurrency_goes_to_the_caller(client: ElevenLabsClient, server: LocalServer,
                                                sleeps: list[float]) -> None:
    """Only the caller knows how many it runs at once (long-form lowers its concurrency)."""
    server.clear_requests()
    server.inject({"kind": "rate_limit", "status": "too_many_concurrent_requests", "retry_after": 2,
                   "endpoint": "tts_stream_with_timestamps"})
    with pytest.raises(e.RateLimitError) as caught:
        client.stream_with_timestamps(_request(text="Too many at once."))
    assert caught.value.kind == "too_many_concurrent_requests" and caught.value.retry_after == 2
    assert len(server.requests("tts_stream_with_timestamps")) == 1 and sleeps == []


def test_5xx_is_retried(client: ElevenLabsClient, server: LocalServer, sleeps: list[float]) -> None:
    server.clear_requests()
    server.inject({"kind": "server_error", "http_status": 503, "endpoint": "tts_convert"})
    assert client.convert(_request(text="Second time lucky.")).audio
    assert len(server.requests("tts_convert")) == 2 and len(sleeps) == 1


def test_5xx_that_persists_is_a_server_error(client: ElevenLabsClient, server: LocalServer) -> None:
    server.clear_requests()
    server.inject({"kind": "server_error", "count": 5, "endpoint": "models_list"})
    with pytest.raises(e.ServerError):
        client.list_models()
    assert len(server.requests("models_list")) == 3  # the first try and two retries


def test_disconnect_mid_stream_keeps_partial_chunks_and_does_not_ask_again(
        client: ElevenLabsClient, server: LocalServer) -> None:
    whole = client.convert_with_timestamps(_request(seed=8))
    # Cut the connection 100 bytes into the second NDJSON line (same seed: same audio).
    with httpx.stream("POST", f"{server.base_url}/v1/text-to-speech/{OFFLINE_VOICE}/stream/with-timestamps",
                      params={"output_format": "pcm_24000"}, json={"text": TEXT, "seed": 8}, timeout=60) as raw:
        first_line = next(raw.iter_lines())
    server.clear_requests()
    server.inject({"kind": "disconnect", "after_bytes": len(first_line) + 1 + 100,
                   "endpoint": "tts_stream_with_timestamps"})
    received = []
    with pytest.raises(e.StreamInterruptedError) as caught:
        with client.stream_with_timestamps(_request(seed=8), keep_received=True) as stream:
            for chunk in stream:
                received.append(chunk)
    error = caught.value
    assert error.received_chunks and error.received_chunks == received
    assert 0 < error.received_bytes < len(whole.audio)
    assert whole.audio.startswith(b"".join(c.audio for c in received))  # what came is intact
    assert len(server.requests("tts_stream_with_timestamps")) == 1  # never asked (and paid) twice


def test_disconnect_on_raw_stream(client: ElevenLabsClient, server: LocalServer) -> None:
    server.clear_requests()
    server.inject({"kind": "disconnect", "after_bytes": 10_001, "endpoint": "tts_stream"})
    with pytest.raises(e.StreamInterruptedError) as caught:
        with client.stream(_request(output_format="pcm_16000")) as stream:
            list(stream)
    assert caught.value.received_bytes == 10_000  # whole 16-bit samples only
    assert len(server.requests("tts_stream")) == 1


@pytest.mark.parametrize("kind", ["malformed_line", "invalid_base64", "unequal_alignment"])
def test_damaged_stream_lines_raise_a_clear_error(client: ElevenLabsClient, server: LocalServer, kind: str) -> None:
    server.inject({"kind": kind, "at_chunk": 1})
    with pytest.raises(e.MalformedResponseError) as caught:
        with client.stream_with_timestamps(_request()) as stream:
            list(stream)
    assert "line 2" in str(caught.value).lower()  # names where the stream went wrong


def test_relative_chunk_times_are_made_absolute(client: ElevenLabsClient, server: LocalServer) -> None:
    server.inject({"kind": "relative_times"})
    with client.stream_with_timestamps(_request(seed=4)) as stream:
        chunks = list(stream)
    duration = len(b"".join(c.audio for c in chunks)) / 2 / 24000
    timed = [c.alignment for c in chunks if c.alignment]
    assert_alignment_covers(TEXT, [ch for a in timed for ch in a.characters],
                            [t for a in timed for t in a.character_start_times_seconds],
                            [t for a in timed for t in a.character_end_times_seconds], duration)


def test_slow_and_delayed_responses_still_arrive(client: ElevenLabsClient, server: LocalServer) -> None:
    server.inject({"kind": "delay", "delay": 0.3, "endpoint": "tts_stream_with_timestamps"},
                  {"kind": "slow", "chunk_bytes": 4096, "chunk_delay": 0.01, "endpoint": "tts_stream_with_timestamps"})
    with client.stream_with_timestamps(_request(text="Slowly but surely.")) as stream:
        chunks = list(stream)
    assert "".join(ch for c in chunks if c.alignment for ch in c.alignment.characters) == "Slowly but surely."


def test_read_timeout_on_a_get_is_retried(server: LocalServer, sleeps: list[float]) -> None:
    server.clear_requests()
    server.inject({"kind": "delay", "delay": 3.0, "endpoint": "models_list"})
    with ElevenLabsClient(None, server.base_url, timeout=httpx.Timeout(5.0, read=0.5), sleep=sleeps.append) as api:
        assert api.list_models()
    assert len(server.requests("models_list")) == 2
