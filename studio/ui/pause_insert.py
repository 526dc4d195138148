"""Insert ▸ Pause…: a pause tag at the cursor, and pause tags shown unobtrusively in the script.

* :class:`PauseDialog` asks for the length (0.1–3 s, a spin box; the last length is offered
  again) without blocking: ``open()``, then ``accepted``.
* :func:`insert_pause` writes :func:`studio.markup.break_tag` at the cursor as one undo step,
  with a space either side when the tag would touch a word (so it never glues two words).
* No syntax highlighter greys the tags: a :class:`QSyntaxHighlighter` emits
  ``contentsChanged`` when it attaches and re-highlights, which the project takes for an edit
  (it would mark a just-opened project unsaved); the play highlight owns the extra selections.
* :class:`PauseInserter` is the controller the window composes: the dialog and the insert.

What a model is sent for the tag (as written, or v3's own pause tag) is not decided here: see
:mod:`studio.core.script.spoken`.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QWidget,
)

from studio.markup import MAX_PAUSE_SECONDS, MIN_PAUSE_SECONDS, break_tag

__all__ = ["DEFAULT_PAUSE_SECONDS", "PauseDialog", "PauseInserter", "insert_pause", "insert_tag"]

DEFAULT_PAUSE_SECONDS = 1.5


def insert_pause(editor: QPlainTextEdit, seconds: float) -> None:
    """Write a pause of ``seconds`` at the cursor (replacing a selection), as one undo step."""
    insert_tag(editor, break_tag(seconds))


def insert_tag(editor: QPlainTextEdit, tag: str) -> None:
    """Write ``tag`` (markup: a pause, an audio tag) at the cursor as one undo step, with a
    space either side where it would touch a word."""
    cursor = editor.textCursor()
    document = editor.document()
    before = document.characterAt(cursor.selectionStart() - 1) if cursor.selectionStart() > 0 else ""
    after = document.characterAt(cursor.selectionEnd())
    text = tag
    if before and not before.isspace() and before != "\u2029":
        text = " " + text
    if after and not after.isspace() and after not in ("\u2029", "\x00"):
        text += " "
    cursor.beginEditBlock()
    cursor.insertText(text)
    cursor.endEditBlock()
    editor.setTextCursor(cursor)


class PauseDialog(QDialog):
    """How long a pause: a spin box from 0.1 to 3 seconds."""

    def __init__(self, seconds: float = DEFAULT_PAUSE_SECONDS, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Insert Pause")
        layout = QFormLayout(self)
        self.seconds = QDoubleSpinBox(self)
        self.seconds.setAccessibleName("Pause length in seconds")
        self.seconds.setRange(MIN_PAUSE_SECONDS, MAX_PAUSE_SECONDS)
        self.seconds.setSingleStep(0.1)
        self.seconds.setDecimals(1)
        self.seconds.setSuffix(" s")
        self.seconds.setValue(seconds)
        layout.addRow("Pause:", self.seconds)
        hint = QLabel(f"Silence of {MIN_PAUSE_SECONDS:g} to {MAX_PAUSE_SECONDS:g} seconds, never read aloud.")
        hint.setWordWrap(True)
        layout.addRow(hint)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addRow(buttons)
        self.seconds.setFocus(Qt.FocusReason.OtherFocusReason)
        self.seconds.selectAll()


class PauseInserter(QObject):
    """Insert ▸ Pause… for ``editor``: asks the length, then inserts at the cursor."""

    def __init__(self, editor: QPlainTextEdit, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.editor = editor
        self.last_seconds = DEFAULT_PAUSE_SECONDS
        self.dialog: PauseDialog | None = None

    def ask(self) -> PauseDialog:
        """Open the dialog (never blocks); OK inserts the pause where the cursor is."""
        if self.dialog is not None:
            self.dialog.raise_()
            return self.dialog
        dialog = PauseDialog(self.last_seconds, self.editor.window())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._insert(dialog.seconds.value()))
        dialog.finished.connect(lambda _result: self._closed())
        self.dialog = dialog
        dialog.open()
        return dialog

    def _insert(self, seconds: float) -> None:
        self.last_seconds = seconds
        insert_pause(self.editor, seconds)
        self.editor.setFocus(Qt.FocusReason.OtherFocusReason)

    def _closed(self) -> None:
        self.dialog = None
