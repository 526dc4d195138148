"""The keys a narrator uses in the script: Space while listening, undo, focus after menus and
dialogs, Alt+E, and Tab stops that show where they are (issue 17, points 1, 2 and 4).

Real windows on the real offline voice; keys and clicks go through QTest, as a person's do.
Playback runs through the real QAudioSink on the PulseAudio null sink (tests/run.sh).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMenu, QMenuBar, QMessageBox, QWidget

from studio.playback.pcm_player import PlayerState
from tests.integration.player.rig import needs_audio
from tests.ui.conftest import activate

CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
SCRIPT = (
    "The keeper climbed the hundred and twelve steps at dusk, as he had every evening for forty years. "
    "Below him the sea turned from silver to slate, and the gulls went quiet one by one. "
    "Another storm, he said to no one, and lit the lamp."
)


def focus() -> QWidget | None:
    return QApplication.focusWidget()


# == 1. Space pauses, and never edits the script by surprise =====================================

@needs_audio
def test_space_in_the_script_pauses_while_listening_and_types_when_stopped(qtbot: Any, offline_window: Any) -> None:
    window = offline_window
    editor = window.script.editor
    player = window.player.player
    editor.setPlainText(SCRIPT)
    activate(qtbot, window)
    qtbot.keyClick(editor, Qt.Key.Key_Return, CTRL)  # play: the cursor stays in the script
    qtbot.waitUntil(lambda: player.state is PlayerState.PLAYING and player.played_seconds() > 0.3, timeout=30000)
    assert focus() is editor

    qtbot.keyClick(editor, Qt.Key.Key_Space)
    assert player.state is PlayerState.PAUSED
    held = player.played_seconds()
    qtbot.keyClick(editor, Qt.Key.Key_Space)
    assert player.state is PlayerState.PLAYING
    assert editor.toPlainText() == SCRIPT  # no space typed into the project
    qtbot.waitUntil(lambda: player.played_seconds() > held + 0.1, timeout=5000)

    # The dedicated key works wherever the focus is, a text field included.
    window.browser.search.setFocus()
    qtbot.keyClick(window.browser.search, Qt.Key.Key_F5)
    assert player.state is PlayerState.PAUSED
    assert window.browser.search.text() == ""
    qtbot.keyClick(window.browser.search, Qt.Key.Key_F5)
    assert player.state is PlayerState.PLAYING

    editor.setFocus()
    qtbot.keyClick(editor, Qt.Key.Key_Period, CTRL)  # stop
    assert player.state is PlayerState.STOPPED
    cursor = editor.textCursor()
    cursor.movePosition(cursor.MoveOperation.End)
    editor.setTextCursor(cursor)
    qtbot.keyClick(editor, Qt.Key.Key_Space)  # stopped: Space is a space again
    assert editor.toPlainText() == SCRIPT + " "
    assert player.state is PlayerState.STOPPED
    assert window.pause_action.shortcut().toString() == "F5"


# == 2. Undo you can see =========================================================================

def _edit_menu(window: Any) -> QMenu:
    return next(a.menu() for a in window.menuBar().actions() if a.text() == "&Edit")


def _click_menu_item(qtbot: Any, window: Any, menu: QMenu, action: Any) -> None:
    qtbot.keyClick(window.script.editor, Qt.Key.Key_E, ALT)  # Alt+E opens Edit
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is menu, timeout=3000)
    qtbot.mouseClick(menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(action).center())
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is None, timeout=3000)


def test_undo_goes_back_a_word_at_a_time_and_the_menu_shows_it(qtbot: Any, make_window: Any) -> None:
    window = make_window()
    editor = window.script.editor
    activate(qtbot, window)
    undo, redo = window.undo_action, window.redo_action
    assert not undo.isEnabled() and not redo.isEnabled()

    qtbot.keyClicks(editor, "The keeper climbed")
    assert undo.isEnabled() and not redo.isEnabled()  # greyed out before, although Ctrl+Z worked
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.keyClicks(editor, "the stairs")

    qtbot.keyClick(editor, Qt.Key.Key_Z, CTRL)
    assert editor.toPlainText() == "The keeper climbed\nthe "  # one word, not the whole text
    assert redo.isEnabled()
    qtbot.keyClick(editor, Qt.Key.Key_Z, CTRL)
    assert editor.toPlainText() == "The keeper climbed\n"
    qtbot.keyClick(editor, Qt.Key.Key_Z, CTRL)
    assert editor.toPlainText() == "The keeper climbed"

    # Edit ▸ Undo and Redo do the same, from the menu.
    menu = _edit_menu(window)
    _click_menu_item(qtbot, window, menu, undo)
    assert editor.toPlainText() == "The keeper "
    _click_menu_item(qtbot, window, menu, redo)
    assert editor.toPlainText() == "The keeper climbed"
    qtbot.keyClick(editor, Qt.Key.Key_Z, CTRL | SHIFT)
    assert editor.toPlainText() == "The keeper climbed\n"

    # A pause in typing ends a step too, even within a word.
    cursor = editor.textCursor()
    cursor.movePosition(cursor.MoveOperation.End)
    editor.setTextCursor(cursor)
    qtbot.keyClicks(editor, "lan")
    qtbot.wait(1200)
    qtbot.keyClicks(editor, "tern")
    qtbot.keyClick(editor, Qt.Key.Key_Z, CTRL)
    assert editor.toPlainText() == "The keeper climbed\nlan"

    while undo.isEnabled():
        qtbot.keyClick(editor, Qt.Key.Key_Z, CTRL)
    assert editor.toPlainText() == "" and not undo.isEnabled() and redo.isEnabled()


# == 4. Focus comes back =========================================================================

def _close_popup_with_escape(qtbot: Any) -> None:
    popup = QApplication.activePopupWidget()
    assert isinstance(popup, QMenu)
    qtbot.keyClick(popup, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is None, timeout=3000)


def test_focus_returns_to_the_script_after_menus_dialogs_and_the_find_bar(qtbot: Any, offline_window: Any) -> None:
    window = offline_window
    editor = window.script.editor
    editor.setPlainText("Hello there.")
    activate(qtbot, window)
    end = editor.textCursor()
    end.movePosition(end.MoveOperation.End)
    editor.setTextCursor(end)

    # Alt+E opens Edit, like Alt+F opens File (it used to jump to the Seed field).
    qtbot.keyClick(editor, Qt.Key.Key_E, ALT)
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is _edit_menu(window), timeout=3000)
    _close_popup_with_escape(qtbot)
    qtbot.waitUntil(lambda: focus() is editor, timeout=3000)  # not left on the menu bar
    qtbot.keyClicks(focus(), " a")
    assert editor.toPlainText() == "Hello there. a"

    qtbot.keyClick(editor, Qt.Key.Key_F, ALT)
    qtbot.waitUntil(lambda: isinstance(QApplication.activePopupWidget(), QMenu), timeout=3000)
    _close_popup_with_escape(qtbot)
    qtbot.waitUntil(lambda: focus() is editor, timeout=3000)

    bar = window.menuBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.actionGeometry(bar.actions()[2]).center())
    qtbot.waitUntil(lambda: isinstance(QApplication.activePopupWidget(), QMenu), timeout=3000)
    _close_popup_with_escape(qtbot)
    qtbot.waitUntil(lambda: focus() is editor, timeout=3000)
    assert not isinstance(focus(), QMenuBar)

    # A dialog: Ctrl+E opens Export, Esc closes it, and Ctrl+E works again at once.
    for _ in range(2):
        qtbot.keyClick(focus(), Qt.Key.Key_E, CTRL)
        dialog = window.export_dialog
        qtbot.waitUntil(lambda: dialog.isVisible() and QApplication.activeWindow() is dialog, timeout=3000)
        qtbot.keyClick(focus(), Qt.Key.Key_Escape)
        qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=3000)
        qtbot.waitUntil(lambda: focus() is editor and QApplication.activeWindow() is window, timeout=3000)

    # A message box (Help ▸ Keyboard Shortcuts, F1) gives the focus back too.
    def close_box() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            box.done(0)
        else:
            QTimer.singleShot(20, close_box)

    QTimer.singleShot(0, close_box)
    qtbot.keyClick(focus(), Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None, timeout=3000)
    qtbot.waitUntil(lambda: focus() is editor and QApplication.activeWindow() is window, timeout=3000)

    # The find bar: Esc closes it and typing goes on in the script.
    qtbot.keyClick(editor, Qt.Key.Key_F, CTRL)
    assert focus() is window.script.find_bar.field
    qtbot.keyClick(focus(), Qt.Key.Key_Escape)
    assert focus() is editor
    qtbot.keyClicks(focus(), "b")
    assert editor.toPlainText() == "Hello there. ab"


def test_every_tab_stop_shows_that_it_has_the_focus(qtbot: Any, offline_window: Any) -> None:
    """Tab from the script round the window and back: each stop is a named, visible control
    that looks different while it has the keyboard (a blank frame or an unmarked custom
    widget is an invisible stop: the person loses track of where they are)."""
    window = offline_window
    editor = window.script.editor
    activate(qtbot, window)
    flash = QApplication.cursorFlashTime()
    QApplication.setCursorFlashTime(0)  # the text cursor does not blink away while grabbed
    try:
        stops: list[tuple[QWidget, Any]] = []
        for _ in range(80):
            qtbot.keyClick(focus(), Qt.Key.Key_Tab)
            widget = focus()
            assert widget is not None
            stops.append((widget, widget.grab().toImage()))
            if widget is editor:
                break
        assert stops[-1][0] is editor, "Tab never came back to the script"
        assert len(stops) > 15
        problems = []
        for widget, focused in stops:
            outside = window.browser.search if widget is not window.browser.search else editor
            outside.setFocus(Qt.FocusReason.TabFocusReason)
            name = f"{type(widget).__name__} {widget.accessibleName()!r}"
            if not widget.accessibleName():
                problems.append(f"{name}: no name for a screen reader")
            if not widget.isVisible() or widget.width() < 4 or widget.height() < 4:
                problems.append(f"{name}: not visible")
            if widget.grab().toImage() == focused:
                problems.append(f"{name}: looks the same with and without the focus")
        assert problems == []
    finally:
        QApplication.setCursorFlashTime(flash)
