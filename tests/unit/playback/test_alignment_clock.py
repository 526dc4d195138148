"""The Qt-free clock: time → character and back, edits while playing."""

from __future__ import annotations

import pytest

from studio.api.models import CharacterAlignment
from studio.core.alignment_clock import AlignedPiece, AlignmentClock, word_span
from studio.core.edit_map import EditMap


def _piece(chars: str, starts: list[float]) -> AlignedPiece:
    ends = starts[1:] + [starts[-1] + 0.1]
    return AlignedPiece(tuple(chars), tuple(starts), tuple(ends))


def test_a_piece_from_an_alignment_is_cut_to_the_shortest_array_and_shifted() -> None:
    alignment = CharacterAlignment(characters=list("abc"), character_start_times_seconds=[0.0, 0.1, 0.2],
                                   character_end_times_seconds=[0.1, 0.05])  # one short, one end < start
    piece = AlignedPiece.from_alignment(alignment, offset=1.0)
    assert piece is not None and piece.characters == ("a", "b")
    assert piece.starts == pytest.approx((1.0, 1.1)) and piece.ends == pytest.approx((1.1, 1.1))
    assert AlignedPiece.from_alignment(None) is None
    assert AlignedPiece.from_alignment(CharacterAlignment()) is None


def test_clock_maps_time_to_character_and_back() -> None:
    # Chunk times are absolute (every backend sends them so): the clock takes them as they are.
    clock = AlignmentClock("Hi there")
    clock.add(_piece("Hi t", [0.0, 0.1, 0.2, 0.3]))
    clock.add(_piece("here", [0.4, 0.5, 0.6, 0.7]))
    assert clock.char_at(-0.1) is None
    assert clock.char_at(0.05) == 0
    assert clock.char_at(0.25) == 2
    assert clock.char_at(0.55) == 5  # the "e" of "there"
    assert clock.char_at(99) == 7
    assert clock.start_of(3) == pytest.approx(0.3)
    assert clock.start_of(6) == pytest.approx(0.6)


def test_clock_skips_characters_the_service_changed() -> None:
    clock = AlignmentClock("a & b")
    clock.add(AlignedPiece(tuple("a # b"), (0.0, 0.1, 0.2, 0.3, 0.4), (0.1, 0.2, 0.3, 0.4, 0.5)))
    assert clock.char_at(0.05) == 0
    assert clock.char_at(0.45) == 4  # "#" was not found, "b" still lands on index 4


def test_an_extra_space_from_the_service_does_not_jump_the_highlight_ahead() -> None:
    # The shared matcher (studio.core.alignment_map), as the subtitles use it.
    clock = AlignmentClock("Hello world, said Tom.")
    clock.add(_piece("Hello  world, said Tom.", [i * 0.1 for i in range(23)]))
    assert clock.char_at(0.75) == 6  # the "w" of "world", not the space after "world,"
    assert clock.char_at(1.35) == 12


def test_word_span() -> None:
    text = "Don't stop, Mr. Smith"
    assert word_span(text, 2) == (0, 5)
    assert word_span(text, 5) is None
    assert word_span(text, 13) == (12, 14)
    assert word_span(text, 19) == (16, 21)


def test_edit_map_shifts_and_invalidates() -> None:
    edits = EditMap("hello world", base_position=10)
    assert edits.char_range(0) == (10, 11)
    edits.apply_change(10, 0, 3)  # typed 3 characters before the text
    assert edits.char_range(0) == (13, 14)
    lost = edits.apply_change(14, 2, 0)  # deleted "el"
    assert lost == [1, 2]
    assert edits.char_range(1) is None
    assert edits.char_range(3) == (14, 15)
    assert edits.span_range(0, 5) is None  # the word "hello" was edited
    assert edits.span_range(6, 11) == (17, 22)
    assert edits.text_index_at(18) == 7
    assert edits.text_index_at(14) == 3
    assert edits.text_index_at(5) is None
    assert edits.edited


def test_edit_map_counts_utf16_units() -> None:
    edits = EditMap("a😀b", base_position=0)
    assert edits.char_range(1) == (1, 3)
    assert edits.char_range(2) == (3, 4)
    assert edits.text_index_at(3) == 2


def test_the_next_change_is_when_the_next_character_starts() -> None:
    # The highlight wakes for it (PlayerController), instead of up to a timer tick late.
    clock = AlignmentClock("Hi there")
    clock.add(_piece("Hi t", [0.0, 0.1, 0.2, 0.3]))
    assert clock.next_change_after(-1.0) == pytest.approx(0.0)
    assert clock.next_change_after(0.0) == pytest.approx(0.1)
    assert clock.next_change_after(0.25) == pytest.approx(0.3)
    assert clock.next_change_after(0.3) is None  # nothing known after the last start yet
    clock.add(_piece("here", [0.4, 0.5, 0.6, 0.7]))
    assert clock.next_change_after(0.3) == pytest.approx(0.4)
