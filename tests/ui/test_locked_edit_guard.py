"""Editing a locked paragraph asks first, whatever does the editing (real keys, menus, drops, IME)."""

from __future__ import annotations

from typing import Any

import pytest

from PySide6.QtCore import QMimeData, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent, QGuiApplication, QInputMethodEvent, QTextCursor
from PySide6.QtWidgets import QApplication

from tests.ui.conftest import activate
from tests.ui.takes_support import CTRL, LockQuestions, described_take, lock_questions  # noqa: F401 - fixture

LOCKED = "The locked paragraph keeps its take."
TEXT = f"An open paragraph before it.\n\n{LOCKED}\n\nAn open paragraph after it."


@pytest.fixture
def window(qtbot: Any, make_window: Any) -> Any:
    """A window whose script's second paragraph has a take and is locked, the focus in the script."""
    window = make_window()
    editor = window.script.editor
    editor.setPlainText(TEXT)
    window.document.sync()
    block = window.document.script.blocks[1]
    window.document.add_take(block.id, described_take(LOCKED, "a1a1a1a1"))
    window.document.set_locked(block.id, True)
    activate(qtbot, window)
    return window


def _at(editor: Any, position: int, anchor: int | None = None) -> None:
    cursor = editor.textCursor()
    cursor.setPosition(position if anchor is None else anchor)
    if anchor is not None:
        cursor.setPosition(position, QTextCursor.MoveMode.KeepAnchor)
    editor.setTextCursor(cursor)


def _locked(window: Any) -> Any:
    window.document.sync()
    return next(b for b in window.document.script.blocks if b.takes)


def test_typing_into_a_locked_paragraph_asks_and_keep_leaves_the_text_alone(
    qtbot: Any, window: Any, lock_questions: LockQuestions,
) -> None:
    editor = window.script.editor
    _at(editor, TEXT.index(LOCKED) + 4)
    qtbot.keyClick(editor, Qt.Key.Key_X)
    assert lock_questions.asked == ["Paragraph 2 is locked."]
    assert editor.toPlainText() == TEXT
    assert _locked(window).locked
    for key in (Qt.Key.Key_Backspace, Qt.Key.Key_Delete, Qt.Key.Key_Return):
        qtbot.keyClick(editor, key)
    assert len(lock_questions.asked) == 4 and editor.toPlainText() == TEXT


def test_unlock_and_edit_unlocks_and_types_keeping_the_takes(
    qtbot: Any, window: Any, lock_questions: LockQuestions,
) -> None:
    editor = window.script.editor
    _at(editor, TEXT.index(LOCKED) + len("The"))
    lock_questions.unlock = True
    qtbot.keyClicks(editor, " old")  # asked once: after unlocking, the rest types on
    assert editor.toPlainText() == TEXT.replace("The locked", "The old locked")
    block = _locked(window)
    assert not block.locked and block.text == "The old locked paragraph keeps its take."
    assert [t.id for t in block.takes] == ["a1a1a1a1"] and len(lock_questions.asked) == 1


def test_edits_beside_a_locked_paragraph_that_leave_it_whole_ask_nothing(
    qtbot: Any, window: Any, lock_questions: LockQuestions,
) -> None:
    editor = window.script.editor
    _at(editor, TEXT.index("before it.") + len("before it."))
    qtbot.keyClicks(editor, " More")  # the paragraph before it
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # a new line right before the locked one ...
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # ... and a blank one: a new paragraph between
    qtbot.keyClicks(editor, "Inserted")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    start = editor.toPlainText().index(LOCKED)
    _at(editor, start)
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # Enter at its very start moves it down, unchanged
    _at(editor, editor.toPlainText().index(LOCKED) + len(LOCKED))
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # and at its end
    QApplication.processEvents()
    assert lock_questions.asked == []
    window.document.sync()
    texts = [b.text for b in window.document.script.blocks]
    assert texts == ["An open paragraph before it. More", "Inserted", LOCKED, "An open paragraph after it."]
    assert window.document.script.blocks[2].locked


def test_backspace_that_would_merge_a_locked_paragraph_into_the_one_before_asks(
    qtbot: Any, window: Any, lock_questions: LockQuestions,
) -> None:
    editor = window.script.editor
    start = TEXT.index(LOCKED)
    _at(editor, start)
    qtbot.keyClick(editor, Qt.Key.Key_Backspace)  # one newline left: the two would be one paragraph
    assert lock_questions.asked == ["Paragraph 2 is locked."] and editor.toPlainText() == TEXT
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # a second blank line before it: asks nothing ...
    qtbot.keyClick(editor, Qt.Key.Key_Backspace)  # ... nor taking it away again
    assert lock_questions.asked == ["Paragraph 2 is locked."] and editor.toPlainText() == TEXT
    qtbot.keyClick(editor, Qt.Key.Key_Backspace)
    assert len(lock_questions.asked) == 2 and editor.toPlainText() == TEXT


def test_paste_cut_and_the_edit_menu_ask_too(
    qtbot: Any, window: Any, lock_questions: LockQuestions,
) -> None:
    editor = window.script.editor
    start = TEXT.index(LOCKED)
    QGuiApplication.clipboard().setText("pasted words")
    _at(editor, start + 4)
    qtbot.keyClick(editor, Qt.Key.Key_V, CTRL)
    _at(editor, start + 10, anchor=start + 4)
    qtbot.keyClick(editor, Qt.Key.Key_X, CTRL)
    edit_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Edit")
    next(a for a in edit_menu.actions() if a.text() == "Cu&t").trigger()
    next(a for a in edit_menu.actions() if a.text() == "&Paste").trigger()
    assert len(lock_questions.asked) == 4
    assert editor.toPlainText() == TEXT
    # A selection across two paragraphs, typed over: asks, naming the locked one.
    _at(editor, start + 3, anchor=TEXT.index("before"))
    qtbot.keyClick(editor, Qt.Key.Key_Z)
    assert lock_questions.asked[-1] == "Paragraph 2 is locked." and editor.toPlainText() == TEXT


def _drop(editor: Any, where: QPointF, data: QMimeData) -> None:
    """What a drag from another program delivers: enter, move, drop."""
    viewport = editor.viewport()
    buttons, none = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    QApplication.sendEvent(viewport, QDragEnterEvent(where, Qt.DropAction.CopyAction, data, buttons, none))
    QApplication.sendEvent(viewport, QDragMoveEvent(where, Qt.DropAction.CopyAction, data, buttons, none))
    QApplication.sendEvent(viewport, QDropEvent(where, Qt.DropAction.CopyAction, data, buttons, none))


def test_dropping_text_into_a_locked_paragraph_asks(
    qtbot: Any, window: Any, lock_questions: LockQuestions,
) -> None:
    editor = window.script.editor
    cursor = editor.textCursor()
    cursor.setPosition(TEXT.index(LOCKED) + 6)
    where = QPointF(editor.cursorRect(cursor).center())
    data = QMimeData()
    data.setText("dropped")
    _drop(editor, where, data)
    assert lock_questions.asked == ["Paragraph 2 is locked."] and editor.toPlainText() == TEXT
    lock_questions.unlock = True
    _drop(editor, where, data)
    assert "dropped" in editor.toPlainText()
    assert not _locked(window).locked
    opened = editor.toPlainText()
    _drop(editor, QPointF(editor.cursorRect(QTextCursor(editor.document())).center()), data)  # an open paragraph
    assert editor.toPlainText() == "dropped" + opened and len(lock_questions.asked) == 2


def test_input_method_text_into_a_locked_paragraph_asks(
    qtbot: Any, window: Any, lock_questions: LockQuestions,
) -> None:
    editor = window.script.editor
    _at(editor, TEXT.index(LOCKED) + 4)
    event = QInputMethodEvent()
    event.setCommitString("é")
    QApplication.sendEvent(editor, event)
    assert lock_questions.asked == ["Paragraph 2 is locked."] and editor.toPlainText() == TEXT
    _at(editor, 3)  # an open paragraph: no question
    event = QInputMethodEvent()
    event.setCommitString("é")
    QApplication.sendEvent(editor, event)
    assert editor.toPlainText() == TEXT[:3] + "é" + TEXT[3:] and len(lock_questions.asked) == 1


def test_undo_that_would_change_a_locked_paragraph_asks_and_keep_takes_the_step_back(
    qtbot: Any, make_window: Any, lock_questions: LockQuestions,
) -> None:
    window = make_window()
    editor = window.script.editor
    editor.setPlainText(TEXT)
    activate(qtbot, window)
    _at(editor, TEXT.index(LOCKED) + len(LOCKED) - 1)
    qtbot.keyClicks(editor, " always")  # typed, then locked
    edited = TEXT.replace("its take.", "its take always.")
    assert editor.toPlainText() == edited
    window.document.sync()
    block = window.document.script.blocks[1]
    window.document.set_locked(block.id, True)
    qtbot.keyClick(editor, Qt.Key.Key_Z, CTRL)
    assert lock_questions.asked == ["Paragraph 2 is locked."]
    assert editor.toPlainText() == edited and block.locked
    window.undo_action.trigger()  # Edit ▸ Undo asks the same
    assert len(lock_questions.asked) == 2 and editor.toPlainText() == edited
    lock_questions.unlock = True
    qtbot.keyClick(editor, Qt.Key.Key_Z, CTRL)
    assert editor.toPlainText() == TEXT.replace("its take.", "its take .")  # one word-sized step back
    assert not block.locked and len(lock_questions.asked) == 3


def test_a_script_with_no_locked_paragraph_never_asks(
    qtbot: Any, make_window: Any, lock_questions: LockQuestions,
) -> None:
    window = make_window()
    editor = window.script.editor
    editor.setPlainText(TEXT)
    activate(qtbot, window)
    _at(editor, TEXT.index(LOCKED) + 4)
    qtbot.keyClicks(editor, "ok ")
    qtbot.keyClick(editor, Qt.Key.Key_Z, CTRL)
    assert QApplication.activeModalWidget() is None
    assert editor.toPlainText() == TEXT


def test_composing_over_a_selection_in_a_locked_paragraph_asks_once_per_composition(
    qtbot: Any, window: Any, lock_questions: LockQuestions,
) -> None:
    editor = window.script.editor
    start = TEXT.index(LOCKED)
    _at(editor, start + 10, anchor=start + 4)
    for preedit in ("k", "ka", "kan"):  # an input method composing over the selection
        QApplication.sendEvent(editor, QInputMethodEvent(preedit, []))
    assert lock_questions.asked == ["Paragraph 2 is locked."]
    QApplication.sendEvent(editor, QInputMethodEvent("", []))  # the composition ends
    assert editor.toPlainText() == TEXT and len(lock_questions.asked) == 1
    QApplication.sendEvent(editor, QInputMethodEvent("k", []))  # a new one asks again
    assert len(lock_questions.asked) == 2


def test_undo_in_an_open_paragraph_beside_a_locked_one_asks_nothing(
    qtbot: Any, window: Any, lock_questions: LockQuestions,
) -> None:
    editor = window.script.editor
    _at(editor, TEXT.index("after it") + len("after it"))
    qtbot.keyClicks(editor, " too")
    qtbot.keyClick(editor, Qt.Key.Key_Z, CTRL)
    qtbot.keyClick(editor, Qt.Key.Key_Z, CTRL)
    assert editor.toPlainText() == TEXT and lock_questions.asked == []
    qtbot.keyClick(editor, Qt.Key.Key_Y, CTRL)  # and redo
    assert editor.toPlainText() != TEXT and lock_questions.asked == []


def test_characters_beyond_the_basic_plane_before_a_locked_paragraph_do_not_confuse_it(
    qtbot: Any, make_window: Any, lock_questions: LockQuestions,
) -> None:
    window = make_window()
    editor = window.script.editor
    text = "🎙️ Studio 🎧 notes 🎬.\n\n" + LOCKED + "\n\nLast 🎉 words."
    editor.setPlainText(text)
    window.document.sync()
    block = window.document.script.blocks[1]
    window.document.set_locked(block.id, True)
    activate(qtbot, window)
    document_start = editor.document().find(LOCKED).selectionStart()  # counted in UTF-16 units
    assert document_start != text.index(LOCKED)
    _at(editor, document_start + len(LOCKED))  # its very end: typing there changes it
    qtbot.keyClick(editor, Qt.Key.Key_S)
    assert lock_questions.asked == ["Paragraph 2 is locked."] and editor.toPlainText() == text
    _at(editor, editor.document().find("Last").selectionStart() + 4)
    qtbot.keyClicks(editor, "ing")
    _at(editor, 5)
    qtbot.keyClicks(editor, "x")
    assert len(lock_questions.asked) == 1 and "Lasting" in editor.toPlainText()
    marks = dict(window.takes.gutter.visible_marks())
    cursor = QTextCursor(editor.document())
    cursor.setPosition(editor.document().find(LOCKED).selectionStart())
    assert abs(marks[1].top() - editor.cursorRect(cursor).top()) <= 2
