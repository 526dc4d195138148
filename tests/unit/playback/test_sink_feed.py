"""The player's feed to the sound output at the output's own rate (studio/playback/sink_feed.py)."""

from __future__ import annotations

import numpy as np

from studio.core.audio import Resampler
from studio.playback.pcm_buffer import PcmBuffer
from studio.playback.sink_feed import SinkFeed


def _take(seconds: float, rate: int = 24000) -> bytes:
    t = np.arange(int(seconds * rate)) / rate
    return (np.sin(2 * np.pi * 440 * t) * 8000).astype("<i2").tobytes()


def _drain(feed: SinkFeed, sizes: list[int], refuse_half: bool = False) -> bytes:
    out = b""
    i = 0
    while not feed.done(True):
        offered = feed.next_bytes(sizes[i % len(sizes)], True)
        taken = min(len(offered), max(2, len(offered) // 4 * 2)) if refuse_half else len(offered)  # takes half
        feed.unwritten(offered[taken:])
        out += offered[:taken]
        i += 1
        assert i < 100_000
    return out


def test_at_the_output_s_rate_the_take_is_resampled_once_whatever_the_sink_takes() -> None:
    pcm = _take(1.3)
    whole = Resampler(24000, 48000)
    expected = whole.push(pcm) + whole.flush()
    for sizes, refuse in (([960], False), ([14400, 962, 4], False), ([2000, 30], True)):
        feed = SinkFeed(PcmBuffer.of(pcm), 24000, 48000, 0)
        assert _drain(feed, sizes, refuse) == expected
        assert feed.cursor == len(pcm)


def test_at_the_take_s_rate_the_bytes_pass_through_from_the_start_asked_for() -> None:
    pcm = _take(0.5)
    feed = SinkFeed(PcmBuffer.of(pcm), 24000, 24000, 1000)
    assert _drain(feed, [333 * 2], refuse_half=True) == pcm[1000:]


def test_a_take_still_streaming_in_is_not_done_and_is_not_flushed_early() -> None:
    take = PcmBuffer()
    take.push(_take(0.1))
    feed = SinkFeed(take, 24000, 48000, 0)
    first = feed.next_bytes(100_000, input_complete=False)
    assert first and not feed.done(False)
    take.push(_take(0.1))
    take.close()
    rest = b""
    while not feed.done(True):
        rest += feed.next_bytes(100_000, input_complete=True)
    # 0.2 s of input is 0.2 s of output: nothing lost where the pushes met, nothing added.
    assert len(first) + len(rest) == int(0.2 * 48000) * 2


def test_a_run_s_first_offer_is_short_and_the_next_fills_the_room() -> None:
    # The first bytes of a run go out before a whole sink buffer is resampled: they sound sooner.
    for sink_rate in (48000, 24000):
        feed = SinkFeed(PcmBuffer.of(_take(1.0)), 24000, sink_rate, 0)
        first = feed.next_bytes(14400, False)
        assert 0 < len(first) <= sink_rate * 2 * SinkFeed.FIRST_MS // 1000
        assert len(feed.next_bytes(14400, False)) == 14400


def test_a_refused_first_offer_is_still_short_the_next_time() -> None:
    feed = SinkFeed(PcmBuffer.of(_take(1.0)), 24000, 48000, 0)
    first = feed.next_bytes(14400, False)
    feed.unwritten(first)  # the sink took nothing
    again = feed.next_bytes(14400, False)
    assert again.startswith(first) and len(again) <= 48000 * 2 * SinkFeed.FIRST_MS // 1000
