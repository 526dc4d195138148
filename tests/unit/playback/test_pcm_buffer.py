"""The bounded hand-over between the stream worker and the player."""

from __future__ import annotations

import threading
import time

import pytest

from studio.core.cancel import Cancelled, CancelToken
from studio.playback.pcm_buffer import PcmBuffer


def test_frames_split_across_chunks_are_reassembled() -> None:
    buf = PcmBuffer(capacity_bytes=1024)
    buf.push(b"\x01\x02\x03")  # one whole frame and half of the next
    assert buf.read() == b"\x01\x02"
    buf.push(b"\x04")
    assert buf.read() == b"\x03\x04"
    buf.push(b"\x05")
    buf.close()  # a dangling half frame at the end is dropped, never played as noise
    assert buf.read() == b""
    assert buf.drained
    assert buf.pushed_frames == 2


def test_read_returns_whole_frames_only() -> None:
    buf = PcmBuffer(capacity_bytes=1024)
    buf.push(b"\0" * 10)
    assert len(buf.read(5)) == 4
    assert buf.available == 6


def test_push_waits_when_full_and_resumes_when_read() -> None:
    buf = PcmBuffer(capacity_bytes=8)
    done = threading.Event()

    def producer() -> None:
        buf.push(b"\0" * 20)
        done.set()

    thread = threading.Thread(target=producer)
    thread.start()
    time.sleep(0.1)
    assert not done.is_set()  # bounded: the producer waits
    assert buf.available == 8
    received = 0
    deadline = time.monotonic() + 5
    while received < 20 and time.monotonic() < deadline:
        received += len(buf.read())
        time.sleep(0.01)
    thread.join(5)
    assert received == 20
    assert done.is_set()


def test_a_full_buffer_does_not_block_cancel() -> None:
    buf = PcmBuffer(capacity_bytes=4)
    token = CancelToken()
    errors: list[BaseException] = []

    def producer() -> None:
        try:
            buf.push(b"\0" * 40, token)
        except Cancelled as exc:
            errors.append(exc)

    thread = threading.Thread(target=producer)
    thread.start()
    time.sleep(0.05)
    started = time.monotonic()
    token.cancel()
    thread.join(2)
    assert not thread.is_alive()
    assert time.monotonic() - started < 0.5
    assert errors and isinstance(errors[0], Cancelled)


def test_push_after_close_is_refused() -> None:
    buf = PcmBuffer(capacity_bytes=8)
    buf.close()
    with pytest.raises(ValueError):
        buf.push(b"\0\0")
