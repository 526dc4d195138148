"""The offline forced alignment on real offline-voice speech: written numbers and abbreviations
are aligned as they are spoken, and every character of the text gets a time."""

from __future__ import annotations

import pytest

from studio.core.recording.offline import offline_forced_alignment
from studio.offline.engine import get_engine

pytestmark = pytest.mark.slow
TEXT = "The tide rose 42 feet on the 3rd of May, Dr. Hale wrote."


def test_numbers_and_abbreviations_are_aligned_as_spoken() -> None:
    engine = get_engine()
    pcm = b"".join(chunk.audio for chunk in engine.stream(TEXT, seed=5))
    result = offline_forced_alignment(pcm, engine.sample_rate, TEXT)
    assert "".join(c.text for c in result.characters) == TEXT
    words = {w.text: w for w in result.words if not w.text.isspace()}
    # "42" is "forty two": it lasts like two words and sits between its neighbours.
    assert words["rose"].end <= words["42"].start < words["42"].end <= words["feet"].start
    assert words["42"].end - words["42"].start > 0.3
    assert words["Dr."].end - words["Dr."].start > 0.2  # "doctor", not a dropped token
    assert result.loss < 0.2
