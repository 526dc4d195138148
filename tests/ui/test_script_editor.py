"""The script editor: find, zoom, undo (the counter under it: tests/ui/test_script_counter.py)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from studio.ui.script_editor import ScriptEditor


@pytest.fixture
def editor(qtbot) -> ScriptEditor:
    view = ScriptEditor()
    qtbot.addWidget(view)
    view.resize(600, 400)
    view.show()
    return view


def test_find_next_previous_and_wraps(qtbot, editor) -> None:
    editor.editor.setPlainText("One fish. Two fish. Red fish.")
    editor.open_find()
    assert editor.find_bar.isVisible()
    qtbot.keyClicks(editor.find_bar.field, "fish")
    cursor = editor.editor.textCursor()
    assert (cursor.selectionStart(), cursor.selectedText()) == (4, "fish")
    editor.find(forward=True)
    assert editor.editor.textCursor().selectionStart() == 14
    editor.find(forward=True)
    editor.find(forward=True)  # wraps to the first
    assert editor.editor.textCursor().selectionStart() == 4
    editor.find(forward=False)  # wraps backwards to the last
    assert editor.editor.textCursor().selectionStart() == 24
    editor.find_bar.field.setText("whale")
    assert editor.find_bar.status.text() == "Not found"
    qtbot.keyClick(editor.find_bar.field, Qt.Key.Key_Escape)
    assert not editor.find_bar.isVisible()


def test_zoom_changes_font_and_is_bounded(qtbot, editor) -> None:
    base = editor.editor.font().pointSizeF()
    editor.zoom_in()
    editor.zoom_in()
    assert editor.editor.font().pointSizeF() == base + 2
    assert editor.zoom == 2
    editor.set_zoom(1000)
    assert editor.zoom == 24
    editor.reset_zoom()
    assert editor.editor.font().pointSizeF() == base


def test_undo_redo(qtbot, editor) -> None:
    editor.editor.setFocus()
    qtbot.keyClicks(editor.editor, "Draft")
    editor.editor.undo()
    assert editor.editor.toPlainText() == ""
    editor.editor.redo()
    assert editor.editor.toPlainText() == "Draft"
