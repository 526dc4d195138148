"""Helpers for the outline tests: a chaptered script in a real window, rows to click and drop on."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from studio.core.script import Block, Script
from studio.ui.outline_model import TITLE
from tests.ui.conftest import activate


def chaptered(chapters: int = 3, paragraphs: int = 3, opening: list[str] | None = None) -> Script:
    """``Chapter n`` headings (a heading paragraph that is the chapter's title, as an import makes)."""
    blocks = [Block(text) for text in opening or []]
    for n in range(1, chapters + 1):
        blocks.append(Block(f"Chapter {n}", chapter=f"Chapter {n}"))
        blocks.extend(Block(f"Paragraph {k + 1} of chapter {n} tells a little more of the story.")
                      for k in range(paragraphs))
    return Script(blocks)


def open_outline(qtbot: Any, window: Any, script: Script | None = None) -> Any:
    """Give ``window`` ``script`` (as File ▸ Import Book does) and open View ▸ Outline with its key."""
    if script is not None:
        window.project.adopt(window.files.snapshot().with_document(script))
        window.project.mark_clean()
    activate(qtbot, window)
    qtbot.keyClick(window.script.editor, Qt.Key.Key_O,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: window.outline.dock.isVisible(), timeout=5000)
    return window.outline


def titles(window: Any) -> list[str]:
    return [c.title for c in window.document.script.chapters()]


def row_center(outline: Any, row: int, column: int = TITLE) -> QPoint:
    view = outline.panel.view
    return view.visualRect(outline.model.index(row, column)).center()


def click_row(qtbot: Any, outline: Any, row: int) -> None:
    qtbot.mouseClick(outline.panel.view.viewport(), Qt.MouseButton.LeftButton, pos=row_center(outline, row))


def drop_row(outline: Any, source: int, onto: int, *, below: bool = False) -> bool:
    """Drag row ``source`` and drop it on the upper (or lower) edge of row ``onto``, through the
    view's own drag-enter, drag-move and drop handling. True if the view accepted the drop."""
    view = outline.panel.view
    data = outline.model.mimeData([outline.model.index(source, TITLE)])
    rect = view.visualRect(outline.model.index(onto, TITLE))
    point = QPoint(rect.center().x(), rect.bottom() - 1 if below else rect.top() + 1)
    viewport = view.viewport()
    move = Qt.DropAction.MoveAction
    buttons, modifiers = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(point.toPointF(), move, data, buttons, modifiers)
    QApplication.sendEvent(viewport, enter)
    moving = QDragMoveEvent(point.toPointF(), move, data, buttons, modifiers)
    QApplication.sendEvent(viewport, moving)
    if not moving.isAccepted():
        return False
    drop = QDropEvent(point.toPointF(), move, data, buttons, modifiers)
    QApplication.sendEvent(viewport, drop)
    return True
