"""``POST /v1/forced-alignment`` on our server, driven by the official ``elevenlabs`` SDK and by
the studio's own client, over loopback TCP, on real offline-voice speech."""

from __future__ import annotations

import json

import httpx
import pytest
from elevenlabs.client import ElevenLabs
from elevenlabs.core.api_error import ApiError

from studio.api import errors as e
from studio.api.client import ElevenLabsClient
from tests.conftest import DATA_DIR
from tests.fixtures.local_server import LocalServer
from tests.fixtures.recording import narration

pytestmark = pytest.mark.slow
#: How far the aligner's start of a paragraph may be from when its first word was said.
TOLERANCE_S = 0.05
CORRUPT = json.loads((DATA_DIR / "api_samples" / "error_400_invalid_content_upload_2025.json").read_text())


@pytest.fixture
def sdk(local_server: LocalServer) -> ElevenLabs:
    return ElevenLabs(api_key="any-key-works-without---api-key", base_url=local_server.base_url, timeout=120)


def _word_starts(words, paragraphs):  # type: ignore[no-untyped-def]
    firsts = [p.split()[0] for p in paragraphs]
    found, position = [], 0
    texts = [w.text for w in words]
    for first in firsts:
        index = texts.index(first, position)
        found.append(words[index].start)
        position = index + 1
    return found


@pytest.mark.parametrize("fmt", ["wav", "flac", "mp3"])
def test_sdk_aligns_a_recording_to_its_text(sdk: ElevenLabs, fmt: str) -> None:
    speech = narration()
    result = sdk.forced_alignment.create(file=(f"take.{fmt}", speech.encoded(fmt), f"audio/{fmt}"), text=speech.text)
    # Every character of the text, in order, newlines included (as the real API answers).
    assert "".join(c.text for c in result.characters) == speech.text
    assert all(c.end >= c.start for c in result.characters)
    assert [c.start for c in result.characters] == sorted(c.start for c in result.characters)
    # Words as the real API gives them: separators are words of their own.
    assert [w.text for w in result.words[:4]] == ["The", " ", "lighthouse", " "]
    starts = _word_starts(result.words, speech.paragraphs)
    for got, known in zip(starts, speech.first_word_starts, strict=True):
        assert abs(got - known) < TOLERANCE_S, (starts, speech.first_word_starts)
    assert result.loss < 0.1  # the recogniser heard the text it was given


def test_a_recording_of_another_text_has_a_high_loss(sdk: ElevenLabs) -> None:
    speech = narration()
    other = ("A quick brown fox jumps over the lazy dog while the farmer sells potatoes at the market.\n\n"
             "But the children play football in the park all afternoon.")
    result = sdk.forced_alignment.create(file=("take.wav", speech.wav(), "audio/wav"), text=other)
    assert "".join(c.text for c in result.characters) == other
    assert result.loss > 0.6


def test_missing_fields_get_the_real_apis_422(local_server: LocalServer) -> None:
    with httpx.Client(base_url=local_server.base_url, timeout=30) as http:
        only_text = http.post("/v1/forced-alignment", data={"text": "Hello there"})
        only_file = http.post("/v1/forced-alignment", files={"file": ("a.wav", narration().wav(), "audio/wav")})
        not_multipart = http.post("/v1/forced-alignment", json={"text": "Hello"})
    assert only_text.status_code == only_file.status_code == not_multipart.status_code == 422
    assert only_text.json() == {"detail": [{"type": "missing", "loc": ["body", "file"], "msg": "Field required",
                                            "input": None}]}
    assert only_file.json()["detail"][0]["loc"] == ["body", "text"]
    assert [d["loc"] for d in not_multipart.json()["detail"]] == [["body", "file"], ["body", "text"]]


def test_an_unplayable_upload_gets_the_real_apis_400(sdk: ElevenLabs) -> None:
    with pytest.raises(ApiError) as caught:
        sdk.forced_alignment.create(file=("notes.wav", b"this is a text file, not audio" * 50, "audio/wav"),
                                    text="Some words")
    assert caught.value.status_code == CORRUPT["status_code"]
    assert caught.value.body == CORRUPT["parsed_body"]


def test_the_studio_client_reads_the_servers_alignment_and_errors(local_server: LocalServer) -> None:
    speech = narration()
    with ElevenLabsClient("sk_any", local_server.base_url) as client:
        result = client.forced_alignment(speech.wav(), "take.wav", speech.text)
        assert "".join(result.character_alignment().characters) == speech.text
        with pytest.raises(e.UnreadableAudioError) as caught:
            client.forced_alignment(b"\0garbage" * 100, "take.mp3", speech.text)
    assert "WAV, FLAC or MP3" in caught.value.remedy
