"""The listen-check's marks in the script: a wavy underline under each flagged word, and its tooltip.

For every paragraph whose chosen take is current (it says what the paragraph says now) and
has a listen-check with flags, each flag's script span gets a wavy underline as an extra
selection, handed to the speech highlighter (:meth:`SpeechHighlighter.set_other_selections`)
so the two never overwrite each other's. Hovering a mark shows what was heard
(:meth:`ListenFlag.describe`) and when. A paragraph edited since its take loses its marks at
the next sync (the words they were about may be gone); between syncs the marks' cursors move
with the text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QColor, QHelpEvent, QPalette, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit, QToolTip

from studio.core.listen_check import ListenFlag
from studio.core.script import Block
from studio.ui.paragraph_positions import ParagraphPositions, utf16_positions
from studio.ui.script_document import ScriptDocumentController
from studio.ui.take_marks import current_listen_check


@dataclass(frozen=True)
class Mark:
    index: int
    flag: ListenFlag
    cursor: QTextCursor


def checked_take_flags(block: Block) -> tuple[ListenFlag, ...]:
    """The flags of ``block``'s chosen take, if it says what the block says now."""
    check = current_listen_check(block)
    return check.flags if check is not None else ()


class ListenMarks(QObject):
    def __init__(
        self,
        editor: QPlainTextEdit,
        document: ScriptDocumentController,
        positions: ParagraphPositions,
        show_selections: Callable[[list[QTextEdit.ExtraSelection]], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._editor = editor
        self._document = document
        self._positions = positions
        self._show = show_selections
        self.enabled = True
        self.marks: list[Mark] = []
        self._shown: list[tuple[int, int, ListenFlag]] | None = None
        self._format = QTextCharFormat()
        self._format.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
        dark = editor.palette().color(QPalette.ColorRole.Base).lightness() < 128
        self._format.setUnderlineColor(QColor("#ff6e6e" if dark else "#c62828"))
        document.synced.connect(self.refresh)
        document.changed.connect(self.refresh)
        editor.viewport().installEventFilter(self)

    def refresh(self) -> None:
        marks: list[Mark] = []
        if self.enabled:
            text_document = self._editor.document()
            last = text_document.characterCount() - 1
            for index, block in enumerate(self._document.script.blocks):
                flags = checked_take_flags(block)
                if not flags or index >= len(self._positions):
                    continue
                base = self._positions.start(index)
                for flag in flags:
                    start, end = utf16_positions(block.text, [flag.start, flag.end])
                    cursor = QTextCursor(text_document)
                    cursor.setPosition(min(base + start, last))
                    cursor.setPosition(min(base + max(end, start + 1), last), QTextCursor.MoveMode.KeepAnchor)
                    marks.append(Mark(index, flag, cursor))
        self.marks = marks
        # Syncs come often (after each pause in typing): redraw only when the marks changed.
        shown = [(m.cursor.selectionStart(), m.cursor.selectionEnd(), m.flag) for m in marks]
        if shown == self._shown:
            return
        self._shown = shown
        selections = []
        for mark in marks:
            selection = QTextEdit.ExtraSelection()
            selection.cursor = mark.cursor
            selection.format = self._format
            selections.append(selection)
        self._show(selections)

    def marks_at(self, position: int) -> list[Mark]:
        return [m for m in self.marks if m.cursor.selectionStart() <= position < m.cursor.selectionEnd()]

    def tooltip_at(self, position: int) -> str:
        lines = []
        for mark in self.marks_at(position):
            lines.append(f"{mark.flag.describe()} (at {mark.flag.when()} in the take)")
        if lines:
            lines.append("Listen-check: Paragraph ▸ Regenerate Flagged Paragraphs makes these again.")
        return "\n".join(lines)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent) and self.marks:
            position = self._editor.cursorForPosition(event.pos()).position()
            text = self.tooltip_at(position)
            if text:
                QToolTip.showText(event.globalPos(), text, self._editor.viewport())
                return True
        return False
