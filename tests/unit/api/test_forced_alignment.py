"""``ElevenLabsClient.forced_alignment``: the multipart request it sends and the answer it reads
(MockTransport; the end-to-end test against our server is tests/integration/server/test_forced_alignment.py)."""

from __future__ import annotations

import json
from email.parser import BytesParser
from email.policy import HTTP
from pathlib import Path

import httpx
import pytest

from studio.api import errors as e
from studio.api.client import ElevenLabsClient

SAMPLES = Path(__file__).parents[2] / "data" / "api_samples"
REAL = json.loads((SAMPLES / "forced_alignment_real_2025.json").read_text())
CORRUPT = json.loads((SAMPLES / "error_400_invalid_content_upload_2025.json").read_text())


def _fields(request: httpx.Request) -> dict[str, tuple[str | None, bytes]]:
    head = f"Content-Type: {request.headers['content-type']}\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + request.content)
    return {part.get_param("name", header="content-disposition"): (part.get_filename(), part.get_payload(decode=True))
            for part in message.iter_parts()}


def test_sends_file_and_text_as_multipart_and_reads_the_real_answer() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        request.read()
        seen.append(request)
        return httpx.Response(200, json={k: v for k, v in REAL.items() if not k.startswith("_")})

    with ElevenLabsClient("key-123456", "https://api.test", transport=httpx.MockTransport(handler)) as client:
        result = client.forced_alignment(b"RIFF....WAVE", "take one.wav", "Maya and Dan")
    request = seen[0]
    assert (request.method, request.url.path) == ("POST", "/v1/forced-alignment")
    assert request.headers["content-type"].startswith("multipart/form-data; boundary=")
    fields = _fields(request)
    assert fields["file"] == ("take one.wav", b"RIFF....WAVE")
    assert fields["text"] == (None, b"Maya and Dan")
    # The real capture: characters are the text as sent, separators are words of their own.
    text = "".join(c.text for c in result.characters)
    assert text.startswith("Maya and Dan: When Labels Meet Reality\n\nThey")
    assert [w.text for w in result.words[:5]] == ["Maya", " ", "and", " ", "Dan:"]
    assert result.loss == pytest.approx(0.0753, abs=1e-4) and result.words[4].loss > 0.5
    alignment = result.character_alignment()
    assert alignment.characters[0] == "M" and alignment.character_start_times_seconds[0] == pytest.approx(0.079)


def test_an_unreadable_upload_is_named_with_a_remedy() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(CORRUPT["status_code"], json=CORRUPT["parsed_body"])

    with ElevenLabsClient("key-123456", "https://api.test", transport=httpx.MockTransport(handler)) as client:
        with pytest.raises(e.UnreadableAudioError) as caught:
            client.forced_alignment(b"not audio", "notes.txt.wav", "Some words")
    assert "could not read the recording" in caught.value.cause
    assert "WAV, FLAC or MP3" in caught.value.remedy


def test_an_answer_that_is_not_an_alignment_is_a_malformed_response() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"characters": "nope"})

    with ElevenLabsClient("key-123456", "https://api.test", transport=httpx.MockTransport(handler)) as client:
        with pytest.raises(e.MalformedResponseError):
            client.forced_alignment(b"RIFF", "a.wav", "words")


def test_nothing_is_sent_for_an_empty_file_or_text() -> None:
    def handler(request: httpx.Request) -> httpx.Response:  # pragma: no cover - must not be reached
        raise AssertionError("sent")

    with ElevenLabsClient("key-123456", "https://api.test", transport=httpx.MockTransport(handler)) as client:
        with pytest.raises(e.InvalidRequestError):
            client.forced_alignment(b"", "a.wav", "words")
        with pytest.raises(e.InvalidRequestError):
            client.forced_alignment(b"RIFF", "a.wav", "  ")
