"""The official ``elevenlabs`` SDK, which nobody here wrote, works against our local server.

Everything goes over real loopback TCP to ``studio.server`` and real Piper speech comes back.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator

import numpy as np
import pytest
from elevenlabs.client import ElevenLabs
from elevenlabs.core.api_error import ApiError

from studio.server.catalog import generate_voices
from tests.fixtures.local_server import LocalServer, run_server
from tests.integration.server.conftest import OFFLINE_VOICES
from tests.integration.server.audio_checks import (
    assert_alignment_covers,
    assert_speech,
    decode,
    pcm_samples,
)

OFFLINE_VOICE = "offline-en_US-joe-medium"
TEXT = "The lighthouse keeper climbed the stairs. Night was falling fast over the bay."
CATALOG_SIZE = 57


@pytest.fixture(scope="module")
def server() -> Iterator[LocalServer]:
    with run_server(catalog=generate_voices(CATALOG_SIZE, seed=7)) as running:
        yield running


@pytest.fixture
def client(server: LocalServer) -> Iterator[ElevenLabs]:
    sdk = ElevenLabs(api_key="any-key-works-without---api-key", base_url=server.base_url, timeout=60)
    yield sdk


def test_sdk_pages_through_every_voice(client: ElevenLabs) -> None:
    seen: list[str] = []
    token: str | None = None
    pages = 0
    while True:
        page = client.voices.search(page_size=10, next_page_token=token, include_total_count=True)
        pages += 1
        assert len(page.voices) <= 10
        assert page.total_count == CATALOG_SIZE + OFFLINE_VOICES
        seen += [voice.voice_id for voice in page.voices]
        if not page.has_more:
            assert page.next_page_token is None
            break
        token = page.next_page_token
        assert token
    assert pages == -(-(CATALOG_SIZE + OFFLINE_VOICES) // 10)  # pages of 10, the last one partly full
    assert len(seen) == len(set(seen)) == CATALOG_SIZE + OFFLINE_VOICES
    assert OFFLINE_VOICE in seen


def test_sdk_search_and_sort(client: ElevenLabs) -> None:
    page = client.voices.search(page_size=100, sort="name", sort_direction="asc", voice_type="non-default")
    names = [voice.name.lower() for voice in page.voices]
    assert names == sorted(names)
    assert OFFLINE_VOICE not in {voice.voice_id for voice in page.voices}
    female = client.voices.search(page_size=100, gender="female")
    assert female.voices and all(v.labels["gender"] == "female" for v in female.voices)


def test_sdk_gets_a_voice_and_lists_models(client: ElevenLabs) -> None:
    voice = client.voices.get(OFFLINE_VOICE)
    assert voice.voice_id == OFFLINE_VOICE
    assert voice.name == "Joe (offline)"
    assert voice.settings is not None and voice.settings.stability == 0.5
    models = client.models.list()
    ids = [model.model_id for model in models]
    assert ids[0] == "offline"
    assert "eleven_multilingual_v2" in ids
    limits = {m.model_id: m.max_characters_request_subscribed_user for m in models}
    assert limits["eleven_multilingual_v2"] == 10_000
    assert limits["eleven_flash_v2_5"] == 40_000


def test_sdk_convert_pcm_is_speech(client: ElevenLabs) -> None:
    audio = b"".join(client.text_to_speech.convert(
        OFFLINE_VOICE, text=TEXT, model_id="eleven_multilingual_v2", output_format="pcm_24000"))
    assert_speech(pcm_samples(audio), 24_000, TEXT)


def test_sdk_convert_mp3_decodes(client: ElevenLabs) -> None:
    audio = b"".join(client.text_to_speech.convert(OFFLINE_VOICE, text=TEXT, output_format="mp3_44100_128"))
    assert audio[:2] in (b"\xff\xfb", b"\xff\xf3", b"ID")
    samples, rate = decode(audio)
    assert rate == 44_100
    assert_speech(samples, rate, TEXT)


def test_sdk_stream_pcm_arrives_in_pieces(client: ElevenLabs) -> None:
    pieces = [piece for piece in client.text_to_speech.stream(
        OFFLINE_VOICE, text=TEXT, output_format="pcm_16000") if piece]
    assert len(pieces) >= 2
    assert_speech(pcm_samples(b"".join(pieces)), 16_000, TEXT)


def test_sdk_convert_with_timestamps(client: ElevenLabs) -> None:
    result = client.text_to_speech.convert_with_timestamps(OFFLINE_VOICE, text=TEXT, output_format="pcm_22050")
    samples = pcm_samples(base64.b64decode(result.audio_base_64))
    duration = assert_speech(samples, 22_050, TEXT)
    a = result.alignment
    assert a is not None
    assert_alignment_covers(TEXT, a.characters, a.character_start_times_seconds,
                            a.character_end_times_seconds, duration)
    assert result.normalized_alignment is not None


def test_sdk_stream_with_timestamps(client: ElevenLabs) -> None:
    chunks = list(client.text_to_speech.stream_with_timestamps(
        OFFLINE_VOICE, text=TEXT, output_format="pcm_24000"))
    assert len(chunks) >= 2  # one line per sentence, as the engine yields them
    audio = b"".join(base64.b64decode(chunk.audio_base_64) for chunk in chunks)
    duration = assert_speech(pcm_samples(audio), 24_000, TEXT)
    chars: list[str] = []
    starts: list[float] = []
    ends: list[float] = []
    for chunk in chunks:
        if chunk.alignment is not None:
            chars += chunk.alignment.characters
            starts += chunk.alignment.character_start_times_seconds
            ends += chunk.alignment.character_end_times_seconds
    # Times are absolute: they keep rising from one chunk to the next.
    assert_alignment_covers(TEXT, chars, starts, ends, duration)


def test_sdk_gets_404_for_an_unknown_voice(client: ElevenLabs) -> None:
    with pytest.raises(ApiError) as caught:
        client.voices.get("no-such-voice")
    assert caught.value.status_code == 404
    assert caught.value.body["detail"]["status"] == "voice_not_found"
    with pytest.raises(ApiError) as caught:
        b"".join(client.text_to_speech.convert("no-such-voice", text="Hello."))
    assert caught.value.status_code == 404


def test_sdk_gets_422_for_an_out_of_range_setting(client: ElevenLabs) -> None:
    with pytest.raises(ApiError) as caught:
        b"".join(client.text_to_speech.convert(
            OFFLINE_VOICE, text="Hello.", voice_settings={"stability": 1.5, "speed": 1.0}))
    assert caught.value.status_code == 422
    detail = caught.value.body["detail"]
    assert detail[0]["loc"] == ["body", "voice_settings", "stability"]
    assert detail[0]["type"] == "less_than_equal"


def test_sdk_gets_401_with_a_wrong_key() -> None:
    with run_server(api_key="sk_right_key_123456") as keyed:
        wrong = ElevenLabs(api_key="sk_wrong_key_000000", base_url=keyed.base_url)
        with pytest.raises(ApiError) as caught:
            wrong.models.list()
        assert caught.value.status_code == 401
        assert caught.value.body["detail"]["status"] == "invalid_api_key"
        right = ElevenLabs(api_key="sk_right_key_123456", base_url=keyed.base_url)
        assert right.models.list()


def test_speech_differs_from_text_to_text(client: ElevenLabs) -> None:
    """Different text gives different audio (the server really synthesizes what it is sent)."""
    a = pcm_samples(b"".join(client.text_to_speech.convert(OFFLINE_VOICE, text="Yes.", output_format="pcm_16000")))
    b = pcm_samples(b"".join(client.text_to_speech.convert(
        OFFLINE_VOICE, text="Absolutely not, under any circumstances.", output_format="pcm_16000")))
    assert b.size > 2 * a.size
    assert not np.array_equal(a[: a.size // 2], b[: a.size // 2])
