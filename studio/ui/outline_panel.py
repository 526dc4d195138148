"""The outline panel: the chapters as a list to click, rename, drag and right-click — or, with
none yet, a line saying how to make them. A view only: the controller
(:mod:`studio.ui.outline_controller`) gives it its model and its context menu's actions.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, QPoint, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QMenu,
    QStackedWidget,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from studio.ui.outline_model import HEADERS, TITLE, OutlineModel

EMPTY_TEXT = ("No chapters yet — a heading like “Chapter 1” or File ▸ Import Book… makes them. "
              "Chapter ▸ Split Chapter Here starts one at the paragraph at the cursor.")


class OutlineView(QTreeView):
    """A flat list of chapters with columns; drag a row to move the chapter."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("outlineView")
        self.setAccessibleName("Chapters")
        self.setRootIsDecorated(False)
        self.setUniformRowHeights(True)
        self.setAlternatingRowColors(True)
        self.setAllColumnsShowFocus(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setEditTriggers(QAbstractItemView.EditTrigger.EditKeyPressed
                             | QAbstractItemView.EditTrigger.DoubleClicked)
        # DragDrop with our own MIME type only (not InternalMove, which drops every drop whose
        # source is not this very view): the model refuses anything that is not a chapter.
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.header().setAccessibleName("Chapter columns")

    def setModel(self, model: OutlineModel) -> None:  # noqa: N802 - Qt API
        super().setModel(model)
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(TITLE, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(HEADERS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)


class OutlinePanel(QWidget):
    def __init__(self, model: OutlineModel, actions: Callable[[str | None], list[QAction]],
                 parent: QWidget | None = None) -> None:
        """``actions(chapter_id)``: the context menu's entries for that chapter (None: none under the mouse)."""
        super().__init__(parent)
        self.setObjectName("outlinePanel")
        self.model = model
        self._actions = actions
        self.view = OutlineView()
        self.view.setModel(model)
        self.empty = QLabel(EMPTY_TEXT)
        self.empty.setObjectName("outlineEmpty")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setMargin(12)
        self.empty.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty)
        self.stack.addWidget(self.view)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)
        self.view.customContextMenuRequested.connect(self._context_menu)
        for signal in (model.modelReset, model.rowsInserted, model.rowsRemoved):
            signal.connect(self.show_page)
        self.show_page()
        #: The menu last opened (tests read it; it deletes itself on close).
        self.menu: QMenu | None = None

    @property
    def has_chapters(self) -> bool:
        """Something to list: at least one titled chapter (a script without titles is one untitled chapter)."""
        return any(row.chapter.title for row in self.model.rows)

    def show_page(self, *_args: object) -> None:
        self.stack.setCurrentWidget(self.view if self.has_chapters else self.empty)

    def current_chapter_id(self) -> str | None:
        index = self.view.currentIndex()
        chapter = self.model.chapter_at(index.row()) if index.isValid() else None
        return chapter.id if chapter is not None else None

    def select(self, chapter_id: str) -> QModelIndex:
        row = self.model.row_of(chapter_id)
        if row is None:
            return QModelIndex()
        index = self.model.index(row, TITLE)
        self.view.setCurrentIndex(index)
        return index

    def _context_menu(self, point: QPoint) -> None:
        index = self.view.indexAt(point)
        chapter = self.model.chapter_at(index.row()) if index.isValid() else None
        if chapter is not None:
            self.view.setCurrentIndex(self.model.index(index.row(), TITLE))
        actions = self._actions(chapter.id if chapter is not None else None)
        if not actions:
            return
        menu = QMenu(self.view)
        menu.setObjectName("outlineMenu")
        for action in actions:
            action.setParent(menu)  # gone with the menu
        menu.addActions(actions)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.menu = menu
        menu.popup(self.view.viewport().mapToGlobal(point))
