"""The local server speaks Text to Dialogue (issue 11, point 4), driven by the official SDK.

Real loopback TCP, real Piper speech; each input is spoken with its own voice.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator

import httpx
import pytest
from elevenlabs.client import ElevenLabs
from elevenlabs.core.api_error import ApiError
from elevenlabs.types import DialogueInput

from studio.server.catalog import generate_voices
from tests.fixtures.local_server import LocalServer, run_server
from tests.integration.server.audio_checks import assert_speech, decode, pcm_samples

JOE = "offline-en_US-joe-medium"
CATALOG = generate_voices(12, seed=5)
OTHER = CATALOG[0]["voice_id"]
LINES = [("Where were you last night?", JOE), ("[whispers] At the lighthouse, of course.", OTHER)]


@pytest.fixture(scope="module")
def server() -> Iterator[LocalServer]:
    with run_server(catalog=CATALOG) as running:
        yield running


@pytest.fixture
def client(server: LocalServer) -> ElevenLabs:
    return ElevenLabs(api_key="any-key", base_url=server.base_url, timeout=60)


def _inputs(lines: list[tuple[str, str]] = LINES) -> list[DialogueInput]:
    return [DialogueInput(text=text, voice_id=voice) for text, voice in lines]


def test_convert_and_stream_give_real_speech(client: ElevenLabs, server: LocalServer) -> None:
    server.clear_requests()
    wav = b"".join(client.text_to_dialogue.convert(inputs=_inputs(), output_format="wav_22050"))
    samples, rate = decode(wav)
    spoken = " ".join(text.replace("[whispers] ", "") for text, _ in LINES)
    assert rate == 22050
    assert_speech(samples, rate, spoken)
    pcm = b"".join(client.text_to_dialogue.stream(inputs=_inputs(), output_format="pcm_16000"))
    assert_speech(pcm_samples(pcm), 16000, spoken)
    assert [r["route"] for r in server.requests()] == ["dialogue_convert", "dialogue_stream"]


def test_with_timestamps_segments_index_each_input(client: ElevenLabs) -> None:
    result = client.text_to_dialogue.convert_with_timestamps(inputs=_inputs(), output_format="pcm_22050")
    audio = base64.b64decode(result.audio_base_64)
    duration = len(audio) / 2 / 22050
    chars = result.alignment.characters
    assert "".join(chars) == "".join(text for text, _ in LINES)  # the inputs, in order
    assert [s.dialogue_input_index for s in result.voice_segments] == [0, 1]
    assert [s.voice_id for s in result.voice_segments] == [JOE, OTHER]
    first, second = result.voice_segments
    assert first.character_start_index == 0 and first.character_end_index == len(LINES[0][0])
    assert second.character_start_index == len(LINES[0][0]) and second.character_end_index == len(chars)
    assert 0 <= first.start_time_seconds < first.end_time_seconds <= second.start_time_seconds + 0.01
    assert second.end_time_seconds <= duration + 0.05
    starts = result.alignment.character_start_times_seconds
    assert starts == sorted(starts)  # absolute over the whole dialogue
    # The audio tag is never spoken: the normalized (spoken) text has no "whispers".
    assert "whispers" not in "".join(result.normalized_alignment.characters)


def test_stream_with_timestamps_ndjson(client: ElevenLabs, server: LocalServer) -> None:
    chunks = list(client.text_to_dialogue.stream_with_timestamps(inputs=_inputs(), output_format="pcm_22050"))
    assert len(chunks) >= 2
    audio = b"".join(base64.b64decode(c.audio_base_64) for c in chunks)
    assert_speech(pcm_samples(audio), 22050, "Where were you last night? At the lighthouse, of course.")
    segments = [s for c in chunks for s in (c.voice_segments or [])]
    assert {s.dialogue_input_index for s in segments} == {0, 1}
    chars = "".join(ch for c in chunks if c.alignment for ch in c.alignment.characters)
    for s in segments:
        text = LINES[s.dialogue_input_index][0]
        assert chars[s.character_start_index:s.character_end_index] in text


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({}, 422, "missing"),
        ({"inputs": []}, 422, "inputs_empty"),
        ({"inputs": [{"text": "  ", "voice_id": JOE}]}, 422, "text_empty"),
        ({"inputs": [{"text": "Hi there.", "voice_id": JOE}], "settings": {"stability": 2}}, 422, "less_than_equal"),
        ({"inputs": [{"text": "Hi there.", "voice_id": "no-such-voice"}]}, 404, "voice_not_found"),
        ({"inputs": [{"text": "Hi there.", "voice_id": JOE}], "model_id": "eleven_multilingual_v2"}, 400, "invalid_model"),
        ({"inputs": [{"text": "Hi there.", "voice_id": v["voice_id"]} for v in CATALOG[:11]]}, 400, "too_many_voices"),
        ({"inputs": [{"text": "word " * 1100, "voice_id": JOE}]}, 400, "max_character_limit_exceeded"),
    ],
    ids=["no-inputs", "empty-inputs", "blank-text", "stability", "unknown-voice", "not-dialogue-model",
         "eleven-voices", "too-long"],
)
def test_bad_bodies_get_the_api_errors_and_cost_nothing(server: LocalServer, body: dict, status: int, code: str) -> None:
    with httpx.Client(base_url=server.base_url, timeout=60) as http:
        before = http.get("/v1/user/subscription").json()["character_count"]
        response = http.post("/v1/text-to-dialogue/stream/with-timestamps", json=body)
        after = http.get("/v1/user/subscription").json()["character_count"]
    assert response.status_code == status, response.text
    detail = response.json()["detail"]
    if status == 422:
        assert code in {item["type"] for item in detail}
    else:
        assert detail["status"] == code and detail["message"]
    assert after == before


def test_sdk_raises_api_error_for_unknown_voice(client: ElevenLabs) -> None:
    with pytest.raises(ApiError) as caught:
        client.text_to_dialogue.convert_with_timestamps(inputs=_inputs([("Hello.", "gone-voice")]))
    assert caught.value.status_code == 404
    assert caught.value.body["detail"]["status"] == "voice_not_found"
