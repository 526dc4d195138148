"""ElevenLabsBackend over real loopback TCP: the seam the whole studio uses."""

from __future__ import annotations

import pytest

from studio.api.errors import ApiError
from studio.api.client import ElevenLabsClient
from studio.api.models import Voice
from studio.api.requests import TextToSpeechRequest, VoiceSearch
from studio.core.backend import SynthesisBackend
from studio.core.backends.elevenlabs import ElevenLabsBackend
from tests.integration.api.loopback import LoopbackServer, Reply
from tests.integration.api.test_transport import ndjson_line

KEY = "sk_backend_test_0123456789"
MODELS = [
    {"model_id": "eleven_multilingual_v2", "name": "Multilingual v2", "can_do_text_to_speech": True,
     "can_use_style": True, "can_use_speaker_boost": True},
    {"model_id": "eleven_flash_v2_5", "name": "Flash v2.5", "can_do_text_to_speech": True,
     "can_use_style": False, "can_use_speaker_boost": False},
    {"model_id": "eleven_english_sts_v2", "name": "STS", "can_do_text_to_speech": False},
]


@pytest.fixture
def backend(loopback: LoopbackServer) -> ElevenLabsBackend:
    loopback.route("GET", "/v1/models", Reply.json(MODELS))
    b = ElevenLabsBackend(ElevenLabsClient(KEY, loopback.base_url))
    yield b
    b.close()


def test_it_is_a_synthesis_backend(backend: ElevenLabsBackend) -> None:
    assert isinstance(backend, SynthesisBackend)
    assert backend.engine_id == "elevenlabs" and KEY not in repr(backend)


def test_models_and_unsupported_settings(backend: ElevenLabsBackend, loopback: LoopbackServer) -> None:
    assert backend.unsupported_settings("eleven_multilingual_v2") == {}  # fetches the models once
    ignored = backend.unsupported_settings("eleven_flash_v2_5")
    assert set(ignored) == {"style", "use_speaker_boost"} and "Flash v2.5" in ignored["style"]
    assert backend.unsupported_settings("unknown_model") == {}
    assert [m.model_id for m in backend.list_models()] == ["eleven_multilingual_v2", "eleven_flash_v2_5"]
    assert len(loopback.requests_to("/v1/models")) == 2


def test_voices_settings_and_subscription(backend: ElevenLabsBackend, loopback: LoopbackServer) -> None:
    loopback.route("GET", "/v2/voices", Reply.json({"voices": [{"voice_id": "v1", "name": "One"}], "has_more": False}))
    loopback.route("GET", "/v1/voices/v1", Reply.json({"voice_id": "v1", "name": "One", "labels": {"accent": "irish"}}))
    loopback.route("GET", "/v1/voices/v1/settings", Reply.json({"stability": 0.3, "similarity_boost": 0.8}))
    loopback.route("GET", "/v1/voices/settings/default", Reply.json({"stability": 0.5, "speed": 1.0}))
    loopback.route("GET", "/v1/user/subscription", Reply.json({"tier": "free", "character_count": 10, "character_limit": 100}))
    assert [v.voice_id for v in backend.search_voices(VoiceSearch()).voices] == ["v1"]
    assert backend.get_voice("v1").labels == {"accent": "irish"}
    assert backend.get_voice_settings("v1").stability == 0.3
    assert backend.get_default_voice_settings().speed == 1.0
    sub = backend.get_subscription()
    assert sub is not None and sub.characters_remaining == 90


def test_preview_fetched_without_the_key_from_another_host(backend: ElevenLabsBackend, loopback: LoopbackServer) -> None:
    loopback.route("GET", "/previews/v1.mp3", Reply(headers={"content-type": "audio/mpeg"}, body=b"ID3preview"))
    # "localhost" is a different origin from the client's 127.0.0.1: like a storage host.
    url = loopback.base_url.replace("127.0.0.1", "localhost") + "/previews/v1.mp3"
    assert backend.preview_audio(Voice(voice_id="v1", name="One", preview_url=url)) == b"ID3preview"
    assert "xi-api-key" not in loopback.requests_to("/previews/v1.mp3")[0].headers
    with pytest.raises(ApiError, match="no preview"):
        backend.preview_audio(Voice(voice_id="v2", name="Two"))


def test_stream_with_timestamps(backend: ElevenLabsBackend, loopback: LoopbackServer) -> None:
    loopback.route("POST", "/v1/text-to-speech/v1/stream/with-timestamps",
                   Reply(parts=[ndjson_line(b"\x01\x00" * 240, "Hi")], headers={"request-id": "r7"}))
    request = TextToSpeechRequest(voice_id="v1", text="Hi", output_format="pcm_24000")
    with backend.stream_with_timestamps(request) as stream:
        chunks = list(stream)
    assert sum(len(c.audio) for c in chunks) == 480 and stream.info.request_id == "r7"
