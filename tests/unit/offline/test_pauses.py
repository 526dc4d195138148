"""Pause tags in the offline engine: real silence of the right length, never read aloud."""

from __future__ import annotations

import numpy as np
import pytest

from studio.offline.engine import OfflineEngine, get_engine
from studio.markup import MarkupError

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def engine() -> OfflineEngine:
    return get_engine()


def _longest_zero_run(pcm: np.ndarray) -> tuple[int, int]:
    """(start, length) of the longest run of exact zero samples."""
    zero = np.concatenate(([0], (pcm == 0).astype(np.int8), [0]))
    edges = np.flatnonzero(np.diff(zero))
    starts, ends = edges[::2], edges[1::2]
    if not len(starts):
        return 0, 0
    longest = int(np.argmax(ends - starts))
    return int(starts[longest]), int(ends[longest] - starts[longest])


@pytest.mark.parametrize("seconds", [0.4, 1.5])
def test_a_break_tag_is_exactly_that_much_silence_between_the_words(engine: OfflineEngine, seconds: float) -> None:
    tag = f'<break time="{seconds}s" />'
    text = f"The keeper waited. {tag} Then the light came on."
    chunks = list(engine.stream(text, seed=3))
    pcm = np.frombuffer(b"".join(c.audio for c in chunks), dtype="<i2")
    rate = engine.sample_rate
    start, length = _longest_zero_run(pcm)
    # The pause is exact zeros; speech next to it may add a few zero samples of its own.
    assert round(seconds * rate) <= length < round(seconds * rate) + rate // 50
    assert np.abs(pcm[:start]).max() > 1000 and np.abs(pcm[start + length :]).max() > 1000  # words on both sides
    # The tag is never spoken: the normalised (spoken) text has none of it.
    spoken = "".join("".join(c.normalized_alignment.characters) for c in chunks if c.normalized_alignment)
    assert "break" not in spoken and "time" not in spoken
    # Every later character's time is shifted by the pause: "Then" starts after it.
    chars = [ch for c in chunks for ch in c.alignment.characters]  # type: ignore[union-attr]
    starts = [t for c in chunks for t in c.alignment.character_start_times_seconds]  # type: ignore[union-attr]
    assert tag in "".join(chars)  # the tag keeps its place in the alignment, as the API's does
    then = "".join(chars).index("Then")
    assert starts[then] >= (start + length) / rate - 0.05


def test_v3_pause_tags_only_when_asked(engine: OfflineEngine) -> None:
    text = "Wait [pause] here."
    plain = np.frombuffer(b"".join(c.audio for c in engine.stream(text, seed=1)), dtype="<i2")
    v3 = np.frombuffer(b"".join(c.audio for c in engine.stream(text, seed=1, v3_tags=True)), dtype="<i2")
    assert _longest_zero_run(v3)[1] >= engine.sample_rate  # [pause] is a second of silence
    assert _longest_zero_run(plain)[1] < engine.sample_rate // 2  # elsewhere it is text


def test_a_too_long_pause_is_refused_before_any_synthesis(engine: OfflineEngine) -> None:
    with pytest.raises(MarkupError, match="longer than 3 seconds"):
        engine.stream('Too <break time="3.5s" /> long.')


def test_v3_audio_tags_are_never_read_aloud(engine: OfflineEngine) -> None:
    """The local server speaks v3 requests: ``[whispers]`` keeps its place in the alignment but
    is not said (the spoken text has none of it) and adds no audio."""
    chunks = list(engine.stream("[whispers] Keep it down.", seed=1, v3_tags=True))
    spoken = "".join("".join(c.normalized_alignment.characters) for c in chunks if c.normalized_alignment)
    assert "whispers" not in spoken and "Keep" in spoken
    chars = "".join(ch for c in chunks if c.alignment for ch in c.alignment.characters)
    assert chars.startswith("[whispers]")
    plain = b"".join(c.audio for c in engine.stream("Keep it down.", seed=1))
    assert abs(len(b"".join(c.audio for c in chunks)) - len(plain)) < len(plain) // 10
