"""The one alignment-to-script matcher, and its two users agreeing: highlight and subtitles."""

from __future__ import annotations

import pytest

from studio.api.models import CharacterAlignment
from studio.core.alignment_clock import AlignedPiece, AlignmentClock
from studio.core.alignment_map import ScriptMatcher, map_alignment_to_text
from studio.core.segmenter import Segment
from studio.core.timeline import Timeline

RATE = 1000


def test_exact_spelling_maps_one_to_one() -> None:
    text = "Hi, Bob."
    assert map_alignment_to_text(list(text), text) == list(range(len(text)))


def test_an_extra_space_is_never_matched_further_on() -> None:
    text = "Hello world, said Tom."
    mapped = map_alignment_to_text(list("Hello  world, said Tom."), text)
    assert mapped[:6] == [0, 1, 2, 3, 4, 5] and mapped[6] is None
    assert mapped[7:] == list(range(6, len(text)))


def test_a_dropped_word_is_found_again() -> None:
    text = "say hello world"
    mapped = map_alignment_to_text(list("say world"), text)
    assert mapped == [0, 1, 2, 3, 10, 11, 12, 13, 14]


def test_dropped_punctuation_and_a_dropped_letter() -> None:
    text = "Well, Bob—come here."
    mapped = map_alignment_to_text(list("Well Bb come here."), text)
    assert [text[i] if i is not None else None for i in mapped] == list("Well Bb") + [None] + list("come here.")


def test_something_the_script_does_not_have_maps_to_nothing_and_keeps_the_place() -> None:
    text = "one two"
    mapped = map_alignment_to_text(list("one ### two"), text)
    assert mapped[:4] == [0, 1, 2, 3] and mapped[4:7] == [None, None, None]
    assert [i for i in mapped[7:] if i is not None] == [4, 5, 6]


def test_chunk_by_chunk_matches_the_same_as_all_at_once() -> None:
    text = "The keeper climbed the steps at dusk, and lit the lamp."
    spoken = list(text.replace(", and", " and"))
    whole = map_alignment_to_text(spoken, text)
    matcher = ScriptMatcher(text)
    pieces = [spoken[i : i + 7] for i in range(0, len(spoken), 7)]
    assert [index for piece in pieces for index in matcher.match(piece)] == whole


@pytest.mark.parametrize("spoken", [
    "Hello  world, said Tom.",  # a doubled space
    "Hello world said Tom",  # punctuation left out
    "Hello wrld, said Tom.",  # a letter left out
    "Hello, said Tom.",  # a word left out
])
def test_highlight_and_subtitles_place_every_character_alike(spoken: str) -> None:
    text = "Hello world, said Tom."
    starts = [i * 0.1 for i in range(len(spoken))]
    ends = [t + 0.1 for t in starts]
    clock = AlignmentClock(text)
    clock.add(AlignedPiece(tuple(spoken), tuple(starts), tuple(ends)))
    timeline = Timeline(RATE, text)
    alignment = CharacterAlignment(characters=list(spoken), character_start_times_seconds=starts,
                                   character_end_times_seconds=ends)
    timeline.add_segment(Segment(0, 0, len(text), text, 0), RATE * 10, alignment)
    lit = [clock.char_at(t + 0.05) for t in starts]
    placed = [c.script_offset for c in timeline.chars]
    for position, offset in enumerate(placed):
        if offset is not None:  # a character the subtitles place is lit at the same place
            assert lit[position] == offset
    assert [i for i in placed if i is not None] == sorted({i for i in lit if i is not None})
