"""The Timing QA report as a list model: the whole script, then each paragraph and its items.

Rows (in order): one summary row for the whole script; for each paragraph a summary row
(reading speed, item count) followed by its items. :meth:`TimingQaModel.set_scope` narrows
the list to one paragraph (its summary and items) or shows the whole script again. Every row
but the script's carries where it points: ``SpanRole`` is ``(block id, start, end)`` in that
paragraph's text, so the view can select it in the editor.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt

from studio.core.timing_qa import ParagraphQa, QaItem, ScriptQa

SpanRole = Qt.ItemDataRole.UserRole + 1
KindRole = Qt.ItemDataRole.UserRole + 2

_LABELS = {
    "no-take": "No take", "stale": "Out of date", "no-timing": "No timings", "non-monotonic": "Time goes backwards",
    "zero-length": "No duration", "duplicate": "Same timestamp", "silence": "Long silence", "expanded": "Spoken as",
}


@dataclass(frozen=True)
class _Row:
    text: str
    kind: str  # "script", "paragraph" or an item kind
    paragraph: int = -1
    span: tuple[str, int, int] | None = None
    tooltip: str = ""


def _rates(cps: float | None, wpm: float | None) -> str:
    if cps is None or wpm is None:
        return "not spoken yet"
    return f"{cps:.1f} characters/s · {wpm:.0f} words/min"


def _count(n: int) -> str:
    return "no problems" if n == 0 else f"{n} item{'s' if n != 1 else ''}"


def paragraph_row(p: ParagraphQa, excerpt: str) -> _Row:
    return _Row(f"Paragraph {p.index + 1} — {_rates(p.chars_per_second, p.words_per_minute)} — {_count(len(p.items))}",
                "paragraph", p.index, (p.block_id, 0, p.characters), excerpt)


def item_row(item: QaItem, block_id: str) -> _Row:
    return _Row(f"    {_LABELS.get(item.kind, item.kind)}: {item.message}", item.kind, item.paragraph,
                (block_id, item.start, item.end), item.message)


class TimingQaModel(QAbstractListModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._report = ScriptQa()
        self._excerpts: list[str] = []
        self._scope: int | None = None
        self._rows: list[_Row] = []

    @property
    def report(self) -> ScriptQa:
        return self._report

    @property
    def scope(self) -> int | None:
        return self._scope

    def set_report(self, report: ScriptQa, excerpts: list[str]) -> None:
        self._report, self._excerpts = report, excerpts
        if self._scope is not None and self._scope >= len(report.paragraphs):
            self._scope = None
        self._rebuild()

    def set_scope(self, paragraph: int | None) -> None:
        """Show one paragraph (its index) or, with None, the whole script."""
        self._scope = paragraph
        self._rebuild()

    def _rebuild(self) -> None:
        self.beginResetModel()
        report, rows = self._report, []
        if self._scope is None:
            rows.append(_Row(f"Whole script — {_rates(report.chars_per_second, report.words_per_minute)} — "
                             f"{_count(len(report.items))}", "script"))
        for p in report.paragraphs:
            if self._scope is not None and p.index != self._scope:
                continue
            excerpt = self._excerpts[p.index] if p.index < len(self._excerpts) else ""
            rows.append(paragraph_row(p, excerpt))
            rows.extend(item_row(item, p.block_id) for item in p.items)
        self._rows = rows
        self.endResetModel()

    # -- the model --------------------------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return row.text
        if role == Qt.ItemDataRole.ToolTipRole:
            return row.tooltip or None
        if role == SpanRole:
            return row.span
        if role == KindRole:
            return row.kind
        return None

    def rows_of_kind(self, kind: str) -> list[int]:
        return [i for i, r in enumerate(self._rows) if r.kind == kind]
