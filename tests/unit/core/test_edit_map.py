"""The edit map against a brute-force model: one position per character, rewritten per edit."""

from __future__ import annotations

import random

from studio.core.edit_map import EditMap, utf16_lengths


class NaiveMap:
    """The first release's O(n) map: the reference this one must agree with."""

    def __init__(self, text: str, base: int) -> None:
        self.lengths = utf16_lengths(text)
        self.positions = []
        pos = base
        for length in self.lengths:
            self.positions.append(pos)
            pos += length

    def apply_change(self, position: int, removed: int, added: int) -> list[int]:
        delta, end, lost = added - removed, position + removed, []
        if removed == 0 and added == 0:
            return lost
        for i, pos in enumerate(self.positions):
            if pos < 0 or pos < position:
                continue
            if pos < end:
                self.positions[i] = -1
                lost.append(i)
            else:
                self.positions[i] = pos + delta
        return lost


def test_shifts_and_invalidates() -> None:
    edits = EditMap("hello world", base_position=10)
    assert edits.char_range(0) == (10, 11)
    edits.apply_change(10, 0, 3)
    assert edits.char_range(0) == (13, 14)
    assert edits.apply_change(14, 2, 0) == [1, 2]
    assert edits.char_range(1) is None
    assert edits.char_range(3) == (14, 15)
    assert edits.span_range(0, 5) is None
    assert edits.span_range(6, 11) == (17, 22)
    assert edits.text_index_at(18) == 7
    assert edits.text_index_at(14) == 3
    assert edits.text_index_at(5) is None
    assert edits.edited


def test_utf16_units() -> None:
    edits = EditMap("a😀b", base_position=0)
    assert edits.char_range(1) == (1, 3)
    assert edits.char_range(2) == (3, 4)
    assert edits.text_index_at(3) == 2
    assert edits.text_index_at(2) == 1  # the second half of the pair belongs to it


def test_agrees_with_the_naive_map_under_random_edits() -> None:
    rng = random.Random(7)
    for trial in range(60):
        text = "".join(rng.choice("ab c😀\n") for _ in range(rng.randint(1, 80)))
        base = rng.randint(0, 5)
        fast, slow = EditMap(text, base), NaiveMap(text, base)
        doc_len = base + sum(fast.length(i) for i in range(len(text))) + 5
        for _ in range(25):
            position = rng.randint(0, doc_len)
            if any(p == position - 1 and n == 2 for p, n in zip(slow.positions, slow.lengths, strict=True)):
                position += 1  # a document never edits inside a surrogate pair
            removed = rng.choice([0, 0, 1, 2, 5])
            added = rng.choice([0, 1, 1, 3])
            assert fast.apply_change(position, removed, added) == slow.apply_change(position, removed, added)
            doc_len = max(1, doc_len + added - removed)
            for i in range(len(text)):
                assert fast.position(i) == slow.positions[i], (trial, i)
            for probe in range(0, doc_len + 2):
                expected = next(
                    (i for i, p in enumerate(slow.positions) if p >= 0 and p <= probe < p + slow.lengths[i]), None
                )
                assert fast.text_index_at(probe) == expected
            lo = rng.randint(0, doc_len)
            hi = lo + rng.randint(0, 10)
            assert fast.indices_in(lo, hi) == [i for i, p in enumerate(slow.positions) if lo <= p < hi]
            s = rng.randint(0, len(text) - 1)
            e = min(len(text), s + rng.randint(1, 6))
            intact = all(slow.positions[i] >= 0 for i in range(s, e)) and all(
                slow.positions[i + 1] == slow.positions[i] + slow.lengths[i] for i in range(s, e - 1)
            )
            expected_span = (slow.positions[s], slow.positions[e - 1] + slow.lengths[e - 1]) if intact else None
            assert fast.span_range(s, e) == expected_span


def test_invalidate_cuts_a_run() -> None:
    edits = EditMap("abcdef", 0)
    edits.invalidate([2, 3])
    assert [edits.position(i) for i in range(6)] == [0, 1, -1, -1, 4, 5]
    assert edits.span_range(4, 6) == (4, 6)
    assert edits.span_range(1, 5) is None


def test_typing_keeps_the_number_of_runs_small() -> None:
    """A keystroke splits at most one run: cost follows the places edited, not the length."""
    text = "word " * 40_000
    edits = EditMap(text, 0)
    for k in range(500):  # type 500 characters in one place in the middle
        edits.apply_change(100_000 + k, 0, 1)
    assert len(edits._doc) <= 2
    assert edits.position(len(text) - 1) == len(text) - 1 + 500
