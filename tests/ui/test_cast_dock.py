"""The Cast dock is remembered with the window layout, like the History dock: opened with
View ▸ Cast (Ctrl+Shift+C) and the window closed, the next window opens with it shown; closed
again, the next one opens without it."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from tests.ui.conftest import activate

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def test_the_cast_dock_is_remembered_with_the_layout(qtbot: Any, make_window: Any) -> None:
    window = make_window()
    assert not window.cast.dock.isVisible()  # first start: View ▸ Cast shows it
    activate(qtbot, window)
    qtbot.keyClick(window.script.editor, Qt.Key.Key_C, CTRL_SHIFT)
    qtbot.waitUntil(lambda: window.cast.dock.isVisible(), timeout=5000)
    assert window.close()  # nothing unsaved: closes, saving the layout on the way

    again = make_window()
    qtbot.waitUntil(lambda: again.cast.dock.isVisible(), timeout=5000)
    assert again.cast.toggle_action.isChecked()  # View ▸ Cast says so too
    activate(qtbot, again)
    qtbot.keyClick(again.script.editor, Qt.Key.Key_C, CTRL_SHIFT)
    qtbot.waitUntil(lambda: not again.cast.dock.isVisible(), timeout=5000)
    assert again.close()

    third = make_window()
    qtbot.wait(100)  # a restored dock would be shown by now (restoreState runs before show)
    assert not third.cast.dock.isVisible()
