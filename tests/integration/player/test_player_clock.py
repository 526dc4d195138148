"""The player's clock is what is heard, not what the sound server has taken (issue 15, point 1).

The real QAudioSink on the null sink of tests/run.sh, the tone test voice's audio (every word
starts audibly, after a silence), and a recording of the sink's monitor for the truth.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

import numpy as np
import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtMultimedia import QMediaDevices

from studio.playback.pcm_buffer import BYTES_PER_FRAME
from studio.playback.pcm_player import PcmPlayer
from studio.playback.pulse_latency import StreamLatency
from studio.server.tone_voice import synthesize, word_onsets
from tests.fixtures.sink_monitor import MonitorRecorder, detect_onsets, match_onsets
from tests.integration.player.rig import make_rig, needs_audio, rigs  # noqa: F401 - rigs is a fixture
from tests.integration.player.tone_backend import ToneBackend

pytestmark = needs_audio

TEXT = "The keeper climbed the spiral stairs before the storm arrived, and counted every boat."
RATE = 24_000


class _HeldBack:
    """A sound server that says every stream's audio waits 200 ms more after it was taken."""

    def newest_stream(self) -> StreamLatency:
        return StreamLatency(1, 0.2)

    def close(self) -> None:
        pass


def _qt_taken(player: PcmPlayer) -> float:
    """Qt's own measure: what the sound server has taken (processedUSecs, capped by the writes)."""
    sink = player._sink
    assert sink is not None
    buffered = max(0, sink.bufferSize() - sink.bytesFree())
    return min(sink.processedUSecs() / 1e6, (player._written - buffered) / BYTES_PER_FRAME / player.sample_rate)


def _play(qtbot: Any, player: PcmPlayer, each_ms: Any = None) -> None:
    audio, _bounds = synthesize(TEXT, RATE)
    sampler = QTimer()
    sampler.setTimerType(Qt.TimerType.PreciseTimer)
    sampler.setInterval(1)
    if each_ms is not None:
        sampler.timeout.connect(each_ms)
    player.load(RATE, pcm=audio.tobytes())
    with qtbot.waitSignal(player.finished, timeout=30000):
        sampler.start()
        assert player.play()
    sampler.stop()


def test_the_clock_takes_off_what_the_sound_server_still_holds(qtbot, monkeypatch) -> None:
    monkeypatch.setattr(PcmPlayer, "latency_client_factory", _HeldBack)
    player = PcmPlayer()
    lags: list[float] = []

    def sample() -> None:
        if player._sink is not None and player.played_seconds() > 0.3:
            lags.append(_qt_taken(player) - player.played_seconds())

    try:
        _play(qtbot, player, sample)
    finally:
        player.shutdown()
    assert len(lags) > 100
    # 200 ms behind what was taken (give or take Qt's 12 ms steps), not on it.
    assert statistics.median(lags) == pytest.approx(0.2, abs=0.015)


def test_the_clock_is_the_sound_at_the_sink_s_monitor_at_the_output_s_own_rate(qtbot) -> None:
    player = PcmPlayer()
    readings: list[tuple[float, float]] = []

    def sample() -> None:
        if player._sink is not None:
            readings.append((time.monotonic(), player.played_seconds()))

    try:
        with MonitorRecorder() as recorder:
            started = time.monotonic()
            _play(qtbot, player, sample)
    finally:
        player.shutdown()
    # The 24 kHz take went out at the output's own rate: the sound server does not resample
    # it (which made the first sound 12-15 ms later here).
    assert player.output_rate == QMediaDevices.defaultAudioOutput().preferredFormat().sampleRate() == 48000
    recording = recorder.recording
    assert recording is not None
    onsets = [recording.time_of(n) for n in detect_onsets(recording.samples, recording.rate)]
    words = word_onsets(TEXT, RATE)
    # Where each word was heard (on a busy machine the output may run dry for a moment: the
    # words after such a pause are found from where the sound went on).
    heard = match_onsets([start for _i, start in words], onsets, started)
    assert sum(h is not None for h in heard) >= len(words) // 2
    at, said = np.array(readings).T
    # What the clock said when each word was heard, minus where the word is in the track.
    ahead_ms = [(float(np.interp(h, at, said)) - start) * 1000
                for (_i, start), h in zip(words, heard, strict=True) if h is not None]
    # Qt's measure alone runs 20-35 ms ahead of the sound here; the clock is within a few ms.
    assert abs(statistics.median(ahead_ms)) <= 8, ahead_ms


def test_the_highlight_changes_when_the_next_character_starts_not_a_tick_later(qtbot, tmp_path, rigs) -> None:
    # 50 ms characters: refreshed on a 10 ms tick alone, the highlight shows the character
    # before for 5 ms on average after each start (a tenth of the time); woken for the start,
    # for about a millisecond.
    rig = make_rig(qtbot, tmp_path, ToneBackend(), TEXT)
    rigs.append(rig)
    controller = rig.controller
    stale: list[bool] = []

    def sample() -> None:
        session = controller.session
        if session is None or controller.highlighted_index is None:
            return
        stale.append(controller.highlighted_index != session.lit_at(controller.player.played_seconds()))

    sampler = QTimer()
    sampler.setTimerType(Qt.TimerType.PreciseTimer)
    sampler.setInterval(1)
    sampler.timeout.connect(sample)
    sampler.start()
    with qtbot.waitSignal(controller.player.finished, timeout=30000):
        controller.play()
    sampler.stop()
    assert not rig.errors
    assert len(stale) > 1000
    assert sum(stale) / len(stale) < 0.04, f"{sum(stale)} of {len(stale)} samples showed the character before"
