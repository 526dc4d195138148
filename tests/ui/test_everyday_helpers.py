"""Small things people reach for (issue 17, point 7): "2 of 5" in Find, the zoom level, a
name for Save As from the script's first words, and a shortcut list made from the menus.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QFileDialog, QMenu, QMessageBox

from tests.ui.conftest import activate

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def when_modal(kind: type, then: Any) -> None:
    """Run ``then(widget)`` as soon as a modal ``kind`` is open (also inside its own event loop)."""
    def poll() -> None:
        widget = QApplication.activeModalWidget()
        if isinstance(widget, kind):
            then(widget)
        else:
            QTimer.singleShot(20, poll)

    QTimer.singleShot(0, poll)


def test_find_says_which_match_of_how_many(qtbot: Any, make_window: Any) -> None:
    window = make_window()
    editor = window.script.editor
    editor.setPlainText("One fish. Two fish. Red fish. Blue FISH.")
    activate(qtbot, window)
    status = window.script.find_bar.status
    qtbot.keyClick(editor, Qt.Key.Key_F, CTRL)
    qtbot.keyClicks(window.script.find_bar.field, "fish")
    assert status.text() == "1 of 4"
    qtbot.keyClick(window.script.find_bar.field, Qt.Key.Key_Return)
    assert status.text() == "2 of 4"
    qtbot.keyClick(window.script.find_bar.field, Qt.Key.Key_F3)
    qtbot.keyClick(window.script.find_bar.field, Qt.Key.Key_F3)
    assert status.text() == "4 of 4" and editor.textCursor().selectedText() == "FISH"
    qtbot.keyClick(window.script.find_bar.field, Qt.Key.Key_F3)  # wraps round
    assert status.text() == "1 of 4"
    qtbot.keyClick(window.script.find_bar.field, Qt.Key.Key_F3, SHIFT)
    assert status.text() == "4 of 4"
    qtbot.mouseClick(window.script.find_bar.match_case, Qt.MouseButton.LeftButton)
    assert status.text() == "1 of 3"
    window.script.find_bar.field.selectAll()
    qtbot.keyClicks(window.script.find_bar.field, "whale")
    assert status.text() == "Not found"


def test_zoom_shows_its_level(qtbot: Any, make_window: Any) -> None:
    window = make_window()
    editor = window.script.editor
    activate(qtbot, window)
    label = window.script.zoom_label
    base = editor.font().pointSizeF()
    assert not label.isVisible()  # 100 %: nothing to say
    qtbot.keyClick(editor, Qt.Key.Key_Plus, CTRL)
    qtbot.keyClick(editor, Qt.Key.Key_Plus, CTRL)
    assert label.isVisible() and label.text() == f"Zoom {round(100 * (base + 2) / base)} %"
    qtbot.keyClick(editor, Qt.Key.Key_Minus, CTRL)
    assert label.text() == f"Zoom {round(100 * (base + 1) / base)} %"
    qtbot.keyClick(editor, Qt.Key.Key_0, CTRL)
    assert not label.isVisible()


def test_save_as_suggests_a_name_from_the_first_words(qtbot: Any, make_window: Any) -> None:
    window = make_window()
    editor = window.script.editor
    editor.setPlainText("Chapter One: The Lighthouse\n\nThe keeper climbed the steps.")
    activate(qtbot, window)
    suggested: list[str] = []

    def read_and_cancel(dialog: QFileDialog) -> None:
        suggested.extend(dialog.selectedFiles())
        dialog.reject()

    when_modal(QFileDialog, read_and_cancel)
    qtbot.keyClick(editor, Qt.Key.Key_S, CTRL | SHIFT)
    qtbot.waitUntil(lambda: bool(suggested), timeout=5000)
    assert Path(suggested[0]).name == "Chapter One The Lighthouse.narration"
    assert window.project.path is None  # cancelled: nothing saved


def _menu_shortcuts(window: Any) -> dict[str, str]:
    """Every key sequence the menus show or accept -> the item's text."""
    found: dict[str, str] = {}

    def walk(menu: QMenu) -> None:
        for action in menu.actions():
            if action.menu() is not None:
                walk(action.menu())
            for key in action.shortcuts():
                found[key.toString(QKeySequence.SequenceFormat.NativeText)] = action.text()

    for top in window.menuBar().actions():
        walk(top.menu())
    return found


def test_the_shortcut_help_lists_every_shortcut_the_menus_have(qtbot: Any, make_window: Any) -> None:
    window = make_window()
    activate(qtbot, window)
    shown: list[str] = []

    def read_and_close(box: QMessageBox) -> None:
        shown.append(box.text())
        box.done(0)

    when_modal(QMessageBox, read_and_close)
    qtbot.keyClick(window.script.editor, Qt.Key.Key_F1)  # Help ▸ Keyboard Shortcuts
    qtbot.waitUntil(lambda: bool(shown), timeout=5000)
    text = shown[0]
    shortcuts = _menu_shortcuts(window)
    missing = {key: what for key, what in shortcuts.items() if key not in text}
    assert missing == {}  # Ctrl+E, Ctrl+Q and F1 were missing from the hand-written list
    assert {"Ctrl+E", "Ctrl+Q", "F1", "F5", "Ctrl+Return"} <= set(shortcuts)
    assert "Space" in text  # play / pause outside the menus, listed too
