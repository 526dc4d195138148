"""Where each paragraph of the script document sits in the editor *now*, between syncs too.

:class:`~studio.ui.script_document.ScriptDocumentController` follows the editor's text when
typing pauses, so its spans describe the text as it was at the last sync. The gutter paints
and the locked-paragraph guard decides on every keystroke, before that sync: this class maps
the synced spans through the edits made since (``QTextDocument.contentsChange``), which is
what keeps a marker on its paragraph's line while the person types above it.

The cost per keystroke is one tuple appended (typing at one place, and backspacing, merge
into one edit), and a lookup is a binary search over the paragraphs with the edits since the
sync applied to each probe: a few dozen operations for a 200,000-character script.

Positions are document positions (UTF-16 code units, as QTextDocument counts them); the
controller's spans are ``str`` indices, converted here once per sync when the text holds
characters outside the Basic Multilingual Plane.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QTextDocument

from studio.ui.script_document import ScriptDocumentController
from studio.ui.utf16 import utf16_positions

#: After this many separate edits without a sync, ask for one (lookups stay cheap).
MAX_PENDING_EDITS = 64

Edit = tuple[int, int, int]  # (position, removed, added), as contentsChange reports them


def map_through(position: int, edits: Sequence[Edit]) -> int:
    """Where a position before ``edits`` is after them (inside a removed range: after the insertion)."""
    for at, removed, added in edits:
        if position >= at + removed:
            position += added - removed
        elif position > at:
            position = at + added
    return position


class ParagraphPositions(QObject):
    """Live document ranges of the controller's blocks (same order and indices as ``script.blocks``)."""

    def __init__(self, document: ScriptDocumentController, text_document: QTextDocument,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._document = document
        self._starts: list[int] = []
        self._ends: list[int] = []
        self._edits: list[Edit] = []
        self._sync_soon = QTimer(self)
        self._sync_soon.setSingleShot(True)
        self._sync_soon.setInterval(0)
        self._sync_soon.timeout.connect(document.sync)
        document.synced.connect(self._rebuild)
        text_document.contentsChange.connect(self._on_change)
        self._rebuild()

    def _rebuild(self) -> None:
        spans = self._document.spans()
        flat = utf16_positions(self._document.text, [p for span in spans for p in span])
        self._starts = flat[0::2]
        self._ends = flat[1::2]
        self._edits = []

    def _on_change(self, position: int, removed: int, added: int) -> None:
        if removed == added:
            return  # a format change (the highlight), or one run replaced by as many: nothing moves
        if self._edits:
            at, was_removed, was_added = self._edits[-1]
            if at <= position and position + removed <= at + was_added:
                # Typing on, or backspacing, inside what the last edit inserted.
                self._edits[-1] = (at, was_removed, was_added - removed + added)
                return
            if position + removed == at:
                # Backspacing just before it.
                self._edits[-1] = (position, was_removed + removed, was_added + added)
                return
        self._edits.append((position, removed, added))
        if len(self._edits) > MAX_PENDING_EDITS:
            self._sync_soon.start()  # not from inside the document's own signal

    # -- lookups ---------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._starts)

    def span(self, index: int) -> tuple[int, int]:
        return map_through(self._starts[index], self._edits), map_through(self._ends[index], self._edits)

    def start(self, index: int) -> int:
        return map_through(self._starts[index], self._edits)

    def _first_starting_at_or_after(self, position: int) -> int:
        lo, hi = 0, len(self._starts)
        while lo < hi:
            mid = (lo + hi) // 2
            if map_through(self._starts[mid], self._edits) < position:
                lo = mid + 1
            else:
                hi = mid
        return lo

    def starting_in(self, start: int, end: int) -> int | None:
        """The paragraph that starts in document range [start, end) (a line of the editor)."""
        i = self._first_starting_at_or_after(start)
        return i if i < len(self._starts) and self.start(i) < end else None

    def index_at(self, position: int) -> int | None:
        """The paragraph at ``position``; between paragraphs, the one after (or the last)."""
        if not self._starts:
            return None
        i = self._first_starting_at_or_after(position + 1) - 1  # the last one starting at or before
        if i < 0:
            return 0
        if position <= map_through(self._ends[i], self._edits):
            return i
        return min(i + 1, len(self._starts) - 1)

    def inside(self, position: int) -> int | None:
        """The paragraph whose text holds ``position`` (its ends included), else None."""
        i = self.index_at(position)
        if i is None:
            return None
        start, end = self.span(i)
        return i if start <= position <= end else None

    def between(self, start: int, end: int) -> range:
        """Indices of the paragraphs whose range meets [start, end] (ends included)."""
        first = max(0, self._first_starting_at_or_after(start + 1) - 1)
        if first < len(self._ends) and map_through(self._ends[first], self._edits) < start:
            first += 1
        last = self._first_starting_at_or_after(end + 1)  # past the last starting at or before end
        return range(first, max(first, last))
