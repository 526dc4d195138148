"""The tone test voice (studio/server/tone_voice.py) over HTTP, and the first-byte record.

bench/player.py trusts two things of it: every word starts audibly where the timings say
(letters are tones, spaces and punctuation silence), and the voice appears only on a server
configured for it. And it trusts the time the server notes for each stream's first byte.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator

import httpx
import numpy as np
import pytest

from studio.server.tone_voice import TONE_VOICE_ID
from tests.fixtures.local_server import LocalServer, run_server
from tests.fixtures.sink_monitor import detect_onsets

TEXT = "The ferry left at six, with nobody aboard.\nRain came in sideways off the grey water!"


@pytest.fixture(scope="module")
def tone_server() -> Iterator[LocalServer]:
    with run_server(tone_voice=True, preload_engine=False) as server:
        yield server


def _stream(server: LocalServer, rate: int) -> tuple[np.ndarray, list[dict[str, object]]]:
    response = httpx.post(f"{server.base_url}/v1/text-to-speech/{TONE_VOICE_ID}/stream/with-timestamps",
                          params={"output_format": f"pcm_{rate}"}, json={"text": TEXT}, timeout=30)
    assert response.status_code == 200, response.text
    lines = [json.loads(line) for line in response.text.splitlines() if line.strip()]
    audio = b"".join(base64.b64decode(line["audio_base64"]) for line in lines)
    return np.frombuffer(audio, dtype="<i2"), [line["alignment"] for line in lines if line["alignment"]]


@pytest.mark.parametrize("rate", [24000, 16000, 44100])
def test_every_word_starts_audibly_where_its_timings_say(tone_server: LocalServer, rate: int) -> None:
    samples, alignments = _stream(tone_server, rate)
    assert len(alignments) > 2  # streamed in several chunks, like speech
    chars = [c for a in alignments for c in a["characters"]]
    starts = [t for a in alignments for t in a["character_start_times_seconds"]]
    assert "".join(chars) == TEXT  # absolute times, every character once
    word_starts = [starts[i] for i, c in enumerate(chars) if c.isalnum() and (i == 0 or not chars[i - 1].isalnum())]
    onsets = [n / rate for n in detect_onsets(samples, rate)]
    assert len(onsets) == len(word_starts) == 16
    # Exact at the engine's rate; within a millisecond where the server resamples.
    tolerance = 1.5 / rate if rate == 24000 else 0.001
    assert max(abs(o - w) for o, w in zip(onsets, word_starts, strict=True)) <= tolerance


def test_the_tone_voice_is_offered_only_where_it_is_configured(tone_server: LocalServer,
                                                               local_server: LocalServer) -> None:
    listed = {v["voice_id"] for v in httpx.get(f"{tone_server.base_url}/v1/voices", timeout=10).json()["voices"]}
    assert TONE_VOICE_ID in listed
    ordinary = {v["voice_id"] for v in httpx.get(f"{local_server.base_url}/v1/voices", timeout=10).json()["voices"]}
    assert TONE_VOICE_ID not in ordinary
    refused = httpx.post(f"{local_server.base_url}/v1/text-to-speech/{TONE_VOICE_ID}/stream", json={"text": "Hi."})
    assert refused.status_code == 404


def test_the_server_notes_when_each_stream_s_first_byte_went_out(tone_server: LocalServer) -> None:
    before = len(tone_server.first_bytes())
    sent = time.monotonic()
    with httpx.stream("POST", f"{tone_server.base_url}/v1/text-to-speech/{TONE_VOICE_ID}/stream/with-timestamps",
                      json={"text": TEXT}, timeout=30) as response:
        first = next(response.iter_bytes())
        received = time.monotonic()
        request_id = response.headers["request-id"]
    assert first
    noted = tone_server.first_bytes()[before:]
    assert [n["request_id"] for n in noted] == [request_id]
    # The same clock as this process's: between sending the request and reading the byte.
    assert sent <= noted[0]["monotonic"] <= received
