"""NDJSON parsing, alignment clocks, PCM framing and the closable SpeechStream."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator

import httpx
import pytest

from studio.api import errors as e
from studio.api.client import ElevenLabsClient
from studio.api.models import CharacterAlignment, SpeechChunk
from studio.api.ndjson import parse_lines, parse_object
from studio.api.requests import TextToSpeechRequest
from studio.api.streaming import AlignmentClock, ResponseInfo, SpeechStream, whole_samples


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def align(chars: str, start: float, step: float = 0.1) -> dict:
    return {
        "characters": list(chars),
        "character_start_times_seconds": [round(start + i * step, 3) for i in range(len(chars))],
        "character_end_times_seconds": [round(start + (i + 1) * step, 3) for i in range(len(chars))],
    }


def line(audio: bytes, alignment: dict | None, normalized: dict | None = None) -> str:
    return json.dumps({"audio_base64": b64(audio), "alignment": alignment, "normalized_alignment": normalized})


def test_blank_lines_skipped_and_null_alignment_allowed() -> None:
    lines = ["", line(b"\x01\x02", align("Hi", 0.0)), "   ", line(b"\x03\x04", None), ""]
    chunks = list(parse_lines(lines))
    assert [c.audio for c in chunks] == [b"\x01\x02", b"\x03\x04"]
    assert chunks[0].alignment is not None and chunks[0].alignment.characters == ["H", "i"]
    assert chunks[1].alignment is None and chunks[1].normalized_alignment is None


def test_a_line_that_is_not_json_raises_naming_the_line() -> None:
    lines = [line(b"\x01\x02", None), "", '{"audio_base64": "AAA', line(b"\x03\x04", None)]
    parsed = parse_lines(lines)
    assert next(parsed).audio == b"\x01\x02"
    with pytest.raises(e.MalformedResponseError, match="Line 3"):
        next(parsed)


def test_invalid_base64_raises() -> None:
    with pytest.raises(e.MalformedResponseError, match="base64"):
        list(parse_lines(['{"audio_base64": "not base64!!", "alignment": null}']))


def test_mismatched_alignment_lengths_raise() -> None:
    bad = {"characters": ["a", "b"], "character_start_times_seconds": [0.0], "character_end_times_seconds": [0.1, 0.2]}
    with pytest.raises(e.MalformedResponseError, match="mismatched"):
        list(parse_lines([line(b"", bad)]))


def test_whole_response_object() -> None:
    chunk = parse_object(json.dumps({"audio_base64": b64(b"abc"), "alignment": align("abc", 0)}).encode())
    assert chunk.audio == b"abc" and chunk.alignment and len(chunk.alignment.characters) == 3
    with pytest.raises(e.MalformedResponseError):
        parse_object(b"<html>")


def test_absolute_times_are_kept() -> None:
    clock = AlignmentClock(bytes_per_second=48000)
    first = clock.apply(SpeechChunk(audio=b"\0" * 9600, alignment=CharacterAlignment(**align("ab", 0.0))))
    second = clock.apply(SpeechChunk(audio=b"\0" * 9600, alignment=CharacterAlignment(**align("cd", 0.2))))
    assert first.alignment.character_start_times_seconds == [0.0, 0.1]  # type: ignore[union-attr]
    assert second.alignment.character_start_times_seconds == [0.2, 0.3]  # type: ignore[union-attr]


def test_chunk_relative_times_are_made_absolute_by_audio_received() -> None:
    clock = AlignmentClock(bytes_per_second=48000)
    clock.apply(SpeechChunk(audio=b"\0" * 24000, alignment=CharacterAlignment(**align("abcde", 0.0))))  # 0.5 s
    nothing = clock.apply(SpeechChunk(audio=b"\0" * 4800, alignment=None))  # 0.1 s, no timing
    second = clock.apply(SpeechChunk(audio=b"\0" * 9600, alignment=CharacterAlignment(**align("fg", 0.0)),
                                     normalized_alignment=CharacterAlignment(**align("fg", 0.0))))
    assert nothing.alignment is None
    assert second.alignment.character_start_times_seconds == pytest.approx([0.6, 0.7])  # type: ignore[union-attr]
    assert second.normalized_alignment.character_start_times_seconds == pytest.approx([0.6, 0.7])  # type: ignore[union-attr]


def test_first_timings_after_untimed_audio_are_absolute() -> None:
    """Audio came with no timings, then timings from 0: they cover that audio (absolute)."""
    clock = AlignmentClock(bytes_per_second=48000)
    clock.apply(SpeechChunk(audio=b"\0" * 9600))  # 0.2 s, no timing
    first = clock.apply(SpeechChunk(audio=b"\0" * 9600, alignment=CharacterAlignment(**align("ab", 0.0))))
    later = clock.apply(SpeechChunk(audio=b"\0" * 9600, alignment=CharacterAlignment(**align("cd", 0.4))))
    assert first.alignment.character_start_times_seconds == [0.0, 0.1]  # type: ignore[union-attr]
    assert later.alignment.character_start_times_seconds == [0.4, 0.5]  # type: ignore[union-attr]


def test_odd_byte_counts_do_not_drift_the_shift() -> None:
    """A read that splits a sample does not move later relative chunks by half a sample."""
    clock = AlignmentClock(bytes_per_second=2000)
    clock.apply(SpeechChunk(audio=b"\0" * 201, alignment=CharacterAlignment(**align("ab", 0.0, 0.05))))
    second = clock.apply(SpeechChunk(audio=b"\0" * 199, alignment=CharacterAlignment(**align("cd", 0.0, 0.05))))
    assert second.alignment.character_start_times_seconds == pytest.approx([0.1, 0.15])  # type: ignore[union-attr]


def test_pcm_samples_never_split() -> None:
    source = [SpeechChunk(audio=b"\x01"), SpeechChunk(audio=b"\x02\x03\x04"), SpeechChunk(audio=b"\x05\x06\x07")]
    out = list(whole_samples(iter(source)))
    assert all(len(c.audio) % 2 == 0 for c in out)
    assert b"".join(c.audio for c in out) == b"\x01\x02\x03\x04\x05\x06"


def test_stream_over_any_iterator_reports_completion() -> None:
    stream = SpeechStream(iter([SpeechChunk(audio=b"a"), SpeechChunk(audio=b"b")]), ResponseInfo(request_id="r"))
    assert [c.audio for c in stream] == [b"a", b"b"]
    assert stream.completed and stream.info.request_id == "r"


def test_close_before_reading_disposes_the_source_and_calls_on_close() -> None:
    finalised = threading.Event()
    calls: list[str] = []

    def source() -> Iterator[SpeechChunk]:
        try:
            yield SpeechChunk(audio=b"a")
            yield SpeechChunk(audio=b"b")
        finally:
            finalised.set()

    stream = SpeechStream(source(), on_close=lambda: calls.append("closed"))
    assert next(stream).audio == b"a"
    stream.close()
    stream.close()  # idempotent
    assert calls == ["closed"] and finalised.is_set()
    assert list(stream) == [] and not stream.completed


def test_close_from_another_thread_unblocks_the_reader() -> None:
    release = threading.Event()

    def blocking() -> Iterator[SpeechChunk]:
        yield SpeechChunk(audio=b"a")
        release.wait(10)  # like a socket read; on_close "shuts the socket"
        raise OSError("socket shut down")

    stream = SpeechStream(blocking(), on_close=release.set)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.extend(c.audio for c in stream))
    reader.start()
    while not got:
        threading.Event().wait(0.005)
    stream.close()
    reader.join(2)
    assert not reader.is_alive() and got == [b"a"]  # ended quietly, no error


def test_mid_stream_failure_after_audio_is_reported_with_what_arrived() -> None:
    class Breaks(httpx.SyncByteStream):
        def __iter__(self) -> Iterator[bytes]:
            yield b"\x01\x02\x03\x04"
            raise httpx.ReadError("connection reset")

    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(200, stream=Breaks())

    request = TextToSpeechRequest(voice_id="v", text="Hi", output_format="pcm_16000")
    with ElevenLabsClient("key-123456", "https://api.test", transport=httpx.MockTransport(handler)) as client:
        stream = client.stream(request)
        received = []
        with pytest.raises(e.StreamInterruptedError) as caught:
            for chunk in stream:
                received.append(chunk)
    assert b"".join(c.audio for c in received) == b"\x01\x02\x03\x04"
    assert caught.value.received_bytes == 4 and "credits" in caught.value.remedy
    assert len(calls) == 1, "never requested again: that would charge twice"
