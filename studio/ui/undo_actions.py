"""Undo in word- or pause-sized steps, and Edit ▸ Undo / Redo that show when they can act.

Qt's text document merges every run of adjacent typing into one undo step, so one Ctrl+Z
took away a whole paragraph along with words typed much later. Here a new step starts at
the first letter of each word and after a pause in typing (:data:`PAUSE_S`), as in common
text editors. The trick: Qt merges a plain insertion into the step before it, but never
merges an insertion made inside an edit block into an earlier one; so the keystroke that
starts a step is delivered inside an (otherwise empty) edit block, and the letters after it
merge into that step as usual.

Undo stays a text-only operation: it acts on the script's document and nothing else.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeyEvent
from PySide6.QtWidgets import QPlainTextEdit

#: Seconds without typing after which the next keystroke starts a new undo step.
PAUSE_S = 1.0
_PARAGRAPH = "\u2029"  # QTextDocument.characterAt() at a block boundary


class UndoSteps(QObject):
    """Splits typing in ``editor`` into steps and keeps the two actions' enabled state true."""

    def __init__(self, editor: QPlainTextEdit, undo_action: QAction, redo_action: QAction,
                 clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(editor)
        self._editor = editor
        self._undo = undo_action
        self._redo = redo_action
        self._clock = clock
        self._last_key_at = float("-inf")
        document = editor.document()
        # Availability signals fire only on a change, and some edits (setPlainText) reset the
        # stacks quietly: read the state itself whenever anything may have moved it.
        for signal in (document.undoAvailable, document.redoAvailable):
            signal.connect(lambda _available: self.sync())
        document.undoCommandAdded.connect(self.sync)
        document.contentsChanged.connect(self.sync)
        editor.installEventFilter(self)
        # Steps that are not text (chapter titles: studio.ui.chapter_edits) count too.
        side = getattr(editor, "side_history", None)
        if side is not None and hasattr(side, "history_changed"):
            side.history_changed.connect(self.sync)
        self.sync()

    def sync(self) -> None:
        document = self._editor.document()
        side = getattr(self._editor, "side_history", None)
        self._undo.setEnabled(document.isUndoAvailable() or bool(side is not None and side.can_undo()))
        self._redo.setEnabled(document.isRedoAvailable() or bool(side is not None and side.can_redo()))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if watched is not self._editor or event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        text = event.text()
        typing = (
            bool(text) and text.isprintable()
            and not event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
                                         | Qt.KeyboardModifier.MetaModifier)
            and not self._editor.isReadOnly()
        )
        if not typing:
            return False
        now = self._clock()
        paused = now - self._last_key_at > PAUSE_S
        self._last_key_at = now
        if not (paused or self._starts_word(text)):
            return False
        cursor = self._editor.textCursor()
        cursor.beginEditBlock()
        try:
            self._editor.event(event)  # the editor types the key itself, inside the block
        finally:
            cursor.endEditBlock()
        return True

    def _starts_word(self, text: str) -> bool:
        if text[0].isspace():
            return False  # a space belongs to the word before it
        cursor = self._editor.textCursor()
        start = cursor.selectionStart()
        if cursor.hasSelection() or start == 0:
            return True  # replacing a selection is a step of its own
        before = self._editor.document().characterAt(start - 1)
        return before.isspace() or before == _PARAGRAPH
