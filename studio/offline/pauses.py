"""Pause tags in the offline engine: where the text is cut, and the silence a pause is made of.

The engine speaks the words between the tags as usual and puts, for each tag, exactly
``round(seconds × rate)`` zero samples in its own chunk, whose alignment spreads the tag's
characters over the silence: every later time is shifted by the pause, and the characters
keep their place in the text, as the API's alignment has them. The grammar of the tags is
:mod:`studio.markup`'s.
"""

from __future__ import annotations

import numpy as np

from studio.api.models import CharacterAlignment, SpeechChunk
from studio.markup import Markup
from studio.offline import alignment as align

__all__ = ["pause_runs", "silence_chunk"]


def pause_runs(text: str, markup: list[Markup]) -> list[tuple[int, int, Markup | None]]:
    """``text`` cut at its pause tags: (start, end, None) for words, (start, end, tag) for a pause."""
    runs: list[tuple[int, int, Markup | None]] = []
    position = 0
    for tag in markup:
        if tag.start > position:
            runs.append((position, tag.start, None))
        runs.append((tag.start, tag.end, tag))
        position = tag.end
    if position < len(text) or not runs:
        runs.append((position, len(text), None))
    return runs


def silence_chunk(tag: str, seconds: float, offset_samples: int, rate: int) -> SpeechChunk:
    """A pause after ``offset_samples`` of audio: ``seconds`` of zeros, the tag's characters over it."""
    samples = round(seconds * rate)
    base = offset_samples / rate
    starts, ends = align.spread(len(tag), 0.0, samples / rate)
    return SpeechChunk(
        audio=np.zeros(samples, dtype=np.int16).tobytes(),
        alignment=CharacterAlignment(
            characters=list(tag),
            character_start_times_seconds=[round(base + t, 4) for t in starts],
            character_end_times_seconds=[round(base + t, 4) for t in ends],
        ),
        normalized_alignment=None,  # nothing is said: the spoken text has no characters here
    )
