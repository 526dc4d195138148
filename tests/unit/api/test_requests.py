"""Requests carry every field, omit unset ones, and refuse bad values before sending."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from studio.api.client import ElevenLabsClient
from studio.api.errors import InvalidRequestError
from studio.api.formats import OUTPUT_FORMATS_CONVERT, OUTPUT_FORMATS_STREAM, parse_output_format
from studio.api.models import VoiceSettings
from studio.api.requests import HistoryQuery, PronunciationDictionaryLocator, TextToSpeechRequest, VoiceSearch


class Recorder:
    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return httpx.Response(200, content=b"audio")


def test_format_lists_match_the_spec() -> None:
    assert len(OUTPUT_FORMATS_CONVERT) == 28 == len(set(OUTPUT_FORMATS_CONVERT))
    assert len(OUTPUT_FORMATS_STREAM) == 21 == len(set(OUTPUT_FORMATS_STREAM))
    assert set(OUTPUT_FORMATS_CONVERT) - set(OUTPUT_FORMATS_STREAM) == {f"wav_{r}" for r in (8000, 16000, 22050, 24000, 32000, 44100, 48000)}
    assert parse_output_format("mp3_44100_192") == ("mp3", 44100, 192)
    assert parse_output_format("mp3_44100_192").required_tier == "creator"
    assert parse_output_format("pcm_44100").required_tier == "pro"
    assert parse_output_format("pcm_24000").bytes_per_second == 48000
    with pytest.raises(ValueError):
        parse_output_format("flac_44100")


def test_full_body_and_query() -> None:
    request = TextToSpeechRequest(
        voice_id="voice/../x", text="Hello.", model_id="eleven_flash_v2_5", language_code="en",
        voice_settings=VoiceSettings(stability=0.4, speed=1.1),
        pronunciation_dictionary_locators=[{"pronunciation_dictionary_id": "d1"},
                                           PronunciationDictionaryLocator(pronunciation_dictionary_id="d2", version_id="v")],
        seed=4294967295, previous_text="Before.", next_text="After.",
        previous_request_ids=["r1", "r2", "r3"], next_request_ids=["n1"],
        apply_text_normalization="off", apply_language_text_normalization=True,
        output_format="opus_48000_64", enable_logging=False, optimize_streaming_latency=2,
    )
    assert request.to_body() == {
        "text": "Hello.", "model_id": "eleven_flash_v2_5", "language_code": "en", "seed": 4294967295,
        "previous_text": "Before.", "next_text": "After.", "apply_text_normalization": "off",
        "apply_language_text_normalization": True,
        "voice_settings": {"stability": 0.4, "speed": 1.1},
        "pronunciation_dictionary_locators": [{"pronunciation_dictionary_id": "d1"},
                                              {"pronunciation_dictionary_id": "d2", "version_id": "v"}],
        "previous_request_ids": ["r1", "r2", "r3"], "next_request_ids": ["n1"],
    }
    assert request.to_params() == {"output_format": "opus_48000_64", "enable_logging": "false", "optimize_streaming_latency": "2"}
    recorder = Recorder()
    with ElevenLabsClient("key-123456", "https://api.test", transport=httpx.MockTransport(recorder)) as client:
        client.convert(request)
    sent = recorder.requests[0]
    # The id is one escaped path segment: it cannot walk to another endpoint.
    assert sent.url.raw_path.startswith(b"/v1/text-to-speech/voice%2F..%2Fx?")
    assert sent.url.params["enable_logging"] == "false"


def test_unset_fields_and_settings_are_omitted_never_null() -> None:
    request = TextToSpeechRequest(voice_id="v", text="Hi", voice_settings=VoiceSettings(style=None, speed=None))
    body = request.to_body()
    assert body == {"text": "Hi", "model_id": "eleven_multilingual_v2"}
    assert "null" not in str(body).lower() and None not in body.values()
    assert TextToSpeechRequest(voice_id="v", text="Hi", voice_settings={"use_speaker_boost": False}).to_body()[
        "voice_settings"] == {"use_speaker_boost": False}


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"seed": -1}, "seed", "between 0 and 4294967295"),
        ({"seed": 4294967296}, "seed", "between 0 and 4294967295"),
        ({"voice_settings": {"speed": 1.5}}, "voice_settings.speed", "between 0.7 and 1.2"),
        ({"voice_settings": {"stability": -0.1}}, "voice_settings.stability", "between 0 and 1"),
        ({"voice_settings": {"similarity_boost": 1.01}}, "voice_settings.similarity_boost", "between 0 and 1"),
        ({"voice_settings": {"style": 2}}, "voice_settings.style", "between 0 and 1"),
        ({"pronunciation_dictionary_locators": [{"pronunciation_dictionary_id": "d"}] * 4}, "pronunciation_dictionary_locators", "at most 3"),
        ({"previous_request_ids": ["a", "b", "c", "d"]}, "previous_request_ids", "at most 3"),
        ({"next_request_ids": ["a", "b", "c", "d"]}, "next_request_ids", "at most 3"),
        ({"output_format": "mp3_48000_320"}, "output_format", "one of"),
        ({"apply_text_normalization": "maybe"}, "apply_text_normalization", "'auto', 'on' or 'off'"),
        ({"text": "   "}, "text", "non-empty"),
        ({"optimize_streaming_latency": 5}, "optimize_streaming_latency", "between 0 and 4"),
        ({"language_code": "english"}, "language_code", "ISO 639"),
    ],
)
def test_out_of_range_is_refused_and_nothing_is_sent(changes: dict[str, Any], field: str, words: str) -> None:
    recorder = Recorder()
    with pytest.raises(InvalidRequestError) as caught:
        TextToSpeechRequest(**{"voice_id": "v", "text": "Hi", **changes})
    assert caught.value.field == field and words in str(caught.value)
    # A copy that skipped validation is caught by the client before anything is sent.
    sneaky = TextToSpeechRequest(voice_id="v", text="Hi").model_copy(update=changes)
    with ElevenLabsClient("key-123456", "https://api.test", transport=httpx.MockTransport(recorder)) as client:
        for call in (client.convert, client.stream, client.convert_with_timestamps, client.stream_with_timestamps):
            with pytest.raises(InvalidRequestError):
                call(sneaky)
    assert recorder.requests == []


def test_wav_cannot_be_streamed_but_can_be_converted() -> None:
    recorder = Recorder()
    request = TextToSpeechRequest(voice_id="v", text="Hi", output_format="wav_24000")
    with ElevenLabsClient("key-123456", "https://api.test", transport=httpx.MockTransport(recorder)) as client:
        with pytest.raises(InvalidRequestError, match="when streaming"):
            client.stream(request)
        with pytest.raises(InvalidRequestError, match="when streaming"):
            client.stream_with_timestamps(request)
        assert recorder.requests == []
        assert client.convert(request).audio == b"audio"
    assert len(recorder.requests) == 1


def test_voice_search_sends_every_parameter_with_repeated_list_keys() -> None:
    search = VoiceSearch(
        search="calm", sort="created_at_unix", sort_direction="desc", voice_type="personal", category="cloned",
        fine_tuning_state="fine_tuned", collection_id="c1", page_size=100, next_page_token="tok",
        include_total_count=True, voice_ids=["a", "b"], gender="female", age="young", language=["en", "de"],
        accent="british", use_cases=["narration", "audiobook"], min_notice_period_days=30,
        include_custom_rates=False, include_live_moderated=True, high_quality=True,
    )
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"voices": [], "has_more": False})

    with ElevenLabsClient(None, "https://api.test", transport=httpx.MockTransport(handler)) as client:
        client.search_voices(search)
    params = seen[0].url.params
    assert params.get_list("voice_ids") == ["a", "b"]
    assert params.get_list("language") == ["en", "de"]
    assert params.get_list("use_cases") == ["narration", "audiobook"]
    assert params["include_total_count"] == "true" and params["include_custom_rates"] == "false"
    assert params["page_size"] == "100" and params["next_page_token"] == "tok"
    expected = {"search", "sort", "sort_direction", "voice_type", "category", "fine_tuning_state", "collection_id",
                "page_size", "next_page_token", "include_total_count", "voice_ids", "gender", "age", "language",
                "accent", "use_cases", "min_notice_period_days", "include_custom_rates", "include_live_moderated",
                "high_quality"}
    assert set(params.keys()) == expected
    assert "xi-api-key" not in seen[0].headers  # no key configured: none sent


@pytest.mark.parametrize(
    ("changes", "words"),
    [({"page_size": 0}, "between 1 and 100"), ({"page_size": 101}, "between 1 and 100"),
     ({"voice_ids": [str(i) for i in range(101)]}, "at most 100"), ({"sort": "age"}, "'name' or 'created_at_unix'"),
     ({"sort_direction": "up"}, "'asc' or 'desc'")],
)
def test_voice_search_limits(changes: dict[str, Any], words: str) -> None:
    with pytest.raises(InvalidRequestError, match=words):
        VoiceSearch(**changes)


def test_history_query_limits_and_params() -> None:
    with pytest.raises(InvalidRequestError):
        HistoryQuery(page_size=1001)
    query = HistoryQuery(page_size=5, voice_id="v", sort_direction="asc", source="TTS")
    assert dict(query.to_params()) == {"page_size": "5", "voice_id": "v", "sort_direction": "asc", "source": "TTS"}
