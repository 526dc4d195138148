"""The script's text widget: a QPlainTextEdit that says what an edit will do before doing it.

Every way a person changes the text — typing, Enter, Backspace/Delete (and their word and
line forms), cut, paste (keys, menus, middle click), drag and drop, input-method text —
passes through here as :class:`EditIntent`\\ s (which document range is replaced by what)
before Qt applies it, so an :class:`EditGuard` can refuse it (a locked paragraph,
:mod:`studio.ui.locked_edit_guard`). Undo and redo cannot be described in advance (Qt does
not say what a step holds), so the guard sees them just after, with the means to take the
step back (:meth:`EditGuard.after_history_step`).

Without a guard the widget is a plain QPlainTextEdit. The context menu is Qt's own, with
its editing entries routed through the same checks, plus whatever ``extend_context_menu``
adds (the Paragraph actions).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from PySide6.QtCore import QMimeData, Qt
from PySide6.QtGui import (
    QContextMenuEvent,
    QDropEvent,
    QGuiApplication,
    QInputMethodEvent,
    QKeyEvent,
    QKeySequence,
    QTextCursor,
)
from PySide6.QtWidgets import QMenu, QPlainTextEdit, QWidget

Key = QKeySequence.StandardKey
Move = QTextCursor.MoveOperation
KEEP = QTextCursor.MoveMode.KeepAnchor


@dataclass(frozen=True)
class EditIntent:
    """Document range [start, end) is to be replaced by ``text`` (positions before the edit)."""

    start: int
    end: int
    text: str = ""


class EditGuard(Protocol):
    def allow(self, intents: Sequence[EditIntent]) -> bool:
        """May these edits go ahead? (It may ask the person.)"""
        ...

    def after_history_step(self, changed: tuple[int, int], take_back: Callable[[], None]) -> None:
        """An undo or redo just changed document range ``changed`` (as it is now);
        ``take_back`` reverses it."""
        ...


def _selection(cursor: QTextCursor, text: str = "") -> EditIntent:
    return EditIntent(cursor.selectionStart(), cursor.selectionEnd(), text)


class SideHistory(Protocol):
    """Undo steps that are not text (a chapter renamed), kept in one order with the text's:
    Undo and Redo ask it first; it takes the step only when its own is the latest."""

    def undo(self) -> bool:
        ...

    def redo(self) -> bool:
        ...


class ScriptTextEdit(QPlainTextEdit):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit_guard: EditGuard | None = None
        self.side_history: SideHistory | None = None
        self.extend_context_menu: Callable[[QMenu], None] | None = None
        #: The document position the context menu was opened at (the word right-clicked).
        self.context_position = 0
        self._approved_insert = False  # a drop already allowed: its insertFromMimeData is too
        self._composing_refused = False  # input-method text refused: the rest of that composition too

    # -- what a key would do -------------------------------------------------------------------------

    def key_intents(self, event: QKeyEvent) -> list[EditIntent] | None:
        """The edits ``event`` would make (None: it edits nothing)."""
        if self.isReadOnly():
            return None
        cursor = self.textCursor()
        selected = cursor.hasSelection()
        if event.matches(Key.Cut):
            return [_selection(cursor)] if selected else None
        if event.matches(Key.Paste):
            return [_selection(cursor, QGuiApplication.clipboard().text())]
        if event.matches(Key.InsertParagraphSeparator) or event.matches(Key.InsertLineSeparator):
            return [_selection(cursor, "\n")]
        reach = {
            Key.Delete: Move.NextCharacter,
            Key.Backspace: Move.PreviousCharacter,
            Key.DeleteStartOfWord: Move.PreviousWord,
            Key.DeleteEndOfWord: Move.NextWord,
            Key.DeleteEndOfLine: Move.EndOfBlock,
        }
        plain_backspace = event.key() == Qt.Key.Key_Backspace and not event.modifiers() & ~Qt.KeyboardModifier.ShiftModifier
        for key, move in reach.items():
            if event.matches(key) or (key is Key.Backspace and plain_backspace):
                if not selected:
                    cursor.movePosition(move, KEEP)
                return [_selection(cursor)] if cursor.hasSelection() else None
        if event.matches(Key.DeleteCompleteLine):
            cursor.movePosition(Move.StartOfBlock)
            cursor.movePosition(Move.NextBlock, KEEP)
            return [_selection(cursor)]
        text = event.text()
        ctrl_only = event.modifiers() & Qt.KeyboardModifier.ControlModifier and not (
            event.modifiers() & Qt.KeyboardModifier.AltModifier)  # Ctrl+Alt is AltGr on some keyboards
        if text and (text[0].isprintable() or text[0] == "\t" and not self.tabChangesFocus()) and not ctrl_only:
            return [_selection(cursor, text)]
        return None

    # -- the ways text changes -------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt API
        guard = self.edit_guard
        if (guard is not None or self.side_history is not None) and not self.isReadOnly() and (
                event.matches(Key.Undo) or event.matches(Key.Redo)):
            event.accept()
            self.undo() if event.matches(Key.Undo) else self.redo()
            return
        if guard is not None and not self.isReadOnly():
            intents = self.key_intents(event)
            if intents and not guard.allow(intents):
                event.accept()  # swallowed: the text stays as it was
                return
        super().keyPressEvent(event)

    def inputMethodEvent(self, event: QInputMethodEvent) -> None:  # noqa: N802 - Qt API
        guard = self.edit_guard
        if guard is not None and not self.isReadOnly():
            if self._composing_refused:
                # Asked once for this composition; it ends with an event that holds no text.
                self._composing_refused = bool(event.preeditString())
                event.accept()
                return
            cursor = self.textCursor()
            intents: list[EditIntent] = []
            if cursor.hasSelection() and (event.commitString() or event.preeditString()):
                intents.append(_selection(cursor))  # composing over a selection replaces it
            if event.commitString() or event.replacementLength():
                at = cursor.selectionStart() + event.replacementStart()
                intents.append(EditIntent(at, at + event.replacementLength(), event.commitString()))
            if intents and not guard.allow(intents):
                self._composing_refused = bool(event.preeditString())
                event.accept()
                return
        super().inputMethodEvent(event)

    def insertFromMimeData(self, source: QMimeData) -> None:  # noqa: N802 - Qt API (paste, middle click, drop)
        guard = self.edit_guard
        if guard is not None and not self._approved_insert and source.hasText():
            if not guard.allow([_selection(self.textCursor(), source.text())]):
                return
        super().insertFromMimeData(source)

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt API
        guard = self.edit_guard
        if guard is None or self.isReadOnly() or not event.mimeData().hasText():
            super().dropEvent(event)
            return
        at = self.cursorForPosition(event.position().toPoint()).position()
        intents = [EditIntent(at, at, event.mimeData().text())]
        cursor = self.textCursor()
        moving = event.source() in (self, self.viewport()) and event.dropAction() == Qt.DropAction.MoveAction
        if moving and cursor.hasSelection():
            intents.append(_selection(cursor))  # the dragged text leaves where it was
        if not guard.allow(intents):
            event.ignore()
            return
        self._approved_insert = True
        try:
            super().dropEvent(event)
        finally:
            self._approved_insert = False

    def cut(self) -> None:
        cursor = self.textCursor()
        if self.edit_guard is not None and cursor.hasSelection() and not self.isReadOnly():
            if not self.edit_guard.allow([_selection(cursor)]):
                return
        super().cut()

    def delete_selection(self) -> None:
        """The context menu's Delete."""
        cursor = self.textCursor()
        if not cursor.hasSelection() or self.isReadOnly():
            return
        if self.edit_guard is None or self.edit_guard.allow([_selection(cursor)]):
            cursor.removeSelectedText()

    def undo(self) -> None:
        if self.side_history is None or not self.side_history.undo():
            self.text_undo()

    def redo(self) -> None:
        if self.side_history is None or not self.side_history.redo():
            self.text_redo()

    def text_undo(self) -> None:
        """Undo the latest text step only (the side history's own steps use this)."""
        self._history_step(super().undo, super().redo)

    def text_redo(self) -> None:
        self._history_step(super().redo, super().undo)

    def _history_step(self, step: Callable[[], None], take_back: Callable[[], None]) -> None:
        if self.edit_guard is None:
            step()
            return
        changes: list[tuple[int, int, int]] = []
        document = self.document()

        def record(position: int, removed: int, added: int) -> None:
            changes.append((position, removed, added))

        document.contentsChange.connect(record)
        try:
            step()
        finally:
            document.contentsChange.disconnect(record)
        changes = [c for c in changes if c[1] or c[2]]
        if changes:
            low = min(c[0] for c in changes)
            high = max(c[0] + max(c[1], c[2]) for c in changes)
            self.edit_guard.after_history_step((low, high), take_back)

    # -- context menu ---------------------------------------------------------------------------------

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:  # noqa: N802 - Qt API
        menu = self.createStandardContextMenu(event.pos())
        by_mouse = event.reason() == QContextMenuEvent.Reason.Mouse
        self.context_position = (self.cursorForPosition(event.pos()) if by_mouse else self.textCursor()).position()
        routes = {"edit-undo": self.undo, "edit-redo": self.redo, "edit-cut": self.cut,
                  "edit-delete": self.delete_selection}
        for action in menu.actions():
            slot = routes.get(action.objectName())
            if slot is not None:
                action.triggered.disconnect()  # Qt's own handler would skip the checks
                action.triggered.connect(lambda _checked=False, s=slot: s())
        if self.extend_context_menu is not None:
            menu.addSeparator()
            self.extend_context_menu(menu)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(event.globalPos())
