"""Checks that audio is real speech, shared by the server's integration tests."""

from __future__ import annotations

import io

import numpy as np
import soundfile as sf

#: Piper speaks ordinary English at roughly 0.05–0.08 s per character; these bounds are wide
#: enough for any voice speed 0.7–1.2 and tight enough to catch silence or truncation.
SECONDS_PER_CHAR = (0.025, 0.25)


def pcm_samples(data: bytes) -> np.ndarray:
    assert len(data) % 2 == 0, "s16le PCM must have an even number of bytes"
    return np.frombuffer(data, dtype="<i2").astype(np.float64) / 32768.0


def rms(samples: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(samples)))) if samples.size else 0.0


def assert_speech(samples: np.ndarray, sample_rate: int, text: str) -> float:
    """Non-silent audio whose length fits the text. Returns the duration in seconds."""
    duration = samples.size / sample_rate
    low, high = SECONDS_PER_CHAR
    assert low * len(text) <= duration <= high * len(text) + 0.5, (
        f"{duration:.2f} s of audio for {len(text)} characters is not plausible speech")
    assert rms(samples) > 0.01, "the audio is (nearly) silent"
    # Speech has pauses and loud parts: the loudness must vary over 50 ms windows.
    window = max(1, sample_rate // 20)
    frames = samples[: samples.size // window * window].reshape(-1, window)
    levels = np.sqrt(np.mean(np.square(frames), axis=1))
    assert levels.max() > 4 * max(np.percentile(levels, 10), 1e-4), "the audio has no pauses: not speech"
    return duration


def decode(data: bytes) -> tuple[np.ndarray, int]:
    """Decode a WAV or MP3 file with soundfile (libsndfile)."""
    samples, rate = sf.read(io.BytesIO(data), dtype="float64", always_2d=False)
    return samples, int(rate)


def assert_alignment_covers(text: str, characters: list[str], starts: list[float], ends: list[float],
                            duration: float | None = None) -> None:
    assert "".join(characters) == text, "the alignment does not spell out the text"
    assert len(characters) == len(starts) == len(ends)
    assert all(s <= e for s, e in zip(starts, ends)), "a character ends before it starts"
    assert all(a <= b + 1e-6 for a, b in zip(starts, starts[1:])), "start times go backwards"
    if duration is not None:
        assert ends[-1] <= duration + 0.05, "the alignment runs past the audio"
        assert ends[-1] >= 0.5 * duration, "the alignment stops long before the audio ends"
