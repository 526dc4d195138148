"""The local server honours break tags like the real API: real silence, never read aloud."""

from __future__ import annotations

import base64
import json

import httpx
import numpy as np
import pytest

from tests.integration.server.conftest import OFFLINE_VOICE

TTS = f"/v1/text-to-speech/{OFFLINE_VOICE}"


def _longest_quiet(samples: np.ndarray, rate: int) -> float:
    """Seconds of the longest run of (nearly) silent samples (resampling leaves ±1 at the edges)."""
    quiet = np.concatenate(([0], (np.abs(samples) <= 2).astype(np.int8), [0]))
    edges = np.flatnonzero(np.diff(quiet))
    return float((edges[1::2] - edges[::2]).max()) / rate if edges.size else 0.0


@pytest.mark.parametrize("rate", [22050, 24000])
def test_a_break_tag_is_that_much_silence_in_the_returned_audio(http: httpx.Client, rate: int) -> None:
    plain = http.post(f"{TTS}/stream", params={"output_format": f"pcm_{rate}"},
                      json={"text": "The keeper waited. Then the light came on.", "seed": 5})
    paused = http.post(f"{TTS}/stream", params={"output_format": f"pcm_{rate}"},
                       json={"text": 'The keeper waited. <break time="2s" /> Then the light came on.', "seed": 5})
    assert plain.status_code == paused.status_code == 200
    before = _longest_quiet(np.frombuffer(plain.content, dtype="<i2"), rate)
    after = _longest_quiet(np.frombuffer(paused.content, dtype="<i2"), rate)
    assert before < 1.0 and 2.0 <= after < 2.1
    # The tag is not read aloud: the only extra audio is the pause.
    extra = (len(paused.content) - len(plain.content)) / 2 / rate
    assert extra == pytest.approx(2.0, abs=0.35)


def test_timestamps_put_the_tag_over_the_silence_and_later_words_after_it(http: httpx.Client) -> None:
    text = 'One. <break time="1.5s" /> Two.'
    response = http.post(f"{TTS}/stream/with-timestamps", params={"output_format": "pcm_24000"},
                         json={"text": text, "seed": 2})
    assert response.status_code == 200
    chars: list[str] = []
    starts: list[float] = []
    spoken = ""
    audio = b""
    for line in response.text.splitlines():
        if not line.strip():
            continue
        chunk = json.loads(line)
        audio += base64.b64decode(chunk["audio_base64"])
        if chunk.get("alignment"):
            chars += chunk["alignment"]["characters"]
            starts += chunk["alignment"]["character_start_times_seconds"]
        if chunk.get("normalized_alignment"):
            spoken += "".join(chunk["normalized_alignment"]["characters"])
    joined = "".join(chars)
    assert "<break" in joined and "break" not in spoken
    tag_start = joined.index("<")
    assert starts[joined.index("Two")] - starts[tag_start] >= 1.5
    assert _longest_quiet(np.frombuffer(audio, dtype="<i2"), 24000) >= 1.5


def test_v3_pause_tags_are_silence_for_v3_only(http: httpx.Client) -> None:
    def quiet(model: str) -> float:
        response = http.post(f"{TTS}/stream", params={"output_format": "pcm_24000"},
                             json={"text": "Wait [long pause] here.", "model_id": model, "seed": 1})
        assert response.status_code == 200
        return _longest_quiet(np.frombuffer(response.content, dtype="<i2"), 24000)

    assert quiet("eleven_v3") >= 2.0
    assert quiet("eleven_multilingual_v2") < 1.0


def test_a_text_of_only_a_pause_is_text_empty(http: httpx.Client) -> None:
    response = http.post(TTS, json={"text": '<break time="1s" />'})
    assert response.status_code == 422
    assert "text_empty" in response.text
