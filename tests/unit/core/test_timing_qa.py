"""Timing QA on crafted alignments: every kind of fault is found, at the right span and time."""

from __future__ import annotations

from pathlib import Path

import pytest

from studio.api.models import CharacterAlignment
from studio.core.cache import CachedSpeech, SpeechCache
from studio.core.script.document import Script, Take, TakePart
from studio.core.timing_qa import PartTiming, analyse_paragraph, analyse_script


def even(text: str, start: float = 0.0, step: float = 0.05) -> CharacterAlignment:
    """Every character ``step`` seconds long, one after the other (a clean alignment)."""
    n = len(text)
    return CharacterAlignment(characters=list(text),
                              character_start_times_seconds=[start + i * step for i in range(n)],
                              character_end_times_seconds=[start + (i + 1) * step for i in range(n)])


def with_times(text: str, starts: list[float], ends: list[float]) -> CharacterAlignment:
    return CharacterAlignment(characters=list(text), character_start_times_seconds=starts,
                              character_end_times_seconds=ends)


def kinds(qa) -> list[str]:  # type: ignore[no-untyped-def]
    return [item.kind for item in qa.items]


def test_a_clean_alignment_has_no_items_and_its_reading_speed() -> None:
    text = "Hello there world"
    qa = analyse_paragraph(0, text, [PartTiming(text, 0, even(text), audio_seconds=1.0)])
    assert qa.items == []
    assert qa.spoken_seconds == pytest.approx(len(text) * 0.05)
    assert qa.chars_per_second == pytest.approx(20.0)
    assert qa.words_per_minute == pytest.approx(3 * 60 / (len(text) * 0.05))


def test_zero_length_and_duplicate_timestamps_are_found_with_their_spans() -> None:
    text = "abc def"
    starts = [0.0, 0.1, 0.2, 0.3, 0.4, 0.4, 0.6]
    ends = [0.1, 0.1, 0.3, 0.4, 0.5, 0.6, 0.7]  # "b" has no length; "e" starts with "d"
    qa = analyse_paragraph(3, text, [PartTiming(text, 0, with_times(text, starts, ends), audio_seconds=0.8)])
    zero = [i for i in qa.items if i.kind == "zero-length"]
    dup = [i for i in qa.items if i.kind == "duplicate"]
    assert [(i.start, i.end, i.paragraph) for i in zero] == [(1, 2, 3)]
    assert [(i.start, i.end) for i in dup] == [(5, 6)]
    assert dup[0].seconds == pytest.approx(0.4)


def test_times_going_backwards_are_non_monotonic() -> None:
    text = "abcd"
    qa = analyse_paragraph(0, text, [PartTiming(text, 0, with_times(text, [0.0, 0.2, 0.1, 0.3],
                                                                     [0.1, 0.3, 0.2, 0.25]))])
    back = [i for i in qa.items if i.kind == "non-monotonic"]
    assert [(i.start, i.end) for i in back] == [(2, 4)]  # "c" starts before "b"; "d" ends before it starts


def test_silences_over_two_seconds_inside_before_and_after() -> None:
    text = "one two"
    starts = [2.5, 2.6, 2.7, 2.8, 5.2, 5.3, 5.4]  # 2.5 s before "one", 2.3 s between the words
    ends = [s + 0.1 for s in starts]
    qa = analyse_paragraph(0, text, [PartTiming(text, 0, with_times(text, starts, ends), audio_seconds=8.0)])
    silences = [i for i in qa.items if i.kind == "silence"]
    assert len(silences) == 3
    first, middle, last = sorted(silences, key=lambda i: i.seconds)
    assert (first.start, first.seconds) == (0, 0.0) and "2.5 s" in first.message
    assert (middle.start, middle.end) == (2, 5) and middle.seconds == pytest.approx(2.9)
    assert last.start == len(text) and "2.5 s" in last.message
    # 1.9 s is not a long silence.
    short = [0.0, 0.1, 0.2, 0.3, 2.3, 2.4, 2.5]
    qa = analyse_paragraph(0, text, [PartTiming(text, 0, with_times(text, short, [s + 0.1 for s in short]))])
    assert qa.items == []


def test_expansions_name_the_written_span_and_what_was_spoken() -> None:
    text = "It cost $4,250 today."
    spoken = "It cost four thousand two hundred fifty dollars today."
    qa = analyse_paragraph(0, text, [PartTiming(text, 0, even(text), even(spoken, step=0.04))])
    [item] = [i for i in qa.items if i.kind == "expanded"]
    assert text[item.start:item.end] == "$4,250"
    assert (item.written, item.spoken) == ("$4,250", "four thousand two hundred fifty dollars")
    assert item.seconds == pytest.approx(spoken.index("four") * 0.04)
    # Words a minute count the words said: 9, not the 4 written.
    assert qa.words == 9


def test_parts_place_spans_in_the_paragraph_and_times_in_the_take() -> None:
    first, second = "Dr. Who.", "Then 3rd."
    text = f"{first} {second}"
    parts = [PartTiming(first, 0, even(first), even("doctor Who."), audio_seconds=1.0),
             PartTiming(second, len(first) + 1, even(second), even("Then third."), audio_seconds=1.0,
                        offset_seconds=1.0)]
    qa = analyse_paragraph(0, text, parts)
    expanded = [i for i in qa.items if i.kind == "expanded"]
    assert [text[i.start:i.end] for i in expanded] == ["Dr.", "3rd"]
    assert expanded[1].seconds == pytest.approx(1.0 + 5 * 0.05)


def test_the_script_reads_each_chosen_take_from_the_cache(tmp_path: Path) -> None:
    cache = SpeechCache(tmp_path / "cache")
    script = Script.from_text("It cost $5.\n\nNot made yet.")
    text = script.blocks[0].text
    key = "ab" * 16
    cache.put(key, CachedSpeech(pcm=b"\0\0" * 16000, sample_rate=16000, alignment=even(text),
                                normalized_alignment=even("It cost five dollars.")))
    take = Take("t1", text, (TakePart(key, 0, len(text)),), "cd" * 16, "v", "m", "offline", "pcm_16000")
    script.blocks[0].add_take(take)
    qa = analyse_script(script, cache)
    assert [i.kind for i in qa.paragraphs[0].items] == ["expanded"]
    assert [i.kind for i in qa.paragraphs[1].items] == ["no-take"]
    assert qa.paragraphs[0].audio_seconds == pytest.approx(1.0)
    assert qa.chars_per_second == pytest.approx(20.0)
    report = qa.to_json()
    assert report["paragraphs"][0]["items"][0]["spoken"] == "five dollars"
    # A take made for other words is stale: its spans would point at the wrong text.
    script.reconcile("It cost $6.\n\nNot made yet.")
    assert [i.kind for i in analyse_script(script, cache).paragraphs[0].items] == ["stale"]
