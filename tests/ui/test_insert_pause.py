"""Insert ▸ Pause… in the real window: the keys open the dialog, OK puts the tag at the cursor."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication

from studio.core.script.spoken import SpokenText
from studio.ui.pause_insert import PauseDialog
from tests.ui.conftest import activate


def _dialog(qtbot: Any) -> PauseDialog:
    found: list[PauseDialog] = []

    def opened() -> bool:
        found[:] = [w for w in QApplication.topLevelWidgets() if isinstance(w, PauseDialog) and w.isVisible()]
        return bool(found)

    qtbot.waitUntil(opened, timeout=5000)
    return found[0]


def test_insert_pause_at_the_cursor_with_the_keyboard(qtbot: Any, make_window: Any) -> None:
    window = make_window()
    activate(qtbot, window)
    editor = window.script.editor
    qtbot.keyClicks(editor, "Wait here.Then go.")
    cursor = editor.textCursor()
    cursor.setPosition(len("Wait here."))
    editor.setTextCursor(cursor)

    qtbot.keyClick(editor, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    dialog = _dialog(qtbot)
    spin = dialog.seconds
    assert spin.minimum() == 0.1 and spin.maximum() == 3.0 and spin.value() == 1.5
    qtbot.keyClick(spin, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(spin, "0.8")
    qtbot.keyClick(spin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)

    assert editor.toPlainText() == 'Wait here. <break time="0.8s" /> Then go.'
    assert editor.textCursor().position() == len('Wait here. <break time="0.8s" /> ')  # typing goes on after it
    spoken = SpokenText.build(editor.toPlainText())
    assert [p.seconds for p in spoken.pauses] == [0.8]  # what is written is a pause the render plan reads

    # One undo step removes it again; the dialog offers the last length next time; a value over
    # 3 s cannot be entered.
    qtbot.keyClick(editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert editor.toPlainText() == "Wait here.Then go."
    editor.moveCursor(QTextCursor.MoveOperation.End)
    window.insert_pause_action.trigger()
    again = _dialog(qtbot)
    assert again.seconds.value() == 0.8
    again.seconds.setValue(7.0)
    assert again.seconds.value() == 3.0
    qtbot.keyClick(again.seconds, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not again.isVisible(), timeout=5000)
    assert editor.toPlainText() == "Wait here.Then go."


def test_play_with_a_pause_over_3_seconds_names_the_tag_and_sends_nothing(qtbot: Any, offline_window: Any,
                                                                          monkeypatch: Any) -> None:
    window = offline_window
    backend = window.render_source.current().backend
    calls: list[str] = []
    original = backend.stream_with_timestamps
    monkeypatch.setattr(backend, "stream_with_timestamps", lambda request: calls.append(request.text) or original(request))
    errors: list[Any] = []
    window.player.error.connect(errors.append)
    activate(qtbot, window)
    window.script.editor.setPlainText('Fine words.\n\nToo long <break time="4s" /> here.')
    qtbot.keyClick(window.script.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(errors), timeout=20000)
    message = str(errors[0])
    assert '<break time="4s" />' in message and "Paragraph 2" in message and "3 s or less" in message
    assert calls == []  # checked before any request: nothing spoken, nothing spent
