"""Builders shared by the core unit tests: timed speech with realistic pacing."""

from __future__ import annotations

import numpy as np

from studio.api.models import CharacterAlignment


def paced_alignment(text: str, seconds_per_char: float = 0.065, lead: float = 0.05) -> CharacterAlignment:
    """Characters spoken one after another at ~15 characters a second, with longer pauses at punctuation."""
    starts, ends = [], []
    t = lead
    for char in text:
        length = seconds_per_char * (4 if char in ".!?" else 2.5 if char in ",;:" else 1)
        starts.append(round(t, 3))
        t += length
        ends.append(round(t, 3))
    return CharacterAlignment(characters=list(text), character_start_times_seconds=starts,
                              character_end_times_seconds=ends)


def tone_pcm(seconds: float, rate: int, freq: float = 220.0, amplitude: float = 0.3) -> bytes:
    n = int(round(seconds * rate))
    t = np.arange(n) / rate
    return (np.sin(2 * np.pi * freq * t) * amplitude * 32767).astype("<i2").tobytes()
