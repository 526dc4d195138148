"""Paragraph ▸ Speaker: who says the paragraph at the cursor (issue 11).

A submenu of the Paragraph menu (so it is in the menu bar, the editor's context menu and the
gutter mark's menu, and Help ▸ Keyboard Shortcuts lists its key): the narrator and every
speaker of the cast, the current one checked; "New Speaker…" names another; and Next Speaker
(:data:`CYCLE_SPEAKER_KEY`) steps the paragraph at the cursor through them, the narrator after
the last. The work is the cast controller's (:class:`~studio.ui.cast_controller.CastController`).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QInputDialog, QMenu, QWidget

from studio.core.cast import speaker_key
from studio.core.script import Block
from studio.ui.cast_controller import CastController
from studio.ui.script_document import ScriptDocumentController

#: Next Speaker: N as in "next", free in every panel (Ctrl+N alone is New).
CYCLE_SPEAKER_KEY = QKeySequence("Ctrl+Shift+N")


class SpeakerMenu(QObject):
    #: A message for the status bar.
    status = Signal(str)

    def __init__(self, cast: CastController, document: ScriptDocumentController,
                 current_index: Callable[[], int | None], shortcut_widget: QWidget,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._cast = cast
        self._document = document
        self._current_index = current_index
        self._dialog_parent = shortcut_widget
        self.menu = QMenu("&Speaker")
        self.menu.aboutToShow.connect(self._fill)
        self.cycle_action = QAction("&Next Speaker", self)
        self.cycle_action.setShortcut(CYCLE_SPEAKER_KEY)
        # Like the other paragraph keys: while the script panel has the focus.
        self.cycle_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.cycle_action.triggered.connect(lambda _checked=False: self.cycle())
        shortcut_widget.addAction(self.cycle_action)
        self._fill()

    def _target(self) -> tuple[int, Block] | None:
        self._document.sync()
        index = self._current_index()
        return None if index is None else (index, self._document.script.blocks[index])

    def cycle(self) -> None:
        target = self._target()
        if target is None:
            self.status.emit("The script is empty: write a paragraph first.")
            return
        index, block = target
        name = self._cast.cycle(block.id)
        self.status.emit(f"Paragraph {index + 1} is said by {name}.")

    def choose(self, name: str) -> None:
        target = self._target()
        if target is None:
            return
        index, block = target
        self._cast.set_speaker(block.id, name)
        self.status.emit(f"Paragraph {index + 1} is said by {self._cast.speaker_of(block)}.")

    def ask_new(self) -> None:
        name, ok = QInputDialog.getText(self._dialog_parent, "New speaker", "Who says this paragraph?")
        if ok and name.strip():
            self.choose(name.strip())

    def _fill(self) -> None:
        menu = self.menu
        menu.clear()
        index = self._current_index()
        block = None if index is None else self._document.script.blocks[index]
        current = speaker_key(self._cast.speaker_of(block)) if block is not None else None
        group = QActionGroup(menu)
        for name in self._cast.speakers():
            action = menu.addAction(name.replace("&", "&&"))
            action.setCheckable(True)
            action.setChecked(speaker_key(name) == current)
            action.setEnabled(block is not None)
            group.addAction(action)
            action.triggered.connect(lambda _checked=False, n=name: self.choose(n))
        menu.addSeparator()
        new = menu.addAction("New Speaker…")
        new.setEnabled(block is not None)
        new.triggered.connect(lambda _checked=False: self.ask_new())
        menu.addAction(self.cycle_action)
