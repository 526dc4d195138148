"""Offline voices derived from Joe (issue 11, point 5): listed, labelled, and heard as different."""

from __future__ import annotations

import numpy as np
import pytest

from studio.offline.derived import shift_pitch
from studio.offline.engine import get_engine
from studio.offline.voices import bundled_voice, discover_voices

_LINE = "The lighthouse keeper counted every ship that passed the rocks that winter."


def median_pitch(pcm: bytes, rate: int) -> float:
    """Median fundamental frequency (Hz) of voiced 40 ms frames, by autocorrelation (60–400 Hz)."""
    audio = np.frombuffer(pcm, dtype=np.int16).astype(np.float64) / 32768.0
    frame, hop = int(0.04 * rate), int(0.01 * rate)
    lo, hi = int(rate / 400), int(rate / 60)
    loud = np.sqrt(np.mean(audio**2)) if audio.size else 0.0
    pitches = []
    for start in range(0, audio.size - frame, hop):
        x = audio[start : start + frame]
        x = x - x.mean()
        energy = float(np.dot(x, x))
        if energy <= 0 or np.sqrt(energy / frame) < 0.5 * loud:
            continue  # silence and quiet consonants
        ac = np.correlate(x, x, "full")[frame - 1 :]
        lag = lo + int(np.argmax(ac[lo:hi]))
        if ac[lag] / ac[0] > 0.5:  # clearly periodic: voiced
            pitches.append(rate / lag)
    assert len(pitches) > 20, "too little voiced speech to measure"
    return float(np.median(pitches))


def _speak(voice_id: str) -> tuple[bytes, float]:
    engine = get_engine(voice_id)
    chunks = list(engine.stream(_LINE, seed=7))
    pcm = b"".join(c.audio for c in chunks)
    return pcm, chunks[-1].alignment.character_end_times_seconds[-1]


def test_three_derived_voices_are_listed_and_labelled() -> None:
    voices, _ = discover_voices()
    joe = bundled_voice()
    derived = [v for v in voices if v.derived_from == joe.voice_id]
    assert len(derived) >= 2 and len(voices) >= 3  # at least three voices to cast
    for voice in derived:
        assert "derived from Joe" in voice.name and "Derived from Joe" in voice.description
        assert voice.to_api_dict()["labels"]["descriptive"] == "derived"
    assert len({v.voice_id for v in voices}) == len(voices)


def test_derived_voices_differ_in_pitch_by_at_least_15_percent() -> None:
    voices, _ = discover_voices()
    joe = bundled_voice()
    ids = [joe.voice_id, *(v.voice_id for v in voices if v.derived_from == joe.voice_id)]
    pitches = {}
    durations = {}
    for voice_id in ids:
        pcm, end = _speak(voice_id)
        pitches[voice_id] = median_pitch(pcm, joe.sample_rate)
        durations[voice_id] = len(pcm) / 2 / joe.sample_rate
        # The timings cover the resampled audio (the highlight stays on the words).
        assert end <= durations[voice_id] + 0.05
        assert end > 0.6 * durations[voice_id]
    print({k.rsplit("-", 1)[-1]: round(v, 1) for k, v in pitches.items()})
    ordered = sorted(pitches.values())
    for low, high in zip(ordered, ordered[1:], strict=False):
        assert high / low >= 1.15, pitches
    # Time-corrected: the pitch moves, the length stays near Joe's (tempo aside).
    for voice_id in ids:
        assert 0.7 < durations[voice_id] / durations[joe.voice_id] < 1.35


def test_shift_pitch_moves_a_tone_and_keeps_level() -> None:
    rate = 22050
    t = np.arange(rate) / rate
    tone = 0.5 * np.sin(2 * np.pi * 200 * t)
    shifted = shift_pitch(tone, 1.25)
    assert shifted.size == round(rate / 1.25)
    spectrum = np.abs(np.fft.rfft(shifted))
    assert np.argmax(spectrum) * rate / shifted.size == pytest.approx(250, abs=2)
    assert np.max(np.abs(shifted)) == pytest.approx(0.5, abs=0.02)
