"""Every real (and synthetic) API sample parses into our models or errors.

The samples in tests/data/api_samples are captures from the wild (see SOURCES.md): older
shapes, missing fields and extra fields included. Parsing leniently is the point.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

import httpx
import pytest

from studio.api import errors as e
from studio.api.client import ElevenLabsClient
from studio.api.error_mapping import error_from_response
from studio.api.models import (
    CharacterAlignment,
    HistoryItem,
    HistoryPage,
    Model,
    Subscription,
    Voice,
    VoiceSettings,
    VoicesPage,
)
from studio.api.ndjson import chunk_from_object
from studio.api.streaming import ResponseInfo

SAMPLES = Path(__file__).parents[2] / "data" / "api_samples"


def load(name: str) -> dict:
    return json.loads((SAMPLES / name).read_text())


def test_every_sample_file_is_covered_by_a_test() -> None:
    # A new sample dropped into the folder must get a test here, not be silently ignored.
    covered = {
        "voices_v1_real_premade_2024.json", "voice_single_premade_adam_2024.json",
        "voice_single_generated_library_copy_2024.json", "voices_v2_envelope_2025.json",
        "models_v1_real_2023.json", "tts_with_timestamps_alignment_real_2024.json",
        "tts_200_response_headers_2026.json", "spec_examples_SYNTHETIC.json",
        *ERROR_SAMPLES,
    }
    assert {p.name for p in SAMPLES.glob("*.json")} == covered


def test_real_voice_list_parses_every_voice() -> None:
    data = load("voices_v1_real_premade_2024.json")
    page = VoicesPage.model_validate(data)
    assert len(page.voices) == len(data["voices"]) == 20
    adam = page.voices[0]
    assert (adam.voice_id, adam.name, adam.category) == ("pNInz6obpgDQGcFmaJgB", "Adam", "premade")
    assert adam.labels["use_case"] == "narration"
    assert adam.settings is None and adam.description is None
    assert adam.preview_url and adam.preview_url.endswith(".mp3")
    # Unknown fields are kept, not dropped.
    assert adam.model_extra is not None and "fine_tuning" in adam.model_extra
    assert page.has_more is False and page.next_page_token is None


@pytest.mark.parametrize("name", ["voice_single_premade_adam_2024.json", "voice_single_generated_library_copy_2024.json"])
def test_single_voice_samples(name: str) -> None:
    raw = load(name)
    voice = Voice.model_validate(raw)
    assert voice.voice_id == raw["voice_id"] and voice.name == raw["name"]
    assert voice.labels == {k: str(v) for k, v in raw["labels"].items()}


def test_library_copy_keeps_its_sharing_block() -> None:
    voice = Voice.model_validate(load("voice_single_generated_library_copy_2024.json"))
    assert voice.category == "generated"
    assert isinstance(voice.model_extra["sharing"], dict)


def test_v2_envelope_with_page_zero_larger_than_page_size() -> None:
    page = VoicesPage.model_validate(load("voices_v2_envelope_2025.json")["parsed_body"])
    assert page.total_count == 55 and page.has_more is False and page.voices == []


def test_2023_models_lack_newer_fields_but_parse() -> None:
    models = [Model.model_validate(m) for m in load("models_v1_real_2023.json")["models"]]
    assert [m.model_id for m in models] == ["eleven_english_v2", "eleven_monolingual_v1", "eleven_multilingual_v1"]
    mono = models[1]
    assert mono.maximum_text_length_per_request is None and mono.model_rates is None
    assert mono.character_limit(subscribed=True) == 5000
    assert mono.character_limit(subscribed=False) == 2500
    assert mono.can_use_style is False and mono.can_use_speaker_boost is False
    assert mono.credits_per_character() == 1.0


def test_alignment_sample_parses_and_is_consistent() -> None:
    alignment = CharacterAlignment.model_validate(load("tts_with_timestamps_alignment_real_2024.json")["alignment"])
    n = len(alignment.characters)
    assert n > 30
    assert len(alignment.character_start_times_seconds) == len(alignment.character_end_times_seconds) == n
    starts = alignment.character_start_times_seconds
    assert starts == sorted(starts)


def test_response_headers_sample() -> None:
    headers = load("tts_200_response_headers_2026.json")["parsed_headers"]
    info = ResponseInfo.from_headers(httpx.Headers(headers))
    assert info == ResponseInfo(
        request_id="npQR4Xoyx4KHXQHSEy4s",
        character_cost=5378,
        history_item_id="OC6wybolpiQDhzjCRd1o",
        current_concurrent_requests=1,
        maximum_concurrent_requests=10,
    )


def test_headers_reach_the_caller_of_convert() -> None:
    headers = load("tts_200_response_headers_2026.json")["parsed_headers"]
    headers = {k: v for k, v in headers.items() if k != "content-length"}
    transport = httpx.MockTransport(lambda r: httpx.Response(200, headers=headers, content=b"ID3audio"))
    from studio.api.requests import TextToSpeechRequest

    with ElevenLabsClient("k" * 20, "https://api.test", transport=transport) as client:
        result = client.convert(TextToSpeechRequest(voice_id="v", text="Hello", output_format="mp3_44100_128"))
    assert result.audio == b"ID3audio"
    assert result.info.character_cost == 5378 and result.info.request_id == "npQR4Xoyx4KHXQHSEy4s"


def test_synthetic_spec_examples_all_parse() -> None:
    examples = load("spec_examples_SYNTHETIC.json")["examples"]
    for name in ("AudioWithTimestampsResponseModel", "StreamingAudioChunkWithTimestampsResponseModel"):
        example = dict(examples[name])
        # The spec's placeholder is not base64; the shape is what we check here.
        example["audio_base64"] = base64.b64encode(b"\x00\x01").decode()
        chunk = chunk_from_object(example, name)
        assert chunk.audio == b"\x00\x01" and chunk.alignment is not None
    model = Model.model_validate(examples["ModelResponseModel"])
    assert model.can_do_text_to_speech and model.concurrency_group == "standard_eleven_multilingual_v2"
    assert model.character_limit(subscribed=True) == 5000  # tier limit below the 1,000,000 example
    assert model.credits_per_character() == 1.0
    voice = Voice.model_validate(examples["VoiceResponseModel"])
    assert voice.settings == VoiceSettings(similarity_boost=1.0, speed=1.0, stability=1.0, style=0.0, use_speaker_boost=True)
    assert VoiceSettings.model_validate(examples["VoiceSettingsResponseModel"]).speed == 1.0
    sub = Subscription.model_validate(examples["ExtendedSubscriptionResponseModel"])
    assert sub.tier == "starter" and sub.characters_remaining == 9000
    assert Subscription.model_validate(examples["SubscriptionResponseModel"]).characters_remaining == 100000 - 17231
    user_sub = Subscription.model_validate(examples["UserResponseModel"]["subscription"])
    assert user_sub.tier == "trial"
    item = HistoryItem.model_validate(examples["SpeechHistoryItemResponseModel"])
    assert item.request_id == "BF0BZg4IwLGBlaVjv9Im"
    history = HistoryPage.model_validate(examples["GetSpeechHistoryResponseModel"])
    assert history.has_more and history.history[0].history_item_id == history.last_history_item_id
    assert examples["DeleteHistoryItemResponse"] == {"status": "ok"}


ERROR_SAMPLES = {
    "error_401_invalid_api_key_2025.json": e.AuthenticationError,
    "error_401_quota_exceeded_2023_legacy.json": e.QuotaExceededError,
    "error_401_quota_exceeded_2026.json": e.QuotaExceededError,
    "error_404_voice_not_found_2025.json": e.VoiceNotFoundError,
    "error_422_validation_null_voice_settings_2025.json": e.ValidationError,
    "error_429_system_busy_2025.json": e.RateLimitError,
    "error_429_too_many_concurrent_requests_message_2023.json": e.RateLimitError,
    "error_500_something_went_wrong_2024.json": e.ServerError,
    "error_401_missing_permissions_2026.json": e.PermissionDeniedError,
}


@pytest.mark.parametrize("name", sorted(ERROR_SAMPLES))
def test_every_error_sample_maps_to_its_class(name: str) -> None:
    sample = load(name)
    status = sample.get("status_code", 401)
    headers = sample.get("parsed_headers", {})
    body = json.dumps(sample["parsed_body"]).encode()
    error = error_from_response(status, httpx.Headers(headers), body, has_key=True, voice_id="foo")
    assert type(error) is ERROR_SAMPLES[name]
    text = str(error)
    assert "HTTP" not in text and str(status) not in text.split("(")[0]
    assert error.remedy, "every error tells the narrator what to do"
    assert error.status_code == status
