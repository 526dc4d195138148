"""The Qt-free clock: absolute/relative chunk times, time → character, edits while playing."""

from __future__ import annotations

import pytest

from studio.api.models import CharacterAlignment, SpeechChunk
from studio.core.alignment_clock import AlignmentClock, ChunkTimeNormalizer, EditMap, word_span

RATE = 1000  # 2 bytes a frame → 2000 bytes a second, easy arithmetic


def _chunk(chars: str, starts: list[float], seconds: float) -> SpeechChunk:
    ends = starts[1:] + [starts[-1] + 0.1]
    alignment = CharacterAlignment(
        characters=list(chars), character_start_times_seconds=starts, character_end_times_seconds=ends
    )
    return SpeechChunk(audio=b"\0" * int(seconds * RATE * 2), alignment=alignment)


def test_absolute_chunk_times_are_kept() -> None:
    norm = ChunkTimeNormalizer(RATE)
    first = norm.feed(_chunk("ab", [0.0, 0.1], 0.2))
    second = norm.feed(_chunk("cd", [0.2, 0.3], 0.2))
    assert first is not None and second is not None
    assert second.starts == (0.2, 0.3)
    assert norm.relative is False


def test_relative_chunk_times_are_offset_by_audio_received() -> None:
    norm = ChunkTimeNormalizer(RATE)
    norm.feed(_chunk("ab", [0.0, 0.1], 0.2))
    second = norm.feed(_chunk("cd", [0.0, 0.1], 0.2))
    third = norm.feed(_chunk("ef", [0.01, 0.1], 0.25))
    assert norm.relative is True
    assert second is not None and second.starts == pytest.approx((0.2, 0.3))
    assert third is not None and third.starts == pytest.approx((0.41, 0.5))


def test_chunk_without_alignment_still_counts_its_audio() -> None:
    norm = ChunkTimeNormalizer(RATE)
    norm.feed(_chunk("ab", [0.0, 0.1], 0.2))
    assert norm.feed(SpeechChunk(audio=b"\0" * 400)) is None
    piece = norm.feed(_chunk("x", [0.0], 0.1))  # relative: after 0.4 s of audio
    assert piece is not None and piece.starts == pytest.approx((0.4,))


def test_first_timings_after_untimed_audio_are_absolute() -> None:
    """Audio arrived with no timings, then timings from 0: they cover that audio (absolute)."""
    norm = ChunkTimeNormalizer(RATE)
    assert norm.feed(SpeechChunk(audio=b"\0" * 400)) is None
    piece = norm.feed(_chunk("ab", [0.0, 0.1], 0.2))
    assert piece is not None and piece.starts == pytest.approx((0.0, 0.1))
    later = norm.feed(_chunk("cd", [0.4, 0.5], 0.2))
    assert norm.relative is False and later is not None and later.starts == pytest.approx((0.4, 0.5))


def test_odd_byte_counts_do_not_drift_the_clock() -> None:
    norm = ChunkTimeNormalizer(RATE)
    norm.feed(SpeechChunk(audio=b"\0" * 201))
    norm.feed(SpeechChunk(audio=b"\0" * 199))
    assert norm.received_seconds == pytest.approx(0.2)


def test_clock_maps_time_to_character_and_back() -> None:
    clock = AlignmentClock("Hi there")
    norm = ChunkTimeNormalizer(RATE)
    clock.add(norm.feed(_chunk("Hi t", [0.0, 0.1, 0.2, 0.3], 0.4)))  # type: ignore[arg-type]
    clock.add(norm.feed(_chunk("here", [0.0, 0.1, 0.2, 0.3], 0.4)))  # type: ignore[arg-type]
    assert clock.char_at(-0.1) is None
    assert clock.char_at(0.05) == 0
    assert clock.char_at(0.25) == 2
    assert clock.char_at(0.55) == 5  # relative second chunk: "e" of "there"
    assert clock.char_at(99) == 7
    assert clock.start_of(3) == pytest.approx(0.3)
    assert clock.start_of(6) == pytest.approx(0.6)


def test_clock_skips_characters_the_service_changed() -> None:
    clock = AlignmentClock("a & b")
    from studio.core.alignment_clock import AlignedPiece

    clock.add(AlignedPiece(tuple("a # b"), (0.0, 0.1, 0.2, 0.3, 0.4), (0.1, 0.2, 0.3, 0.4, 0.5)))
    assert clock.char_at(0.05) == 0
    assert clock.char_at(0.45) == 4  # "#" was not found, "b" still lands on index 4


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
