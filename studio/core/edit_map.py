"""Where each character of the text that was sent for speech now sits in the edited document.

While a script plays, the person may keep typing. The highlight must land on the character
that is being spoken, wherever it has moved to, and never on text that changed. The first
version kept one document position per character and rewrote every later one on each
keystroke: O(n) per key, about 20 ms for a 200,000-character script.

This map keeps *runs* instead: maximal stretches of consecutive, untouched characters, each
with the document position of its first character. A keystroke splits at most one run and
shifts the runs after it, so the cost grows with the number of places edited (a handful),
not with the length of the script; lookups are binary searches. Positions are counted in
UTF-16 code units, as QTextDocument counts them.

Qt-free so it is unit-testable and usable by any front end.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from itertools import accumulate


def utf16_lengths(text: str) -> list[int]:
    """Length of each character in UTF-16 code units (what document positions count)."""
    return [2 if ord(ch) > 0xFFFF else 1 for ch in text]


class EditMap:
    """Current document position of each character of the text that was sent (-1 once edited)."""

    def __init__(self, text: str, base_position: int) -> None:
        self.text = text
        self._lengths = utf16_lengths(text)
        #: _offsets[i]: UTF-16 units before character i in the original text (len n + 1).
        self._offsets = [0, *accumulate(self._lengths)]
        # Runs, sorted by text index and (edits keep order) by document position too:
        # characters [_first[r], _end[r]) start at document position _doc[r].
        self._first: list[int] = [0] if text else []
        self._end: list[int] = [len(text)] if text else []
        self._doc: list[int] = [base_position] if text else []
        self.edited = False

    # -- lookups ---------------------------------------------------------------------------

    def _run_of(self, index: int) -> int | None:
        r = bisect_right(self._first, index) - 1
        if r >= 0 and index < self._end[r]:
            return r
        return None

    def _doc_of(self, r: int, index: int) -> int:
        return self._doc[r] + self._offsets[index] - self._offsets[self._first[r]]

    def _doc_end(self, r: int) -> int:
        return self._doc_of(r, self._end[r])

    def _index_at_or_after(self, r: int, doc_position: int) -> int:
        """First character of run ``r`` whose document position is ≥ ``doc_position``."""
        first = self._first[r]
        target = self._offsets[first] + (doc_position - self._doc[r])
        return max(first, min(self._end[r], bisect_left(self._offsets, target, first, self._end[r])))

    def position(self, index: int) -> int:
        """Document position of character ``index``, or -1 if it was edited away."""
        r = self._run_of(index)
        return -1 if r is None else self._doc_of(r, index)

    def length(self, index: int) -> int:
        return self._lengths[index]

    def char_range(self, index: int) -> tuple[int, int] | None:
        start = self.position(index)
        if start < 0:
            return None
        return start, start + self._lengths[index]

    def span_range(self, start: int, end: int) -> tuple[int, int] | None:
        """Document range of text indices [start, end) if all of it is still intact and contiguous."""
        if start >= end:
            return None
        r = self._run_of(start)
        if r is None:
            return None
        first = self._doc_of(r, start)
        while end > self._end[r]:
            # Two runs next to each other in both the text and the document are one stretch.
            nxt = r + 1
            if nxt >= len(self._first) or self._first[nxt] != self._end[r] or self._doc[nxt] != self._doc_end(r):
                return None
            r = nxt
        return first, self._doc_of(r, end)

    def indices_in(self, position: int, end: int) -> list[int]:
        """Text indices whose current position falls in [position, end)."""
        found: list[int] = []
        r = max(0, bisect_right(self._doc, position) - 1)
        while r < len(self._doc) and self._doc[r] < end:
            lo = self._index_at_or_after(r, position)
            hi = self._index_at_or_after(r, end)
            found.extend(range(lo, hi))
            r += 1
        return found

    def text_index_at(self, doc_position: int) -> int | None:
        """The text index at a document position (click-to-seek), or None if none is there."""
        r = bisect_right(self._doc, doc_position) - 1
        if r < 0 or doc_position >= self._doc_end(r):
            return None
        index = self._index_at_or_after(r, doc_position + 1) - 1
        return index if index >= self._first[r] else None

    # -- changes ---------------------------------------------------------------------------

    def apply_change(self, position: int, removed: int, added: int) -> list[int]:
        """Follow QTextDocument.contentsChange(position, removed, added).

        Characters that start inside the removed range are invalidated; those after it move
        by ``added - removed``. Returns the text indices that lost their place. A change with
        ``removed == added`` is also what a re-highlight reports with no text changed:
        callers should check those characters (:meth:`indices_in`) against the document
        rather than trusting this blindly.
        """
        if removed == 0 and added == 0:
            return []
        delta = added - removed
        cut_end = position + removed
        lost: list[int] = []
        first: list[int] = []
        ends: list[int] = []
        docs: list[int] = []
        # Runs wholly before the change stay as they are.
        start = max(0, bisect_right(self._doc, position) - 1)
        if start < len(self._doc) and self._doc_end(start) <= position:
            start += 1
        r = start
        # The runs the change touches: keep the part before it, drop the part inside it,
        # shift the part after it.
        while r < len(self._doc) and self._doc[r] < cut_end + (1 if removed == 0 else 0):
            lo = self._index_at_or_after(r, position)
            hi = self._index_at_or_after(r, cut_end)
            if lo > self._first[r]:
                first.append(self._first[r])
                ends.append(lo)
                docs.append(self._doc[r])
            lost.extend(range(lo, hi))
            if hi < self._end[r]:
                first.append(hi)
                ends.append(self._end[r])
                docs.append(self._doc_of(r, hi) + delta)
            r += 1
        # Runs wholly after the change only move.
        tail_docs = [d + delta for d in self._doc[r:]] if delta else self._doc[r:]
        self._first[start:] = first + self._first[r:]
        self._end[start:] = ends + self._end[r:]
        self._doc[start:] = docs + tail_docs
        if lost or delta:
            self.edited = True
        return lost

    def invalidate(self, indices: Sequence[int]) -> None:
        """Mark characters as changed (their position becomes -1)."""
        for index in sorted(set(indices)):
            r = self._run_of(index)
            if r is None:
                continue
            self.edited = True
            run_first, run_end, doc = self._first[r], self._end[r], self._doc[r]
            pieces_first, pieces_end, pieces_doc = [], [], []
            if index > run_first:
                pieces_first.append(run_first)
                pieces_end.append(index)
                pieces_doc.append(doc)
            if index + 1 < run_end:
                pieces_first.append(index + 1)
                pieces_end.append(run_end)
                pieces_doc.append(self._doc_of(r, index + 1))
            self._first[r : r + 1] = pieces_first
            self._end[r : r + 1] = pieces_end
            self._doc[r : r + 1] = pieces_doc
