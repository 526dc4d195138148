"""Memory while playing: the audio is stored once, and the bound on unplayed audio holds.

Real widgets, a real QAudioSink on the null sink (run through tests/run.sh), the real
controller, worker and feeder. The engines here are in-test: the tone engine, and a lazy
engine that makes each chunk only when asked (so the only audio in memory is what the
studio keeps).
"""

from __future__ import annotations

import functools
import gc
import tracemalloc
from collections.abc import Iterator

from studio.api.models import SpeechChunk
from studio.api.streaming import ResponseInfo, SpeechStream
from studio.playback.pcm_buffer import PcmBuffer
from studio.playback.pcm_player import PlayerState
from studio.ui import play_session
from tests.integration.player.rig import make_rig, needs_audio, rigs  # noqa: F401 - rigs is a fixture
from tests.integration.player.tone_backend import ToneBackend

RATE = 24000
BYTES_PER_SECOND = RATE * 2


class LazyEngine:
    """Streams ``chunks`` chunks of ``chunk_bytes`` of PCM, each made only when it is read."""

    engine_id = "lazy-test"
    display_name = "Lazy test engine"

    def __init__(self, chunks: int, chunk_bytes: int) -> None:
        self.chunks = chunks
        self.chunk_bytes = chunk_bytes

    def stream_with_timestamps(self, request: object) -> SpeechStream:
        def chunks() -> Iterator[SpeechChunk]:
            for k in range(self.chunks):
                yield SpeechChunk(audio=bytes([k % 251, 0]) * (self.chunk_bytes // 2))

        return SpeechStream(chunks(), ResponseInfo(request_id="lazy-1"))

    def close(self) -> None:
        pass


@needs_audio
def test_the_take_is_the_only_copy_of_the_audio(qtbot, tmp_path, rigs) -> None:
    """Three copies used to exist while playing (the job's list, the feeder's track, the hand-over
    buffer); now the worker writes into the take the player plays and keeps, and nothing else
    holds the audio. Measured with tracemalloc: the peak of everything Python allocated while the
    whole take arrived, against the size of the take."""
    engine = LazyEngine(chunks=64, chunk_bytes=48_000)  # ≈ 3 MB, 64 s of audio, arriving at once
    take_bytes = engine.chunks * engine.chunk_bytes
    rig = make_rig(qtbot, tmp_path, engine, "Words to speak.", cache=False)
    rigs.append(rig)
    player = rig.controller.player
    gc.collect()
    tracemalloc.start()
    try:
        baseline, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        rig.controller.play()
        qtbot.waitUntil(lambda: player.input_complete and rig.controller.session_worker is None, timeout=20000)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert not rig.errors
    assert player.received_seconds() * BYTES_PER_SECOND == take_bytes
    held = peak - baseline
    assert held < 1.5 * take_bytes, f"{held / take_bytes:.2f} copies of the take were held at the peak"
    rig.controller.stop()


@needs_audio
def test_while_paused_the_worker_waits_at_the_bound(qtbot, tmp_path, rigs, monkeypatch) -> None:
    """The engine is far faster than playback. While paused, the feeder used to move everything
    arriving into an unbounded track; now audio received but not yet played stays within the
    take's bound, so the worker waits (back-pressure) — and carries on when playback does."""
    bound_s = 2.0
    monkeypatch.setattr(play_session, "PcmBuffer",
                        functools.partial(PcmBuffer, capacity_bytes=int(bound_s * BYTES_PER_SECOND)))
    text = "The quick brown fox jumps over the lazy dog. Then it naps. " * 12
    backend = ToneBackend(realtime_factor=0)  # makes 35 s of audio as fast as it can
    rig = make_rig(qtbot, tmp_path, backend, text, cache=False)
    rigs.append(rig)
    player = rig.controller.player
    total_s = len(text) * backend.char_seconds
    slack_s = 0.5  # the sink's own buffer (150 ms) and a chunk's worth of rounding
    rig.controller.play()
    qtbot.waitUntil(lambda: player.played_seconds() > 0.3, timeout=10000)
    assert player.received_seconds() - player.played_seconds() <= bound_s + slack_s  # playing: bounded too
    rig.controller.toggle_pause()
    assert player.state is PlayerState.PAUSED
    qtbot.wait(400)
    held = player.received_seconds()
    assert held - player.played_seconds() <= bound_s + slack_s
    assert held < total_s / 2
    qtbot.wait(300)
    assert player.received_seconds() == held, "the worker kept adding audio while paused"
    worker = rig.controller.session_worker
    assert worker is not None and not worker.is_done  # waiting, not finished or failed
    rig.controller.toggle_pause()  # playback goes on, and so does the worker
    qtbot.waitUntil(lambda: player.received_seconds() > held + 0.3, timeout=5000)
    assert player.received_seconds() - player.played_seconds() <= bound_s + slack_s
    rig.controller.stop()
    assert worker.wait(2.0), "a worker waiting at the bound did not end on Stop"
    assert not rig.errors
