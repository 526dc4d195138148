"""The window's script document follows typing in the real editor, and keeps takes apart from text."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QPlainTextEdit

from studio.core.script import Take
from studio.core.script.document import TakePart
from studio.ui.script_document import ScriptDocumentController


def _take(text: str, key: str) -> Take:
    return Take(id=key, text=text, parts=(TakePart(key, 0, len(text)),), spoken_key=key, voice_id="v",
                model_id="m", engine_id="offline", output_format="pcm_22050")


def _editor(qtbot: Any, text: str) -> QPlainTextEdit:
    editor = QPlainTextEdit()
    qtbot.addWidget(editor)
    editor.setPlainText(text)
    editor.show()
    return editor


def test_typing_in_one_paragraph_keeps_the_others_blocks_and_takes(qtbot: Any) -> None:
    editor = _editor(qtbot, "First paragraph.\n\nSecond paragraph.\n\nThird paragraph.")
    doc = ScriptDocumentController(editor)
    ids = [b.id for b in doc.script]
    doc.add_take(ids[0], _take("First paragraph.", "k1"))
    doc.add_take(ids[2], _take("Third paragraph.", "k3"))
    cursor = editor.textCursor()
    cursor.setPosition(editor.toPlainText().index("Second") + len("Second"))
    editor.setTextCursor(cursor)
    editor.setFocus()
    qtbot.keyClicks(editor, " little")
    with qtbot.waitSignal(doc.changed, timeout=2000):
        pass  # the debounced sync after typing pauses
    assert [b.id for b in doc.script] == ids
    assert doc.script.blocks[1].text == "Second little paragraph."
    assert doc.script.blocks[0].chosen_take is not None and doc.script.blocks[2].chosen_take is not None


def test_undo_in_the_editor_never_removes_a_take(qtbot: Any) -> None:
    editor = _editor(qtbot, "One.\n\nTwo.")
    doc = ScriptDocumentController(editor)
    editor.setFocus()
    editor.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(editor, " More")
    doc.sync()
    block = doc.script.blocks[1]
    doc.add_take(block.id, _take("Two. More", "k2"))
    qtbot.keyClick(editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    doc.sync()
    assert editor.toPlainText() == "One.\n\nTwo."
    assert doc.script.blocks[1].id == block.id
    assert [t.id for t in doc.script.blocks[1].takes] == ["k2"]


def test_positions_map_to_paragraphs(qtbot: Any) -> None:
    text = "Alpha.\n\nBeta.\n\n\nGamma."
    editor = _editor(qtbot, text)
    doc = ScriptDocumentController(editor)
    assert doc.index_at(0) == 0
    assert doc.index_at(text.index("Beta")) == 1
    assert doc.index_at(text.index("Beta") - 1) == 1  # in the blank line before: the next one
    assert doc.index_at(len(text)) == 2
    assert doc.indices_between(text.index("ta."), text.index("Gam")) == [1, 2]


def test_editor_positions_after_emoji_map_to_the_right_paragraph(qtbot: Any) -> None:
    # Each emoji is two UTF-16 units in the editor but one character in Python: positions
    # the editor reports must not be read as string indices (Play from Cursor picked the
    # paragraph before the cursor after a few emoji).
    text = "Wave \U0001F44B\U0001F44B\U0001F44B\U0001F44B.\n\nBe.\n\nGamma."
    editor = _editor(qtbot, text)
    doc = ScriptDocumentController(editor)
    cursor = editor.textCursor()
    cursor.movePosition(QTextCursor.MoveOperation.End)
    cursor.movePosition(QTextCursor.MoveOperation.StartOfBlock)  # the start of "Gamma."
    assert editor.document().characterAt(cursor.position()) == "G"
    assert doc.index_at(cursor.position()) == 2
    cursor.movePosition(QTextCursor.MoveOperation.PreviousBlock)
    cursor.movePosition(QTextCursor.MoveOperation.PreviousBlock)  # the start of "Be."
    assert doc.index_at(cursor.position()) == 1
    assert doc.block_at(cursor.position()).text == "Be."
    cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock, QTextCursor.MoveMode.KeepAnchor)
    assert doc.indices_between(cursor.selectionStart() + 1, cursor.selectionEnd() - 1) == [1]


def test_step_take_and_lock(qtbot: Any) -> None:
    editor = _editor(qtbot, "Only paragraph.")
    doc = ScriptDocumentController(editor)
    block_id = doc.script.blocks[0].id
    doc.add_take(block_id, _take("Only paragraph.", "a"))
    doc.add_take(block_id, _take("Only paragraph.", "b"))
    assert doc.script.blocks[0].chosen_take_id == "b"
    assert doc.step_take(block_id, 1).id == "a"
    assert doc.step_take(block_id, -1).id == "b"
    doc.set_locked(block_id, True)
    snapshot = doc.snapshot()
    assert snapshot.blocks[0].locked and snapshot.blocks[0] is not doc.script.blocks[0]
    assert doc.locked_touched_by("Only paragraph, changed.") == [doc.script.blocks[0]]
