"""The take: written once by the stream worker, read by the player, bounded by what is unplayed."""

from __future__ import annotations

import threading
import time

import pytest

from studio.cancel import Cancelled, CancelToken
from studio.playback.pcm_buffer import PcmBuffer


def test_frames_split_across_chunks_are_reassembled() -> None:
    buf = PcmBuffer(capacity_bytes=1024)
    buf.push(b"\x01\x02\x03")  # one whole frame and half of the next
    assert buf.read() == b"\x01\x02"
    buf.push(b"\x04")
    assert buf.read(2) == b"\x03\x04"
    buf.push(b"\x05")
    buf.close()  # a dangling half frame at the end is dropped, never played as noise
    assert buf.read() == b"\x01\x02\x03\x04"
    assert buf.closed
    assert buf.pushed_frames == 2


def test_read_returns_whole_frames_from_any_offset_and_keeps_them() -> None:
    buf = PcmBuffer(capacity_bytes=1024)
    buf.push(bytes(range(10)))
    assert buf.read(0, 5) == bytes(range(4))
    assert buf.read(4) == bytes(range(4, 10))
    assert buf.read(10) == b""
    assert buf.read() == bytes(range(10))  # reading takes nothing away: the take is kept for replay
    assert buf.size == 10 and buf.unplayed == 10


def test_push_waits_while_the_unplayed_audio_is_at_the_bound() -> None:
    buf = PcmBuffer(capacity_bytes=8)
    done = threading.Event()

    def producer() -> None:
        buf.push(b"\0" * 20)
        done.set()

    thread = threading.Thread(target=producer)
    thread.start()
    time.sleep(0.1)
    assert not done.is_set()  # bounded: the producer waits
    assert buf.size == 8
    buf.read()  # reading is not playing: no room is made
    time.sleep(0.05)
    assert buf.size == 8
    played = 0
    deadline = time.monotonic() + 5
    while played < 20 and time.monotonic() < deadline:
        played = buf.size
        buf.mark_played(played)
        time.sleep(0.01)
    thread.join(5)
    assert done.is_set() and buf.size == 20
    assert buf.unplayed == 0


def test_played_audio_stays_and_seeking_back_does_not_stop_the_worker() -> None:
    buf = PcmBuffer(capacity_bytes=8)
    buf.push(b"\1\0" * 4)
    buf.mark_played(8)
    buf.mark_played(2)  # the player went back: what was already played still counts as played
    buf.push(b"\2\0" * 4)  # so there is room for a full bound again, without waiting
    assert buf.size == 16 and buf.read(0, 4) == b"\1\0\1\0"


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


def test_a_view_shares_the_take_without_copying() -> None:
    buf = PcmBuffer(capacity_bytes=64)
    buf.push(bytes(range(16)))
    with buf.view(4, 10) as part:
        assert bytes(part) == bytes(range(4, 10))
    buf.push(b"\0\0")  # released: the take can grow again
    assert buf.size == 18
