"""The outline (issue 13, chapters) in the real window: View ▸ Outline lists the chapters with
their paragraph counts; a click jumps the editor there; F2 or a double-click renames in place;
a drag moves a chapter's paragraphs in the text as one undo step with their blocks and takes;
the Chapter menu splits at the cursor and merges with the previous chapter (keys listed in F1);
with no chapters the panel says how to make them; the dock is remembered with the layout."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit

from studio.ui.outline_model import LENGTH, PARAGRAPHS, STATUS, TITLE
from studio.ui.outline_panel import EMPTY_TEXT
from studio.ui.shortcuts_help import shortcut_table
from tests.ui.outline_support import chaptered, click_row, drop_row, open_outline, row_center, titles
from tests.ui.takes_support import described_take

CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier


def _undo(qtbot: Any, window: Any) -> None:
    qtbot.keyClick(window.script.editor, Qt.Key.Key_Z, CTRL)


def _redo(qtbot: Any, window: Any) -> None:
    qtbot.keyClick(window.script.editor, Qt.Key.Key_Z, CTRL | SHIFT)


def test_the_outline_lists_chapters_and_its_model_is_sound(qtbot: Any, qtmodeltester: Any, make_window: Any) -> None:
    window = make_window()
    outline = open_outline(qtbot, window, chaptered(3, 2, opening=["Before any chapter."]))
    model = outline.model
    shown = [[model.index(r, c).data() for c in (TITLE, PARAGRAPHS)] for r in range(model.rowCount())]
    assert shown == [["(Opening)", "1"], ["Chapter 1", "3"], ["Chapter 2", "3"], ["Chapter 3", "3"]]
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(4)] == ["Chapter", "Paragraphs", "Length",
                                                                                   "Status"]
    # No engine here: nothing planned, so no length or status is claimed.
    assert model.index(1, LENGTH).data() == "" and model.index(1, STATUS).data() == ""
    view = outline.panel.view
    assert view.isVisible() and view.visualRect(model.index(3, TITLE)).bottom() < view.viewport().height()
    qtmodeltester.check(model)  # Qt's own QAbstractItemModelTester, watching from here on
    # Typing follows: a new paragraph in chapter 2 is counted once the script follows the editor.
    editor = window.script.editor
    editor.moveCursor(editor.textCursor().MoveOperation.End)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.keyClicks(editor, "One more.")
    qtbot.waitUntil(lambda: model.index(3, PARAGRAPHS).data() == "4", timeout=5000)


def test_without_chapters_the_panel_says_how_to_make_them(qtbot: Any, make_window: Any) -> None:
    window = make_window()
    window.script.editor.setPlainText("Just a script.\n\nNo headings.")
    outline = open_outline(qtbot, window)
    panel = outline.panel
    qtbot.waitUntil(lambda: panel.empty.isVisible(), timeout=5000)
    assert panel.empty.text() == EMPTY_TEXT and "Import Book" in EMPTY_TEXT and "Chapter 1" in EMPTY_TEXT
    assert not panel.view.isVisible()
    # Where the person looks: the sentence sits inside the dock, wrapped, not cut off.
    assert outline.dock.rect().contains(panel.empty.geometry().translated(panel.mapTo(outline.dock, panel.rect().topLeft())))
    assert panel.empty.height() >= panel.empty.heightForWidth(panel.empty.width())
    # A chapter appears: the list replaces the sentence.
    window.project.adopt(window.files.snapshot().with_document(chaptered(2, 1)))
    qtbot.waitUntil(lambda: panel.view.isVisible(), timeout=5000)
    assert not panel.empty.isVisible()


def test_a_click_jumps_to_the_chapter_and_scrolls_it_to_the_top(qtbot: Any, make_window: Any) -> None:
    window = make_window()
    outline = open_outline(qtbot, window, chaptered(3, 25))
    editor = window.script.editor
    assert editor.verticalScrollBar().maximum() > 0  # long enough to need scrolling
    click_row(qtbot, outline, 2)
    chapter = window.document.script.chapters()[2]
    start = window.document.span_of(chapter.first_block)[0]
    assert editor.textCursor().position() == start
    assert editor.textCursor().block().text() == "Chapter 3"
    # Scrolled into view, at the top: the heading is the first line the person sees.
    assert editor.firstVisibleBlock().text() == "Chapter 3"
    assert 0 <= editor.cursorRect().top() < editor.viewport().height() // 4
    click_row(qtbot, outline, 0)
    assert editor.textCursor().position() == 0 and editor.firstVisibleBlock().blockNumber() == 0


def test_rename_in_place_is_one_undo_step_in_order_with_typing(qtbot: Any, make_window: Any) -> None:
    window = make_window()
    outline = open_outline(qtbot, window, chaptered(2, 1))
    editor = window.script.editor
    view = outline.panel.view
    click_row(qtbot, outline, 1)
    qtbot.keyClick(view, Qt.Key.Key_F2)
    line = QApplication.focusWidget()
    assert isinstance(line, QLineEdit) and line.text() == "Chapter 2"
    line.selectAll()
    qtbot.keyClicks(line, "The Sea")
    qtbot.keyClick(line, Qt.Key.Key_Return)  # the view commits it just after the key
    qtbot.waitUntil(lambda: titles(window) == ["Chapter 1", "The Sea"], timeout=5000)
    assert outline.model.index(1, TITLE).data() == "The Sea"
    assert window.project.dirty  # a title is work to save
    assert window.undo_action.isEnabled()
    # Typing after the rename: the first Ctrl+Z takes the typing back, the second the rename.
    editor.setFocus()
    editor.moveCursor(editor.textCursor().MoveOperation.End)
    qtbot.keyClicks(editor, "Waves")  # one word: one undo step
    text_after = editor.toPlainText()
    _undo(qtbot, window)
    assert editor.toPlainText() != text_after and titles(window) == ["Chapter 1", "The Sea"]
    _undo(qtbot, window)
    assert titles(window) == ["Chapter 1", "Chapter 2"] and outline.model.index(1, TITLE).data() == "Chapter 2"
    _redo(qtbot, window)
    assert titles(window) == ["Chapter 1", "The Sea"]
    _redo(qtbot, window)
    assert editor.toPlainText() == text_after
    # A double-click opens the title too.
    # A double-click as the mouse makes it: a click, then the second press (QTest's DClick).
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=row_center(outline, 0))
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=row_center(outline, 0))
    line = QApplication.focusWidget()
    assert isinstance(line, QLineEdit) and line.text() == "Chapter 1"
    qtbot.keyClick(line, Qt.Key.Key_Escape)
    assert titles(window) == ["Chapter 1", "The Sea"]


@pytest.mark.parametrize("below", [False, True])
def test_dragging_a_chapter_moves_its_paragraphs_with_their_takes_as_one_undo_step(
        qtbot: Any, qtmodeltester: Any, make_window: Any, below: bool) -> None:
    window = make_window()
    script = chaptered(3, 2)
    for n, block in enumerate(script.blocks):  # every paragraph has a take (and one is locked)
        block.add_take(described_take(block.text, f"{n + 1:08x}"))
    script.blocks[5].locked = True
    outline = open_outline(qtbot, window, script)
    qtmodeltester.check(outline.model)  # and it watches the move's signals
    editor = window.script.editor
    before_text = editor.toPlainText()
    before = [(b.id, b.text, b.takes[:], b.chosen_take_id, b.locked) for b in window.document.script]
    # Chapter 3 dropped on the top edge of chapter 1 (or chapter 1 below chapter 3).
    assert drop_row(outline, 2, 0) if not below else drop_row(outline, 0, 2, below=True)
    expected = ["Chapter 3", "Chapter 1", "Chapter 2"] if not below else ["Chapter 2", "Chapter 3", "Chapter 1"]
    assert titles(window) == expected
    assert [outline.model.index(r, TITLE).data() for r in range(3)] == expected
    heads = [line for line in editor.toPlainText().split("\n\n") if line.startswith("Chapter")]
    assert heads == expected  # the text itself moved
    # Every paragraph kept its block: id, takes, choice and lock.
    after = {b.id: (b.id, b.text, b.takes, b.chosen_take_id, b.locked) for b in window.document.script}
    assert sorted(after.values(), key=str) == sorted(before, key=str)
    assert window.project.dirty
    # The moved chapter is selected and the editor's cursor is at its heading.
    assert editor.textCursor().block().text() == expected[0 if not below else 2]
    _undo(qtbot, window)  # one Ctrl+Z takes the whole move back
    assert editor.toPlainText() == before_text
    assert [(b.id, b.text, b.takes, b.chosen_take_id, b.locked) for b in window.document.script] == before
    assert titles(window) == ["Chapter 1", "Chapter 2", "Chapter 3"]
    _redo(qtbot, window)
    assert titles(window) == expected and sorted(
        ((b.id, b.text, b.takes, b.chosen_take_id, b.locked) for b in window.document.script), key=str) == sorted(
        before, key=str)


def test_the_opening_moved_away_becomes_a_chapter_of_its_own(qtbot: Any, make_window: Any) -> None:
    window = make_window()
    outline = open_outline(qtbot, window, chaptered(2, 1, opening=["A foreword."]))
    assert drop_row(outline, 0, 2, below=True)
    assert titles(window) == ["Chapter 1", "Chapter 2", "Untitled chapter"]
    assert window.script.editor.toPlainText().endswith("A foreword.")
    _undo(qtbot, window)
    assert titles(window) == ["", "Chapter 1", "Chapter 2"]  # the opening is untitled again


def test_split_at_the_cursor_and_merge_with_the_chapter_menu_keys(qtbot: Any, make_window: Any) -> None:
    window = make_window()
    outline = open_outline(qtbot, window, chaptered(2, 3))
    editor = window.script.editor
    editor.setFocus()
    # The cursor in the second paragraph of chapter 1.
    cursor = editor.textCursor()
    cursor.setPosition(window.document.span_of(2)[0] + 5)
    editor.setTextCursor(cursor)
    qtbot.keyClick(editor, Qt.Key.Key_L, CTRL | SHIFT)  # Chapter ▸ Split Chapter Here
    assert len(window.document.script.chapters()) == 3
    # The new chapter's title is open for typing at once, in the outline.
    line = QApplication.focusWidget()
    assert isinstance(line, QLineEdit) and outline.dock.isAncestorOf(line)
    line.selectAll()
    qtbot.keyClicks(line, "Interlude")
    qtbot.keyClick(line, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: titles(window) == ["Chapter 1", "Interlude", "Chapter 2"], timeout=5000)
    assert [len(c) for c in window.document.script.chapters()] == [2, 2, 4]
    assert editor.toPlainText() == window.document.script.text  # no text changed
    # Merge "Interlude" into Chapter 1 from the editor (the cursor is still in it).
    editor.setFocus()
    qtbot.keyClick(editor, Qt.Key.Key_M, CTRL | SHIFT)  # Chapter ▸ Merge with Previous Chapter
    assert titles(window) == ["Chapter 1", "Chapter 2"]
    _undo(qtbot, window)
    assert titles(window) == ["Chapter 1", "Interlude", "Chapter 2"]
    _undo(qtbot, window)  # the rename: the split's own title comes back
    assert titles(window) == ["Chapter 1", "Chapter 2", "Chapter 2"]
    _undo(qtbot, window)  # the split
    assert titles(window) == ["Chapter 1", "Chapter 2"]
    assert editor.document().availableUndoSteps() == 0  # none of it was a text step
    # The first chapter has nothing before it: the status bar says so and nothing changes.
    cursor.setPosition(0)
    editor.setTextCursor(cursor)
    qtbot.keyClick(editor, Qt.Key.Key_M, CTRL | SHIFT)
    assert "first chapter" in window.status.currentMessage()


def test_the_chapter_menu_and_its_keys_are_in_the_f1_help(qtbot: Any, make_window: Any) -> None:
    window = make_window()
    groups = dict(shortcut_table(window))
    chapter = dict((what, keys) for keys, what in groups["Chapter"])
    assert chapter == {"Play from Chapter": "Alt+Shift+Return", "Rename Chapter": "Ctrl+Shift+R",
                       "Split Chapter Here": "Ctrl+Shift+L", "Merge with Previous Chapter": "Ctrl+Shift+M"}
    assert ("Ctrl+Shift+O", "Outline") in groups["View"]
    menus = [a.text() for a in window.menuBar().actions()]
    assert menus.index("&Chapter") == menus.index("P&aragraph") + 1


def test_the_context_menu_lists_its_entries_and_renames(qtbot: Any, make_window: Any) -> None:
    window = make_window()
    outline = open_outline(qtbot, window, chaptered(2, 1))
    view = outline.panel.view
    view.customContextMenuRequested.emit(row_center(outline, 0))  # as a right-click on chapter 1
    menu = outline.panel.menu
    assert [a.text() for a in menu.actions()] == ["&Go to Chapter", "&Play from Here", "&Rename…",
                                                  "&Merge with Previous", "&Queue for Export…"]
    assert not menu.actions()[3].isEnabled()  # the first chapter has no chapter before it
    menu.actions()[2].trigger()
    line = QApplication.focusWidget()
    assert isinstance(line, QLineEdit) and line.text() == "Chapter 1"
    qtbot.keyClick(line, Qt.Key.Key_Escape)
    menu.close()


def test_queue_for_export_opens_export_chapters_with_that_chapter_ticked(qtbot: Any, make_window: Any) -> None:
    window = make_window()
    outline = open_outline(qtbot, window, chaptered(3, 1))
    outline.panel.view.customContextMenuRequested.emit(row_center(outline, 1))  # a right-click on chapter 2
    menu = outline.panel.menu
    queue = next(a for a in menu.actions() if a.text() == "&Queue for Export…")
    queue.trigger()
    dialog = window.render_queue.dialog
    qtbot.waitUntil(lambda: dialog is not None and dialog.isVisible(), timeout=5000)
    assert dialog.chapter_ids() == [window.document.script.chapters()[1].id]
    dialog.reject()
    menu.close()


def test_the_outline_dock_is_remembered_with_the_window_layout(qtbot: Any, make_window: Any) -> None:
    window = make_window()
    open_outline(qtbot, window)
    window.save_ui_state()
    again = make_window()
    assert again.outline.dock.isVisible()


def test_a_heading_typed_in_the_script_makes_a_chapter(qtbot: Any, make_window: Any) -> None:
    window = make_window()
    outline = open_outline(qtbot, window)
    panel = outline.panel
    assert panel.empty.isVisible()
    editor = window.script.editor
    editor.setFocus()
    for n, line in enumerate(["A note first.", "Chapter 1", "The sea was calm.", "Chapter 2", "Morning came."]):
        if n:
            qtbot.keyClick(editor, Qt.Key.Key_Return)
            qtbot.keyClick(editor, Qt.Key.Key_Return)
        qtbot.keyClicks(editor, line)
    qtbot.waitUntil(lambda: panel.view.isVisible(), timeout=5000)
    qtbot.waitUntil(lambda: titles(window) == ["", "Chapter 1", "Chapter 2"], timeout=5000)
    assert [outline.model.index(r, TITLE).data() for r in range(3)] == ["(Opening)", "Chapter 1", "Chapter 2"]
    # Editing the heading renames its chapter; a title chosen in the outline stays as chosen.
    cursor = editor.textCursor()
    cursor.setPosition(editor.toPlainText().index("Chapter 2") + len("Chapter 2"))
    editor.setTextCursor(cursor)
    qtbot.keyClicks(editor, ": Dawn")
    qtbot.waitUntil(lambda: titles(window) == ["", "Chapter 1", "Chapter 2: Dawn"], timeout=5000)
    assert outline.rename(window.document.script.chapters()[1].id, "The Sea")
    cursor.setPosition(editor.toPlainText().index("Chapter 1") + len("Chapter 1"))
    editor.setTextCursor(cursor)
    qtbot.keyClicks(editor, "!")
    window.document.sync()
    assert titles(window) == ["", "The Sea", "Chapter 2: Dawn"]
