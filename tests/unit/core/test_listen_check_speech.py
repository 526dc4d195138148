"""Listen-check on real speech: the offline voice says one word that the script does not."""

from __future__ import annotations

import pytest

from studio.core.cache import CachedSpeech, SpeechCache
from studio.core.listen_check.run import TakeAudioMissing, check_audio, check_recording, check_take
from studio.core.script.document import Take, TakePart
from studio.offline.engine import get_engine

pytestmark = pytest.mark.slow

SCRIPT = "The old ferry left the harbour at dawn, carrying twelve passengers and a crate of oranges."


def speak(text: str) -> tuple[bytes, int]:
    engine = get_engine()
    return b"".join(chunk.audio for chunk in engine.stream(text, seed=11)), engine.sample_rate


def test_the_word_spoken_differently_is_the_one_flagged() -> None:
    pcm, rate = speak(SCRIPT.replace("oranges", "lemons"))
    check = check_audio(pcm, rate, SCRIPT)
    assert [(f.kind, f.expected) for f in check.flags] == [("misread", "oranges")]
    # "lemons" is not among the common words the recogniser keeps hearable besides the
    # script's, so it is heard as something else; what matters is that it is not "oranges".
    assert check.flags[0].heard and "oranges" not in check.flags[0].heard
    # The time points at the end of the take, where "lemons" was said.
    assert check.flags[0].time_start > 0.7 * len(pcm) / 2 / rate


def test_the_same_audio_against_its_own_script_is_clean() -> None:
    pcm, rate = speak(SCRIPT)
    check = check_audio(pcm, rate, SCRIPT)
    assert check.flags == () and check.score == 1.0


def test_a_take_from_the_cache(tmp_path) -> None:
    pcm, rate = speak(SCRIPT.replace("twelve", "seven"))
    cache = SpeechCache(tmp_path)
    key = "ab" * 16
    cache.put(key, CachedSpeech(pcm, rate))
    take = Take("t1", SCRIPT, (TakePart(key, 0, len(SCRIPT)),), "cd" * 16, "v", "m", "offline", "pcm_22050")
    check = check_take(take, cache)
    assert [(f.kind, f.expected, f.heard) for f in check.flags] == [("misread", "twelve", "seven")]
    cache.discard(key)
    with pytest.raises(TakeAudioMissing):
        check_take(take, cache)


def test_a_recording_of_two_paragraphs_reports_each() -> None:
    first = "Rain fell on the quiet village all night."
    second = "By morning the river had burst its banks."
    pcm_a, rate = speak(first)
    pcm_b, _ = speak(second)
    reports = check_recording(pcm_a + pcm_b, rate, f"{first}\n\n{second} Nobody was hurt.")
    assert [r.check.flags == () for r in reports] == [True, False]
    assert [(f.kind, f.expected, f.whole_sentence) for f in reports[1].check.flags] == [
        ("skipped", "Nobody was hurt", True)
    ]
