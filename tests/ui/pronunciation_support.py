"""Helpers for the "Pronounce as…" tests: right-click a word, answer the input and the locked question."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QContextMenuEvent, QTextCursor
from PySide6.QtWidgets import QApplication, QMenu

from tests.ui.takes_support import LockQuestions
from tests.ui.test_player_window import _spy as spy_texts


def right_click(qtbot: Any, window: Any, position: int) -> QMenu:
    """Right-click the script at document ``position`` (a real mouse press); the context menu that opens."""
    editor = window.script.editor
    cursor = QTextCursor(editor.document())
    cursor.setPosition(position + 1)  # inside the word, not at its edge
    editor.ensureCursorVisible()
    where = editor.cursorRect(cursor).center()
    qtbot.mousePress(editor.viewport(), Qt.MouseButton.RightButton, pos=where)
    # The context-menu event the window system sends for a right press (QTest's mouse does not make one).
    QApplication.sendEvent(editor.viewport(), QContextMenuEvent(
        QContextMenuEvent.Reason.Mouse, where, editor.viewport().mapToGlobal(where)))
    qtbot.mouseRelease(editor.viewport(), Qt.MouseButton.RightButton, pos=where)
    qtbot.waitUntil(lambda: isinstance(QApplication.activePopupWidget(), QMenu), timeout=5000)
    return QApplication.activePopupWidget()


def pronounce_as(qtbot: Any, window: Any, position: int, said: str) -> Any:
    """Right-click the word at ``position`` → "Pronounce “…” as…" (clicked) → type ``said`` → Enter."""
    menu = right_click(qtbot, window, position)
    action = next((a for a in menu.actions() if a.objectName() == "pronounceAsAction"), None)
    assert action is not None, [a.text() for a in menu.actions()]
    label = action.text()
    qtbot.mouseClick(menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(action).center())
    dialog = window.pronunciation.pronounce_as.dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible, timeout=5000)
    dialog.say_edit.setFocus()
    qtbot.keyClicks(dialog.say_edit, said)
    qtbot.keyClick(dialog.say_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    return label


def spy_requests(window: Any) -> list[Any]:
    """The text-to-speech requests the window's engine is given (the engine itself runs as it is)."""
    sent: list[Any] = []
    backend = window.session.backend
    speak = backend.stream_with_timestamps

    def spy(request: Any) -> Any:
        sent.append(request)
        return speak(request)

    backend.stream_with_timestamps = spy
    return sent


class LockedWordQuestions(LockQuestions):
    """Answers the "locked paragraphs say this word" question while it runs, recording each one."""

    QUESTION, ANSWERS = "lockedPronunciationQuestion", ("Make Them Again", "Leave Them")

    def __init__(self, again: bool) -> None:
        super().__init__()
        self.unlock = again


__all__ = ["LockedWordQuestions", "pronounce_as", "right_click", "spy_requests", "spy_texts"]
