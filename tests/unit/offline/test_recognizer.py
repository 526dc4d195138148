"""The offline recogniser on real speech from the offline voice (no mocks, no downloads)."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

from studio.cancel import CancelToken, Cancelled
from studio.offline import recognizer
from studio.offline.engine import get_engine
from studio.offline.recognizer import HeardWord, RecognizerError, RecognizerMissing

pytestmark = pytest.mark.slow

SCRIPT = (
    "The lighthouse keeper climbed the stairs every evening at seven. "
    "Nobody had seen the ship since Tuesday, doctor Smith said."
)
SPOKEN = SCRIPT.replace("at seven", "at 7")


@pytest.fixture(scope="module")
def take() -> tuple[bytes, int]:
    engine = get_engine()
    pcm = b"".join(chunk.audio for chunk in engine.stream(SPOKEN, seed=3))
    return pcm, engine.sample_rate


def test_available_here() -> None:
    assert recognizer.available()


def test_missing_recogniser_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "pocketsphinx" else real(name, *a)
    )
    assert not recognizer.available()
    with pytest.raises(RecognizerMissing) as raised:
        recognizer.transcribe(b"\0\0" * 16000, 16000)
    assert "pip install 'narration-studio[listen]'" in str(raised.value)


def test_transcribe_free_hears_most_words(take: tuple[bytes, int]) -> None:
    pcm, rate = take
    heard = [w.text for w in recognizer.transcribe(pcm, rate)]
    for word in ("lighthouse", "keeper", "stairs", "seven", "nobody", "ship"):
        assert word in heard


def test_transcribe_with_the_script_hears_it_exactly(take: tuple[bytes, int]) -> None:
    pcm, rate = take
    heard = recognizer.transcribe(pcm, rate, expected=SCRIPT.replace("seven", "7"))
    assert [w.text for w in heard] == recognizer.words_of(SCRIPT)
    duration = len(pcm) / 2 / rate
    assert all(isinstance(w, HeardWord) for w in heard)
    assert all(0 <= w.start < w.end <= duration + 0.02 for w in heard)
    assert all(a.end <= b.start + 1e-6 for a, b in zip(heard, heard[1:], strict=False))


def test_script_hint_still_hears_a_swapped_word(take: tuple[bytes, int]) -> None:
    """The script says Friday, the voice said Tuesday: the hint must not hide it."""
    pcm, rate = take
    heard = [w.text for w in recognizer.transcribe(pcm, rate, expected=SCRIPT.replace("Tuesday", "Friday"))]
    assert "tuesday" in heard and "friday" not in heard


def test_align_gives_every_word_in_order_at_its_time(take: tuple[bytes, int]) -> None:
    pcm, rate = take
    words = recognizer.align(pcm, rate, SCRIPT + " zqxjkv")
    assert [w.text for w in words] == recognizer.words_of(SCRIPT) + ["zqxjkv"]
    starts = [w.start for w in words]
    assert starts == sorted(starts)
    # "lighthouse" is the second word: it starts within the first second and lasts a while.
    assert 0.0 < words[1].start < 1.0 and words[1].end - words[1].start > 0.2
    # The recogniser's own times agree with the engine's alignment of the same take.
    chunks = list(get_engine().stream(SPOKEN, seed=3))
    chars = [c for ch in chunks for c in ch.alignment.characters]
    starts_engine = [t for ch in chunks for t in ch.alignment.character_start_times_seconds]
    nobody = "".join(chars).index("Nobody")
    nobody_word = next(w for w in words if w.text == "nobody")
    assert abs(nobody_word.start - starts_engine[nobody]) < 0.25
    # After alignment the decoder listens freely again.
    assert "lighthouse" in [w.text for w in recognizer.transcribe(pcm, rate)]


def test_cancelled_before_start(take: tuple[bytes, int]) -> None:
    pcm, rate = take
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        recognizer.transcribe(pcm, rate, cancel=token)


def test_low_rate_is_refused_with_a_remedy() -> None:
    with pytest.raises(RecognizerError) as raised:
        recognizer.transcribe(np.zeros(8000, dtype="<i2").tobytes(), 8000)
    assert "16 kHz" in str(raised.value)


def test_other_rates_hear_the_same(take: tuple[bytes, int]) -> None:
    from studio.core.audio import resample

    pcm, rate = take
    pcm44 = resample(pcm, rate, 44100)
    heard = [w.text for w in recognizer.transcribe(pcm44, 44100, expected=SPOKEN)]
    assert heard == recognizer.words_of(SCRIPT)


def test_words_cmudict_lacks_are_heard_and_aligned_with_espeak_pronunciations() -> None:
    engine = get_engine()
    pcm = b"".join(c.audio for c in engine.stream("Mister Okafor repaired clocks near Lindqvist's farm.", seed=5))
    rate = engine.sample_rate
    text = "mister okafor repaired clocks near lindqvist's farm"
    assert [w.text for w in recognizer.transcribe(pcm, rate, expected=text)] == text.split()
    words = recognizer.align(pcm, rate, text)
    assert [w.text for w in words] == text.split()
    okafor = words[1]
    assert words[0].end <= okafor.start + 0.01 and okafor.end - okafor.start > 0.25
    assert okafor.end <= words[2].start + 0.01
