"""The outline (issue 13, chapters): a dock listing the script's chapters, and the Chapter menu.

* Rows follow the script document (:class:`~studio.ui.script_document.ScriptDocumentController`
  ``synced`` / ``changed``) and the figures the counter's render plan gives per chapter
  (:class:`~studio.core.chapter_figures.ChapterFigures`: paragraphs still to make, length).
* Click (or Enter) jumps: the editor's cursor goes to the chapter's first paragraph, scrolled
  to the top of the editor.
* Rename in place (F2, double-click, Chapter ▸ Rename), split at the cursor, merge with the
  previous chapter and reorder by drag are :class:`~studio.ui.chapter_edits.ChapterEdits`
  steps: one Undo each, in order with typing.
* Play from a chapter goes through :meth:`PlayerController.play_blocks`; while playing, the
  status bar names the chapter being heard (the block under the audio clock, as the
  highlight), and its row is bold.
* The context menu is :attr:`OutlineController.context_entries`, one list: other features add
  an entry there (text, what it does with the chapter id).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence, QTextCursor
from PySide6.QtWidgets import QDockWidget, QLabel, QMenu, QWidget

from studio.core.chapter_figures import ChapterFigures
from studio.core.typed_headings import HEADING_RULE
from studio.ui.chapter_edits import ChapterEdits
from studio.ui.outline_model import TITLE, OutlineModel, OutlineRow
from studio.ui.outline_panel import OutlinePanel
from studio.ui.utf16 import utf16_positions

if TYPE_CHECKING:
    from studio.ui.main_window import MainWindow
    from studio.ui.player_controller import PlayerController
    from studio.ui.script_document import ScriptDocumentController
    from studio.ui.script_text_edit import ScriptTextEdit
    from studio.ui.script_stats import PlanStats

OUTLINE_KEY = QKeySequence("Ctrl+Shift+O")
RENAME_KEY = QKeySequence("Ctrl+Shift+R")
SPLIT_KEY = QKeySequence("Ctrl+Shift+L")
MERGE_KEY = QKeySequence("Ctrl+Shift+M")
#: The Play family: Ctrl+Return the script, Alt+Return the paragraph, Alt+Shift+Return the chapter on.
PLAY_KEY = QKeySequence("Alt+Shift+Return")
#: How often the status bar looks which chapter is heard (a chapter lasts minutes).
FOLLOW_INTERVAL_MS = 200


@dataclass(frozen=True)
class ContextEntry:
    """One entry of the outline's context menu: ``run(chapter_id)``."""

    text: str
    run: Callable[[str], object]
    shortcut: QKeySequence | None = None


class OutlineController(QObject):
    def __init__(self, editor: ScriptTextEdit, document: ScriptDocumentController,
                 player: Callable[[], PlayerController], parent: QWidget) -> None:
        super().__init__(parent)
        self._editor = editor
        self._document = document
        self._player = player
        self._figures: dict[str, ChapterFigures] = {}
        self.edits = ChapterEdits(editor, document, self)
        self.model = OutlineModel(self.rename, self.move)
        self.model.setParent(self)
        #: The context menu, in order; other features append their entries (see the module notes).
        self.context_entries: list[ContextEntry] = [
            ContextEntry("&Go to Chapter", self.jump),
            ContextEntry("&Play from Here", self.play_from, PLAY_KEY),
            ContextEntry("&Rename…", self.start_rename, QKeySequence("F2")),
            ContextEntry("&Merge with Previous", self.merge, MERGE_KEY),
        ]
        self.panel = OutlinePanel(self.model, self._context_actions)
        self.status_label = QLabel("")
        self.status_label.setObjectName("chapterStatus")
        self.status_label.setAccessibleName("Chapter being heard")
        self.status_label.hide()
        self._follow = QTimer(self)
        self._follow.setInterval(FOLLOW_INTERVAL_MS)
        self._follow.timeout.connect(self._show_heard)

        view = self.panel.view
        view.clicked.connect(lambda index: self._jump_row(index.row()))
        view.activated.connect(lambda index: self._jump_row(index.row()))
        document.synced.connect(self.refresh)
        document.changed.connect(self.refresh)
        self.edits.changed.connect(self.refresh)
        self.menu = self._build_menu()
        self.refresh()

    # -- rows -------------------------------------------------------------------------------------------

    def refresh(self) -> None:
        rows = [OutlineRow(c, self._figures.get(c.id)) for c in self._document.script.chapters()]
        self.model.set_rows(rows)
        self.panel.show_page()

    def set_stats(self, stats: PlanStats | None) -> None:
        """The counter's latest answer: its per-chapter figures (None: not planned)."""
        self._figures = {f.chapter_id: f for f in stats.chapters} if stats is not None else {}
        self.refresh()

    # -- which chapter ------------------------------------------------------------------------------------

    def chapter_at_cursor(self) -> str | None:
        self._document.sync()
        index = self._document.index_at(self._editor.textCursor().position())
        return None if index is None else self._document.script.chapter_of(index).id

    def target(self) -> str | None:
        """The chapter a Chapter-menu command acts on: the outline's current row while the
        outline has the focus, else the chapter at the editor's cursor."""
        if self.panel.view.hasFocus() and (chosen := self.panel.current_chapter_id()) is not None:
            return chosen
        return self.chapter_at_cursor()

    def _chapter(self, chapter_id: str):  # noqa: ANN202 - Chapter | None
        return next((c for c in self._document.script.chapters() if c.id == chapter_id), None)

    # -- jumping ------------------------------------------------------------------------------------------

    def _jump_row(self, row: int) -> None:
        chapter = self.model.chapter_at(row)
        if chapter is not None:
            self.jump(chapter.id)

    def jump(self, chapter_id: str) -> None:
        """The editor's cursor to the chapter's first paragraph, that paragraph at the top of the editor."""
        self._document.sync()
        chapter = self._chapter(chapter_id)
        if chapter is None:
            return
        start = self._document.span_of(chapter.first_block)[0]
        position = utf16_positions(self._document.text, [start])[0]
        cursor = self._editor.textCursor()
        # From the end back up, so ensureCursorVisible scrolls the paragraph to the top.
        cursor.movePosition(QTextCursor.MoveOperation.End)
        self._editor.setTextCursor(cursor)
        self._editor.ensureCursorVisible()
        cursor.setPosition(position)
        self._editor.setTextCursor(cursor)
        self._editor.ensureCursorVisible()
        self.panel.select(chapter_id)

    # -- editing ------------------------------------------------------------------------------------------

    def rename(self, chapter_id: str, title: str) -> bool:
        return self.edits.rename(chapter_id, title)

    def move(self, chapter_id: str, to: int) -> bool:
        moved = self.edits.move(chapter_id, to)
        self.refresh()
        if moved:
            self.panel.select(chapter_id)
        return moved

    def start_rename(self, chapter_id: str | None = None) -> None:
        """Open the title of ``chapter_id`` (default: :meth:`target`) for editing in the outline."""
        chapter_id = chapter_id or self.target()
        if chapter_id is None:
            return
        self.show_panel()
        index = self.panel.select(chapter_id)
        if index.isValid():
            self.panel.view.setFocus(Qt.FocusReason.ShortcutFocusReason)
            self.panel.view.edit(index)

    def split(self) -> None:
        """Start a chapter at the paragraph at the cursor, then let the person type its title."""
        self._document.sync()
        index = self._document.index_at(self._editor.textCursor().position())
        if index is None:
            self.edits.refused.emit("Write something first: a chapter starts at a paragraph")
            return
        block = self._document.script.blocks[index]
        number = sum(1 for c in self._document.script.chapters() if c.first_block < index) + 1
        # A heading paragraph ("Chapter 4", "Part Two") names the chapter as an import would.
        title = HEADING_RULE.title(block.text) or f"Chapter {number}"
        if self.edits.split(block.id, title):
            self.start_rename(block.id)

    def merge(self, chapter_id: str | None = None) -> None:
        chapter_id = chapter_id or self.target()
        if chapter_id is not None:
            self.edits.merge(chapter_id)

    # -- playing ------------------------------------------------------------------------------------------

    def play_from(self, chapter_id: str | None = None) -> bool:
        """Hear the script from the chapter's first paragraph on."""
        chapter_id = chapter_id or self.target()
        chapter = self._chapter(chapter_id) if chapter_id else None
        if chapter is None:
            return False
        blocks = len(self._document.script.blocks)
        name = f"“{chapter.title}”" if chapter.title else "the opening"
        return self._player().play_blocks(range(chapter.first_block, blocks), what=f"the script from {name}")

    def follow(self, player: PlayerController) -> None:
        """Name the chapter being heard while ``player`` plays (after the window made its player)."""
        player.player.state_changed.connect(lambda _state: self._on_player_state())

    def _on_player_state(self) -> None:
        if self._player().is_active:
            self._follow.start()
            self._show_heard()
        else:
            self._follow.stop()
            self.status_label.hide()
            self.model.set_playing(None)

    def heard_chapter(self) -> str | None:
        """The id of the chapter whose audio is heard now (None: none, or not playing)."""
        player = self._player()
        session = player.session
        if session is None or not player.is_active:
            return None
        # The block of the lit character when one is lit: the label then changes with the
        # highlight, not during the silence a paragraph's audio starts with (the clock is in the
        # next block there while its first character is not lit yet).
        lit = player.highlighted_index
        heard = next((b for b in session.blocks if lit is not None and b.span[0] <= lit < b.span[1]), None)
        heard = heard or session.block_at(player.player.played_seconds())
        if heard is None:
            return None
        script = self._document.script
        try:
            return script.chapter_of(script.index_of(heard.block_id)).id
        except (KeyError, IndexError):
            return None  # its paragraph was deleted while it played

    def _show_heard(self) -> None:
        chapter_id = self.heard_chapter()
        chapter = self._chapter(chapter_id) if chapter_id else None
        self.model.set_playing(chapter_id)
        if chapter is None or not (chapter.title or len(self.model.rows) > 1):
            self.status_label.hide()
            return
        self.status_label.setText(f"Chapter: {chapter.title or 'the opening'}")
        self.status_label.show()

    # -- the panel, the menus ---------------------------------------------------------------------------

    def show_panel(self) -> None:
        dock = self.panel.parentWidget()
        if isinstance(dock, QDockWidget) and not dock.isVisible():
            dock.show()

    def _context_actions(self, chapter_id: str | None) -> list[QAction]:
        if chapter_id is None:
            return []
        actions = []
        first = self._document.script.chapters()[:1]
        is_first = bool(first) and first[0].id == chapter_id
        for entry in self.context_entries:
            action = QAction(entry.text, self.panel)
            if entry.shortcut is not None:
                action.setShortcut(entry.shortcut)  # shown only: the Chapter menu's keys do it
                action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
            action.triggered.connect(lambda _checked=False, e=entry: e.run(chapter_id))
            action.setEnabled(not (is_first and entry.run == self.merge))  # nothing before the first
            actions.append(action)
        return actions

    def _build_menu(self) -> QMenu:
        menu = QMenu("&Chapter")
        menu.setObjectName("chapterMenu")
        self.play_action = self._add(menu, "&Play from Chapter", lambda: self.play_from(), PLAY_KEY)
        menu.addSeparator()
        self.rename_action = self._add(menu, "&Rename Chapter…", lambda: self.start_rename(), RENAME_KEY)
        self.split_action = self._add(menu, "&Split Chapter Here", self.split, SPLIT_KEY)
        self.merge_action = self._add(menu, "&Merge with Previous Chapter", lambda: self.merge(), MERGE_KEY)
        return menu

    def _add(self, menu: QMenu, text: str, slot: Callable[[], object], key: QKeySequence) -> QAction:
        action = QAction(text, self.parent())
        action.setShortcut(key)
        action.triggered.connect(lambda _checked=False: slot())
        menu.addAction(action)
        self.parent().addAction(action)  # type: ignore[union-attr] - shortcuts work with the menu bar hidden
        return action


def attach_outline(window: MainWindow) -> OutlineController:
    """The Outline dock (View ▸ Outline), the Chapter menu and their wiring; before the menus are built."""
    outline = OutlineController(window.script.editor, window.document, lambda: window.player, window)
    dock = QDockWidget("Outline", window)
    dock.setObjectName("outlineDock")  # saveState remembers it with the window layout
    dock.setWidget(outline.panel)
    window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, dock)
    dock.hide()  # opened from View ▸ Outline; afterwards the saved layout says
    outline.toggle_action = dock.toggleViewAction()
    outline.toggle_action.setText("&Outline")
    outline.toggle_action.setShortcut(OUTLINE_KEY)
    outline.dock = dock
    window.status.addPermanentWidget(outline.status_label)
    outline.edits.changed.connect(window.project.mark_changed)  # a chapter's title or place is work to save
    outline.edits.refused.connect(lambda text: window.status.showMessage(text, 6000))
    window.counter.updated.connect(outline.set_stats)
    return outline
