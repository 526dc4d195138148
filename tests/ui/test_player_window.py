"""The player in the real window, by keys: paragraphs, takes, and nothing to play.

The real offline voice (Piper, started by the window as on a first run), the real menus and
shortcuts, the real QAudioSink on the null sink (tests/run.sh).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from studio.ui.player_controller import FROM_CACHE_STATUS
from tests.integration.player.rig import needs_audio
from tests.ui.conftest import activate

pytestmark = needs_audio

CTRL = Qt.KeyboardModifier.ControlModifier
SCRIPT = "The lamp was lit at dusk.\n\nGulls argued on the roof."


def _spy(window: Any) -> list[str]:
    """The texts the window's engine is asked to speak (the engine itself runs as it is)."""
    sent: list[str] = []
    backend = window.session.backend
    speak = backend.stream_with_timestamps

    def spy(request: Any) -> Any:
        sent.append(request.text)
        return speak(request)

    backend.stream_with_timestamps = spy
    return sent


def _put_cursor(window: Any, position: int) -> None:
    cursor = window.script.editor.textCursor()
    cursor.setPosition(position)
    window.script.editor.setTextCursor(cursor)


def test_only_symbols_say_there_is_nothing_to_play(qtbot, offline_window) -> None:
    window = offline_window
    sent = _spy(window)
    window.script.editor.setPlainText("* * *")
    activate(qtbot, window)
    qtbot.keyClick(window.script.editor, Qt.Key.Key_Return, CTRL)  # Play
    assert window.transport.status_label.text().startswith("Nothing to play")
    assert "punctuation or symbols" in window.transport.status_label.text()
    assert not window.script.message.isVisible()  # no engine error
    qtbot.wait(200)
    assert sent == [] and not window.player.is_active


def test_play_makes_takes_regenerate_and_play_paragraph_act_on_the_cursor_s_paragraph(qtbot, offline_window) -> None:
    window = offline_window
    sent = _spy(window)
    editor = window.script.editor
    editor.setPlainText(SCRIPT)
    activate(qtbot, window)
    with qtbot.waitSignal(window.player.player.finished, timeout=60000):
        qtbot.keyClick(editor, Qt.Key.Key_Return, CTRL)
    first, second = SCRIPT.split("\n\n")
    assert sent == [first, second]
    blocks = window.document.script.blocks
    assert [len(b.takes) for b in blocks] == [1, 1]  # takes made by Play reached the document

    _put_cursor(window, SCRIPT.index("argued"))
    with qtbot.waitSignal(window.player.player.finished, timeout=60000):
        qtbot.keyClick(editor, Qt.Key.Key_R, CTRL)  # Paragraph ▸ Regenerate Paragraph
    assert sent == [first, second, second]
    assert len(blocks[1].takes) == 2 and blocks[1].chosen_take is blocks[1].takes[-1]
    assert len(blocks[0].takes) == 1
    assert editor.toPlainText() == SCRIPT  # Ctrl+R typed nothing

    statuses: list[str] = []
    window.player.status.connect(statuses.append)
    _put_cursor(window, SCRIPT.index("lamp"))
    with qtbot.waitSignal(window.player.player.finished, timeout=60000):
        qtbot.keyClick(editor, Qt.Key.Key_Space, CTRL | Qt.KeyboardModifier.ShiftModifier)  # Play Paragraph
    assert sent == [first, second, second]  # from its take: nothing asked for
    assert FROM_CACHE_STATUS in statuses
    assert [b.index for b in window.player.session.blocks] == [0]
    assert editor.toPlainText() == SCRIPT

    # Locked, a paragraph keeps its take: Ctrl+R explains instead of speaking.
    window.document.set_locked(blocks[1].id, True)
    _put_cursor(window, SCRIPT.index("roof"))
    qtbot.keyClick(editor, Qt.Key.Key_R, CTRL)
    assert "locked" in window.status.currentMessage()  # the Paragraph menu says why it does nothing
    assert sent == [first, second, second] and len(blocks[1].takes) == 2
