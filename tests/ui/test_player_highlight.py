"""The speech highlight in the editor: two shades, kept in view, never against the person."""

from __future__ import annotations

from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QPlainTextEdit

from studio.ui.highlight import SpeechHighlighter

LINES = [f"Line number {n} of a long script." for n in range(300)]


def _editor(qtbot) -> QPlainTextEdit:
    editor = QPlainTextEdit()
    editor.setPlainText("\n".join(LINES))
    editor.resize(400, 200)
    qtbot.addWidget(editor)
    editor.show()
    return editor


def _position_of_line(n: int) -> int:
    return sum(len(line) + 1 for line in LINES[:n])


def _visible(editor: QPlainTextEdit, position: int) -> bool:
    cursor = QTextCursor(editor.document())
    cursor.setPosition(position)
    rect = editor.cursorRect(cursor)
    return 0 <= rect.top() and rect.bottom() <= editor.viewport().height()


def test_highlight_is_kept_in_view_without_moving_the_text_cursor(qtbot) -> None:
    editor = _editor(qtbot)
    highlighter = SpeechHighlighter(editor)
    target = _position_of_line(150)
    highlighter.show((target, target + 1), (target, target + 4))
    assert _visible(editor, target)
    assert editor.textCursor().position() == 0
    selections = editor.extraSelections()
    assert [s.cursor.selectedText() for s in selections] == ["Line", "L"]


def test_no_auto_scroll_for_a_while_after_the_person_scrolls(qtbot) -> None:
    editor = _editor(qtbot)
    highlighter = SpeechHighlighter(editor)
    editor.verticalScrollBar().setValue(10)  # the person scrolls to read something
    target = _position_of_line(200)
    highlighter.show((target, target + 1), None)
    assert editor.verticalScrollBar().value() == 10
    assert not _visible(editor, target)
    # After the grace period the highlight is brought back into view.
    highlighter._last_user_scroll -= SpeechHighlighter.USER_SCROLL_GRACE_S + 0.1
    later = target + 5
    highlighter.show((later, later + 1), None)
    assert _visible(editor, later)
    assert not highlighter.user_scrolled_recently()  # our own scrolling does not count as theirs


def test_other_selections_are_kept_under_the_highlight(qtbot) -> None:
    from PySide6.QtWidgets import QTextEdit

    editor = _editor(qtbot)
    highlighter = SpeechHighlighter(editor)
    mine = QTextEdit.ExtraSelection()
    cursor = QTextCursor(editor.document())
    cursor.setPosition(5)
    cursor.setPosition(11, QTextCursor.MoveMode.KeepAnchor)
    mine.cursor = cursor
    highlighter.set_other_selections([mine])
    highlighter.show((0, 1), (0, 4))
    assert [s.cursor.selectedText() for s in editor.extraSelections()] == ["number", "Line", "L"]
    highlighter.clear()
    assert [s.cursor.selectedText() for s in editor.extraSelections()] == ["number"]


def test_inside_a_selection_the_word_is_drawn_over_it_and_the_editor_is_given_back(qtbot) -> None:
    from PySide6.QtCore import Qt

    editor = _editor(qtbot)
    assert not editor.testAttribute(Qt.WidgetAttribute.WA_SetPalette)  # it follows the app's palette
    cursor = editor.textCursor()
    cursor.setPosition(0)
    cursor.setPosition(20, QTextCursor.MoveMode.KeepAnchor)
    editor.setTextCursor(cursor)
    highlighter = SpeechHighlighter(editor)
    highlighter.show((5, 6), (5, 11))
    assert highlighter.inside_selection
    # The selection is drawn under the word (an extra selection), the editor's own made transparent.
    shown = editor.extraSelections()
    assert [s.cursor.selectedText() for s in shown] == [LINES[0][:20], "number", "n"]
    assert shown[1].format.background().color() != shown[0].format.background().color()
    highlighter.show((40, 41), (40, 44))  # outside the selection: everything as usual
    assert not highlighter.inside_selection
    assert not editor.testAttribute(Qt.WidgetAttribute.WA_SetPalette)
    highlighter.show((5, 6), (5, 11))
    highlighter.clear()
    assert not highlighter.inside_selection and editor.extraSelections() == []
    assert not editor.testAttribute(Qt.WidgetAttribute.WA_SetPalette)  # it follows the theme again
