"""Reading Text to Dialogue answers (httpx.MockTransport only: parsing and error mapping)."""

from __future__ import annotations

import base64
import json

import httpx
import pytest

from studio.api import errors as e
from studio.api.client import ElevenLabsClient
from studio.api.dialogue import DialogueInput, DialogueRequest, parse_dialogue_lines

AUDIO = base64.b64encode(b"\x01\x00" * 100).decode()


def _line(chars: str, t0: float, index: int, at: int) -> str:
    n = len(chars)
    return json.dumps({
        "audio_base64": AUDIO,
        "alignment": {"characters": list(chars), "character_start_times_seconds": [t0 + 0.01 * k for k in range(n)],
                      "character_end_times_seconds": [t0 + 0.01 * (k + 1) for k in range(n)]},
        "normalized_alignment": None,
        "voice_segments": [{"voice_id": f"v{index}", "start_time_seconds": t0, "end_time_seconds": t0 + 0.01 * n,
                            "character_start_index": at, "character_end_index": at + n,
                            "dialogue_input_index": index}],
    })


def test_lines_carry_speech_and_segments() -> None:
    chunks = list(parse_dialogue_lines([_line("Hi.", 0.0, 0, 0), "", _line("Yo.", 0.5, 1, 3)]))
    assert [c.voice_segments[0].dialogue_input_index for c in chunks] == [0, 1]
    assert chunks[1].speech.alignment is not None and chunks[1].speech.alignment.characters == list("Yo.")


def test_a_broken_line_raises_instead_of_leaving_a_hole() -> None:
    with pytest.raises(e.MalformedResponseError, match="Line 2"):
        list(parse_dialogue_lines([_line("Hi.", 0.0, 0, 0), '{"audio_base64": "UklGR",']))
    bad = json.loads(_line("Hi.", 0.0, 0, 0))
    bad["voice_segments"] = [{"voice_id": "v"}]
    with pytest.raises(e.MalformedResponseError, match="voice segments"):
        list(parse_dialogue_lines([json.dumps(bad)]))


def _client(handler) -> ElevenLabsClient:  # type: ignore[no-untyped-def]
    return ElevenLabsClient("key-123456", "https://api.test", max_retries=0, transport=httpx.MockTransport(handler))


REQUEST = DialogueRequest(inputs=[DialogueInput(text="Hi.", voice_id="a"), DialogueInput(text="Yo.", voice_id="b")],
                          model_id="eleven_v3")


def test_the_request_goes_to_the_stream_with_timestamps_endpoint() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        body = "\n".join([_line("Hi.", 0.0, 0, 0), _line("Yo.", 0.5, 1, 3)]) + "\n"
        return httpx.Response(200, text=body, headers={"request-id": "r1", "character-cost": "6"})

    result = _client(handler).dialogue_with_timestamps(REQUEST, "pcm_24000")
    assert seen[0].url.path == "/v1/text-to-dialogue/stream/with-timestamps"
    assert seen[0].url.params["output_format"] == "pcm_24000"
    assert json.loads(seen[0].content) == {"inputs": [{"text": "Hi.", "voice_id": "a"}, {"text": "Yo.", "voice_id": "b"}],
                                           "model_id": "eleven_v3"}
    assert result.info.request_id == "r1" and result.info.character_cost == 6 and len(result.chunks) == 2


def test_an_unknown_voice_maps_to_voice_not_found() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(404, json={"detail": {"status": "voice_not_found", "message": "A voice with the voice_id b was not found."}})

    with pytest.raises(e.VoiceNotFoundError):
        _client(handler).dialogue_with_timestamps(REQUEST, "pcm_24000")


def test_wav_cannot_be_streamed_and_nothing_is_sent() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise AssertionError("nothing may be sent")

    with pytest.raises(e.InvalidRequestError):
        _client(handler).dialogue_with_timestamps(REQUEST, "wav_24000")
