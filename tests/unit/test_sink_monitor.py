"""The measuring tools of bench/player.py: onsets found in a recording, and the recording's clock."""

from __future__ import annotations

import random

import numpy as np
import pytest

from studio.server.tone_voice import SAMPLE_RATE, char_bounds, synthesize, word_onsets
from tests.fixtures.sink_monitor import Recording, detect_onsets

TEXT = "The keeper climbed the stairs, slowly. Nobody asked why!"


def test_the_onset_detector_finds_every_word_of_the_tone_voice_to_the_sample() -> None:
    audio, _bounds = synthesize(TEXT)
    lead = np.zeros(SAMPLE_RATE // 4, dtype=np.int16)  # the recording starts before the sound
    noisy = np.concatenate([lead, audio]).astype(np.int32) + np.random.default_rng(3).integers(-40, 41, len(lead) + len(audio))
    found = detect_onsets(noisy.astype(np.int16), SAMPLE_RATE)
    expected = [len(lead) + round(t * SAMPLE_RATE) for _i, t in word_onsets(TEXT)]
    assert len(found) == len(expected) == 9
    assert all(abs(f - e) <= 2 for f, e in zip(found, expected, strict=True)), list(zip(found, expected))


def test_the_tone_voice_is_silent_exactly_where_its_timings_say_no_letter_sounds() -> None:
    audio, bounds = synthesize(TEXT)
    assert bounds == char_bounds(TEXT) and len(audio) == bounds[-1]
    for i, char in enumerate(TEXT):
        part = np.abs(audio[bounds[i]:bounds[i + 1]].astype(np.int32))
        if char.isalnum():
            assert part.max() > 5000, char
        else:
            assert part.max() == 0, repr(char)


def test_the_recording_clock_is_fitted_to_the_sink_blocks_despite_late_and_split_reads() -> None:
    rate, t0 = 48_000, 1000.0
    rng = random.Random(5)
    reads: list[tuple[int, float]] = []
    first = 0
    for _block in range(500):  # 2 ms blocks, each arriving when its first sample is heard ...
        arrival = t0 + first / rate + rng.uniform(0.0, 0.0003)
        if rng.random() < 0.1:
            arrival += rng.uniform(0.002, 0.02)  # ... but some wake-ups are late
        if rng.random() < 0.2:  # and some blocks come in two reads
            reads.append((first, arrival))
            reads.append((first + 48, arrival + 0.0001))
        else:
            reads.append((first, arrival))
        first += 96
    recording = Recording(np.zeros(first, dtype=np.int16), rate, reads)
    assert recording.t0 == pytest.approx(t0, abs=0.0005)
    assert recording.time_of(48_000) == pytest.approx(t0 + 1.0, abs=0.0005)


def test_the_recording_clock_follows_a_sink_whose_sample_clock_runs_slow() -> None:
    # 600 ppm slow over 90 s: 54 ms by the end, which a single offset would split into
    # +27 ms at the start and -27 ms at the end.
    rate, t0, ppm = 48_000, 500.0, 600e-6
    rng = random.Random(9)
    reads: list[tuple[int, float]] = []
    first = 0
    while first < 90 * rate:
        arrival = t0 + first / rate * (1 + ppm) + rng.uniform(0.0, 0.0003)
        if rng.random() < 0.1:
            arrival += rng.uniform(0.002, 0.02)
        reads.append((first, arrival))
        first += 480
    recording = Recording(np.zeros(first, dtype=np.int16), rate, reads)
    for seconds in (0, 1, 30, 45, 60, 89):
        heard = t0 + seconds * (1 + ppm)
        assert recording.time_of(seconds * rate) == pytest.approx(heard, abs=0.0008), seconds
        assert abs(recording.sample_at(heard) - seconds * rate) <= 0.0008 * rate
