"""Undo in the editor is text-only and never loses a take: not after typing, not after deleting a paragraph."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor

from studio.ui.take_marks import MarkKind, mark_of
from tests.ui.conftest import activate
from tests.ui.takes_support import CTRL, described_take

TEXT = "The first paragraph.\n\nThe second paragraph, with takes.\n\nThe third paragraph."
SECOND = "The second paragraph, with takes."


def _window(qtbot: Any, make_window: Any) -> Any:
    window = make_window()
    window.script.editor.setPlainText(TEXT)
    window.document.sync()
    block = window.document.script.blocks[1]
    window.document.add_take(block.id, described_take(SECOND, "a1a1a1a1"))
    window.document.add_take(block.id, described_take(SECOND, "a2a2a2a2"))
    window.document.step_take(block.id, -1)  # the first take chosen
    activate(qtbot, window)
    return window


def _wait_synced(qtbot: Any, window: Any) -> None:
    """Let the document follow the typing the way it does for a person (after the pause)."""
    qtbot.waitUntil(lambda: not window.document.pending, timeout=3000)


def test_typing_then_ctrl_z_keeps_the_takes_and_the_choice(qtbot: Any, make_window: Any) -> None:
    window = _window(qtbot, make_window)
    editor = window.script.editor
    block = window.document.script.blocks[1]
    cursor = editor.textCursor()
    cursor.setPosition(TEXT.index(SECOND) + len(SECOND) - 1)
    editor.setTextCursor(cursor)
    qtbot.keyClicks(editor, " indeed")
    _wait_synced(qtbot, window)
    assert block.text == "The second paragraph, with takes indeed." and mark_of(block).kind is MarkKind.STALE
    for _ in range(3):
        qtbot.keyClick(editor, Qt.Key.Key_Z, CTRL)
    assert editor.toPlainText() == TEXT
    _wait_synced(qtbot, window)
    assert window.document.script.blocks[1] is block
    assert [t.id for t in block.takes] == ["a1a1a1a1", "a2a2a2a2"] and block.chosen_take_id == "a1a1a1a1"
    assert mark_of(block).kind is MarkKind.CURRENT  # its take says what it says again


def test_deleting_a_paragraph_and_undoing_brings_back_its_block_with_its_takes(qtbot: Any, make_window: Any) -> None:
    window = _window(qtbot, make_window)
    editor = window.script.editor
    block = window.document.script.blocks[1]
    cursor = editor.textCursor()
    cursor.setPosition(TEXT.index(SECOND))
    cursor.setPosition(TEXT.index("The third"), QTextCursor.MoveMode.KeepAnchor)
    editor.setTextCursor(cursor)
    qtbot.keyClick(editor, Qt.Key.Key_Delete)
    assert editor.toPlainText() == "The first paragraph.\n\nThe third paragraph."
    _wait_synced(qtbot, window)  # the script follows: the paragraph and its block are gone
    assert [b.text for b in window.document.script] == ["The first paragraph.", "The third paragraph."]
    assert block.id not in [b.id for b in window.document.script]
    qtbot.keyClick(editor, Qt.Key.Key_Z, CTRL)
    assert editor.toPlainText() == TEXT
    _wait_synced(qtbot, window)
    back = window.document.script.blocks[1]
    assert back.id == block.id
    assert [t.id for t in back.takes] == ["a1a1a1a1", "a2a2a2a2"] and back.chosen_take_id == "a1a1a1a1"
    assert mark_of(back).label == "1/2"


def test_a_cut_paragraph_pasted_back_later_gets_its_takes_back(qtbot: Any, make_window: Any) -> None:
    window = _window(qtbot, make_window)
    editor = window.script.editor
    block = window.document.script.blocks[1]
    cursor = editor.textCursor()
    cursor.setPosition(TEXT.index(SECOND))
    cursor.setPosition(TEXT.index(SECOND) + len(SECOND), QTextCursor.MoveMode.KeepAnchor)
    editor.setTextCursor(cursor)
    qtbot.keyClick(editor, Qt.Key.Key_X, CTRL)
    _wait_synced(qtbot, window)
    assert len(window.document.script) == 2
    editor.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.keyClick(editor, Qt.Key.Key_V, CTRL)  # moved to the end
    _wait_synced(qtbot, window)
    moved = window.document.script.blocks[-1]
    assert moved.id == block.id and [t.id for t in moved.takes] == ["a1a1a1a1", "a2a2a2a2"]


def test_the_document_remembers_a_bounded_number_of_removed_paragraphs(qtbot: Any) -> None:
    from PySide6.QtWidgets import QPlainTextEdit

    from studio.ui.script_document import REMEMBERED_REMOVED, ScriptDocumentController

    editor = QPlainTextEdit()
    qtbot.addWidget(editor)
    words = [f"Paragraph number {i}." for i in range(REMEMBERED_REMOVED + 20)]
    editor.setPlainText("\n\n".join(words))
    doc = ScriptDocumentController(editor)
    ids = [b.id for b in doc.script]
    editor.setPlainText("")  # all removed at once: only the newest REMEMBERED_REMOVED are kept
    doc.sync()
    editor.setPlainText("\n\n".join(words))
    doc.sync()
    back = [b.id for b in doc.script]
    assert sum(1 for a, b in zip(ids, back, strict=True) if a == b) == REMEMBERED_REMOVED
    assert back[-1] == ids[-1] and back[0] != ids[0]
