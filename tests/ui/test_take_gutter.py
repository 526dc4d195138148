"""The takes gutter in the real window: a mark at each paragraph's first line, painted from the document."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QColor, QHelpEvent, QImage, QTextCursor
from PySide6.QtWidgets import QApplication, QMenu, QToolTip

from studio.ui.take_marks import MarkKind, mark_of
from studio.ui.theme import stylesheet_for
from tests.ui.conftest import activate
from tests.ui.takes_support import described_take

PARAGRAPHS = [
    "No take has been made of this one.",
    "This one has its take.",
    "This one has two takes to compare.",
    "This one was edited after its take.",
    "* * *",
    "A locked paragraph with its take.",
]


def _window_with_takes(make_window: Any) -> Any:
    window = make_window()
    window.script.editor.setPlainText("\n\n".join(PARAGRAPHS))
    doc = window.document
    doc.sync()
    blocks = doc.script.blocks
    doc.add_take(blocks[1].id, described_take(PARAGRAPHS[1], "a1" * 4, credit_cost=12, request_id="req-one"))
    doc.add_take(blocks[2].id, described_take(PARAGRAPHS[2], "b1" * 4))
    doc.add_take(blocks[2].id, described_take(PARAGRAPHS[2], "b2" * 4))
    doc.step_take(blocks[2].id, -1)  # take 1 of 2 chosen
    doc.add_take(blocks[3].id, described_take("Its words before the edit.", "c1" * 4))
    doc.add_take(blocks[5].id, described_take(PARAGRAPHS[5], "d1" * 4))
    doc.set_locked(blocks[5].id, True)
    QApplication.processEvents()
    return window


def _line_top(editor: Any, position: int) -> int:
    cursor = QTextCursor(editor.document())
    cursor.setPosition(position)
    return editor.cursorRect(cursor).top()


def _pixels_like(image: QImage, colour: QColor, top: float, bottom: float, left: int = 0, right: int | None = None) -> int:
    right = image.width() if right is None else right
    count = 0
    for y in range(max(0, int(top)), min(image.height(), int(bottom) + 1)):
        for x in range(left, right):
            pixel = image.pixelColor(x, y)
            if (abs(pixel.red() - colour.red()) + abs(pixel.green() - colour.green())
                    + abs(pixel.blue() - colour.blue())) < 40:
                count += 1
    return count


def test_each_paragraph_has_a_mark_at_its_first_line_saying_what_its_takes_are(qtbot: Any, make_window: Any) -> None:
    window = _window_with_takes(make_window)
    gutter = window.takes.gutter
    editor = window.script.editor
    marks = gutter.visible_marks()
    assert [index for index, _row in marks] == list(range(len(PARAGRAPHS)))
    text = editor.toPlainText()
    for index, row in marks:
        assert abs(row.top() - _line_top(editor, text.index(PARAGRAPHS[index]))) <= 2
    blocks = window.document.script.blocks
    assert [mark_of(b).kind for b in blocks] == [MarkKind.EMPTY, MarkKind.CURRENT, MarkKind.CURRENT, MarkKind.STALE,
                                                  MarkKind.SILENT, MarkKind.CURRENT]
    assert [mark_of(b).label for b in blocks] == ["", "1/1", "1/2", "1/1", "", "1/1"]
    assert [mark_of(b).locked for b in blocks] == [False] * 5 + [True]

    # What is painted: the current colour where the chosen take is current, the "needs
    # generating" colour where the text changed, neither where there is no take; a lock.
    image = gutter.grab().toImage()
    rows = dict(marks)
    current, stale, lock = gutter.currentColor, gutter.staleColor, gutter.lockColor
    assert current != stale
    for index in (1, 2, 5):
        assert _pixels_like(image, current, rows[index].top(), rows[index].bottom()) > 10
    assert _pixels_like(image, stale, rows[3].top(), rows[3].bottom()) > 10
    assert _pixels_like(image, current, rows[3].top(), rows[3].bottom()) == 0
    for index in (0, 4):
        assert _pixels_like(image, current, rows[index].top(), rows[index].bottom()) == 0
        assert _pixels_like(image, stale, rows[index].top(), rows[index].bottom()) == 0
    lock_box = gutter._lock_width() + 4
    assert _pixels_like(image, lock, rows[5].top(), rows[5].bottom(), 0, lock_box) > 5
    assert _pixels_like(image, lock, rows[1].top(), rows[1].bottom(), 0, lock_box) == 0

    # The accessible description reads the mark of the paragraph at the cursor.
    cursor = editor.textCursor()
    cursor.setPosition(text.index(PARAGRAPHS[2]) + 3)
    editor.setTextCursor(cursor)
    assert gutter.accessibleDescription() == "Paragraph 3: take 1 of 2"
    cursor.setPosition(text.index(PARAGRAPHS[3]))
    editor.setTextCursor(cursor)
    assert gutter.accessibleDescription() == "Paragraph 4: take 1 of 1, needs generating (its text changed)"


def test_a_new_take_repaints_its_mark(qtbot: Any, make_window: Any) -> None:
    window = _window_with_takes(make_window)
    gutter = window.takes.gutter
    row = dict(gutter.visible_marks())[0]
    before = _pixels_like(gutter.grab().toImage(), gutter.currentColor, row.top(), row.bottom())
    block = window.document.script.blocks[0]
    window.document.add_take(block.id, described_take(block.text, "e1" * 4))
    qtbot.waitUntil(lambda: _pixels_like(gutter.grab().toImage(), gutter.currentColor, row.top(), row.bottom())
                    > before + 10, timeout=2000)


def test_marks_stay_on_their_lines_while_typing_above_them(qtbot: Any, make_window: Any) -> None:
    window = _window_with_takes(make_window)
    editor = window.script.editor
    activate(qtbot, window)
    cursor = editor.textCursor()
    cursor.setPosition(len(PARAGRAPHS[0]))  # at the end of the first paragraph
    editor.setTextCursor(cursor)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.keyClicks(editor, "A new paragraph typed in between")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert window.document.pending  # the document has not followed the typing yet
    text = editor.toPlainText()
    marks = dict(window.takes.gutter.visible_marks())
    for index in range(1, len(PARAGRAPHS)):
        assert abs(marks[index].top() - _line_top(editor, text.index(PARAGRAPHS[index]))) <= 2, index
    # Once it has, the typed paragraph is a block of its own with no takes, and the others keep theirs.
    window.document.sync()
    QApplication.processEvents()
    blocks = window.document.script.blocks
    assert len(blocks) == len(PARAGRAPHS) + 1 and blocks[1].text == "A new paragraph typed in between"
    assert mark_of(blocks[1]).kind is MarkKind.EMPTY and mark_of(blocks[2]).label == "1/1"
    assert [i for i, _row in window.takes.gutter.visible_marks()] == list(range(len(PARAGRAPHS) + 1))


def test_hovering_a_mark_tells_the_takes_voice_model_time_credits_and_request_id(qtbot: Any, make_window: Any) -> None:
    window = _window_with_takes(make_window)
    gutter = window.takes.gutter
    row = dict(gutter.visible_marks())[1]
    where = QPoint(10, int(row.center().y()))
    QApplication.sendEvent(gutter, QHelpEvent(QEvent.Type.ToolTip, where, gutter.mapToGlobal(where)))
    qtbot.waitUntil(QToolTip.isVisible, timeout=2000)
    tip = QToolTip.text()
    assert tip.startswith("Paragraph 2: take 1 of 1")
    for fact in ("Voice: joe", "Model: offline-model on offline", "Made: ", "Credits: 12", "Request id: req-one"):
        assert fact in tip
    empty = dict(gutter.visible_marks())[0]
    where = QPoint(10, int(empty.center().y()))
    QApplication.sendEvent(gutter, QHelpEvent(QEvent.Type.ToolTip, where, gutter.mapToGlobal(where)))
    qtbot.waitUntil(lambda: QToolTip.text().startswith("Paragraph 1: no takes yet"), timeout=2000)
    assert "Ctrl+R" in QToolTip.text()


def test_clicking_a_mark_opens_the_paragraph_menu_for_that_paragraph(qtbot: Any, make_window: Any) -> None:
    window = _window_with_takes(make_window)
    gutter = window.takes.gutter
    row = dict(gutter.visible_marks())[2]
    qtbot.mouseClick(gutter, Qt.MouseButton.LeftButton, pos=QPoint(10, int(row.center().y())))
    qtbot.waitUntil(lambda: isinstance(QApplication.activePopupWidget(), QMenu), timeout=2000)
    menu = QApplication.activePopupWidget()
    texts = [a.text().replace("&", "") for a in menu.actions() if not a.isSeparator()]
    assert texts == ["Play Paragraph", "Regenerate Paragraph", "Previous Take", "Next Take", "Takes", "Speaker",
                     "Lock Paragraph"]  # Speaker: issue 11
    assert window.takes.actions.current_index() == 2  # the cursor went to the paragraph clicked
    block = window.document.script.blocks[2]
    first = block.chosen_take_id
    next_take = next(a for a in menu.actions() if a.text() == "&Next Take")
    next_take.trigger()
    assert block.chosen_take_id != first and block.chosen_take_id in [t.id for t in block.takes]
    menu.close()


def test_a_200000_character_script_paints_only_the_lines_on_screen(qtbot: Any, make_window: Any) -> None:
    window = make_window()
    editor = window.script.editor
    paragraphs = [f"Paragraph {i}: " + "words that fill a line of the script " * 2 for i in range(2300)]
    editor.setPlainText("\n\n".join(paragraphs))
    assert len(editor.toPlainText()) > 200_000
    window.document.sync()
    blocks = window.document.script.blocks
    window.document.add_take(blocks[1200].id, described_take(blocks[1200].text, "f1" * 4))
    cursor = editor.textCursor()
    cursor.setPosition(editor.toPlainText().index(paragraphs[1200]))
    editor.setTextCursor(cursor)
    editor.centerCursor()
    QApplication.processEvents()
    gutter = window.takes.gutter
    painted: list[int] = []
    real_paint = gutter._paint_mark
    gutter._paint_mark = lambda painter, row, mark: (painted.append(mark.total), real_paint(painter, row, mark))
    gutter.repaint()
    indices = [i for i, _row in gutter.visible_marks()]
    assert 1200 in indices and len(indices) < 60
    assert indices == list(range(indices[0], indices[-1] + 1))
    assert 0 < len(painted) <= len(indices) + 1  # only what is on screen was painted
    assert 1 in painted  # paragraph 1200's "1/1"
    assert dict(zip(indices, (mark_of(blocks[i]).label for i in indices), strict=True))[1200] == "1/1"


def test_the_gutter_colours_follow_the_light_and_dark_themes(qtbot: Any, make_window: Any) -> None:
    window = _window_with_takes(make_window)
    gutter = window.takes.gutter
    app = QApplication.instance()
    old = app.styleSheet()
    try:
        app.setStyleSheet(stylesheet_for(dark=True))
        gutter.ensurePolished()
        qtbot.waitUntil(lambda: gutter.staleColor == QColor("#ffb74d"), timeout=2000)
        dark_current = QColor(gutter.currentColor)
        app.setStyleSheet(stylesheet_for(dark=False))
        qtbot.waitUntil(lambda: gutter.staleColor == QColor("#a85d00"), timeout=2000)
        assert gutter.currentColor != dark_current
    finally:
        app.setStyleSheet(old)
