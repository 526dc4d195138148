"""The Paragraph menu: act on the paragraph at the cursor (or the gutter mark clicked).

Play Paragraph (Alt+Return), Regenerate Paragraph (Ctrl+R), Next / Previous Take
(Alt+Down / Alt+Up), Lock Paragraph (Ctrl+L) and a Takes submenu to pick one. The same
actions are in the menu bar, the editor's context menu and the gutter mark's menu, and
their keys work while the script panel has the focus (not in the side panels, where Alt+Down
opens a list).

Comparing takes by ear is two keys: Alt+Return plays the paragraph's chosen take; Alt+Down
while it plays chooses the next take and plays that one at once.

An action that does not apply is disabled, and says why — in its tooltip, in the status bar
while the menu shows it, and in the status bar when its key is pressed anyway ("Paragraph 3
has no takes yet…"). Playing and generating belong to the player: the window passes them in
as ``play_paragraph(index)`` / ``regenerate_paragraph(index)``.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QMenu, QPlainTextEdit, QWidget

from studio.core.script import Block
from studio.text_rules import is_speakable
from studio.ui.paragraph_positions import ParagraphPositions
from studio.ui.script_document import ScriptDocumentController
from studio.ui.take_marks import VoiceName, take_entry

NEXT_TAKE_KEY = QKeySequence("Alt+Down")
PREVIOUS_TAKE_KEY = QKeySequence("Alt+Up")
LOCK_KEY = QKeySequence("Ctrl+L")
REGENERATE_KEY = QKeySequence("Ctrl+R")
PLAY_PARAGRAPH_KEYS = (QKeySequence("Alt+Return"), QKeySequence("Alt+Enter"), QKeySequence("Ctrl+Shift+Space"))


class ParagraphActions(QObject):
    #: A message for the status bar.
    status = Signal(str)

    def __init__(
        self,
        document: ScriptDocumentController,
        positions: ParagraphPositions,
        editor: QPlainTextEdit,
        *,
        play_paragraph: Callable[[int], None],
        regenerate_paragraph: Callable[[int], None],
        shortcut_widget: QWidget,
        is_playing: Callable[[], bool] = lambda: False,
        voice_name: VoiceName | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._document = document
        self._positions = positions
        self._editor = editor
        self._play = play_paragraph
        self._regenerate = regenerate_paragraph
        self._is_playing = is_playing
        self._voice_name = voice_name
        self._auditioning: str | None = None  # the block Play Paragraph last played

        def make(text: str, slot: Callable[[], None], keys: tuple[QKeySequence, ...]) -> QAction:
            action = QAction(text, self)
            action.setShortcuts(list(keys))
            # Only while the script panel has the focus: elsewhere Alt+Up/Down belong to lists.
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(lambda _checked=False: slot())
            shortcut_widget.addAction(action)
            return action

        self.play_action = make("&Play Paragraph", self.play, PLAY_PARAGRAPH_KEYS)
        self.regenerate_action = make("&Regenerate Paragraph", self.regenerate, (REGENERATE_KEY,))
        self.next_action = make("&Next Take", lambda: self.step(1), (NEXT_TAKE_KEY,))
        self.previous_action = make("Pre&vious Take", lambda: self.step(-1), (PREVIOUS_TAKE_KEY,))
        self.lock_action = make("&Lock Paragraph", self.toggle_lock, (LOCK_KEY,))
        self.lock_action.setCheckable(True)
        self.takes_menu = QMenu("&Takes")
        self.takes_menu.setToolTipsVisible(True)
        self.takes_menu.aboutToShow.connect(self._fill_takes_menu)
        #: Submenus other parts add (Speaker, issue 11): in every copy of the menu, after Takes.
        self._extra_menus: list[QMenu] = []
        self._keyed = [self.play_action, self.regenerate_action, self.next_action, self.previous_action,
                       self.lock_action]
        self.menu = QMenu("P&aragraph")
        self.menu.setToolTipsVisible(True)
        self.add_to(self.menu)
        self.menu.aboutToShow.connect(self.refresh)

        editor.cursorPositionChanged.connect(self.refresh)
        document.changed.connect(self.refresh)
        document.takes_changed.connect(lambda _block_id: self.refresh())
        editor.installEventFilter(self)
        self.refresh()

    def add_to(self, menu: QMenu) -> None:
        """Put the paragraph actions in ``menu`` (the menu bar's, the context menu, the gutter's)."""
        self.refresh()
        menu.addAction(self.play_action)
        menu.addAction(self.regenerate_action)
        menu.addSeparator()
        menu.addAction(self.previous_action)
        menu.addAction(self.next_action)
        menu.addMenu(self.takes_menu)
        for extra in self._extra_menus:
            menu.addMenu(extra)
        menu.addSeparator()
        menu.addAction(self.lock_action)

    def add_menu(self, submenu: QMenu) -> None:
        """Add ``submenu`` (with its keys) to the Paragraph menu and to every menu made from it later."""
        self._extra_menus.append(submenu)
        actions = self.menu.actions()
        self.menu.insertMenu(actions[actions.index(self.takes_menu.menuAction()) + 1], submenu)

    # -- the paragraph acted on -------------------------------------------------------------------

    def current_index(self) -> int | None:
        """The paragraph at the cursor (live: no sync needed)."""
        index = self._positions.index_at(self._editor.textCursor().position())
        return index if index is not None and index < len(self._document.script.blocks) else None

    def _target(self) -> tuple[int, Block] | None:
        """The paragraph at the cursor, with the script following the editor first."""
        self._document.sync()
        index = self.current_index()
        return None if index is None else (index, self._document.script.blocks[index])

    def popup_for(self, index: int, where: QPoint) -> None:
        """A gutter mark was clicked: put the cursor in that paragraph and open its menu there."""
        if self.current_index() != index:
            cursor = self._editor.textCursor()
            cursor.setPosition(self._positions.start(index))
            self._editor.setTextCursor(cursor)
        self._editor.setFocus(Qt.FocusReason.MouseFocusReason)
        menu = QMenu(self._editor)
        menu.setToolTipsVisible(True)
        self.add_to(menu)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(where)

    # -- why an action does not apply ---------------------------------------------------------------

    def reasons(self, index: int | None) -> dict[QAction, str]:
        """Each keyed action that does not apply to paragraph ``index``, with the reason."""
        if index is None:
            why = "The script is empty: write a paragraph first."
            return {action: why for action in self._keyed}
        block = self._document.script.blocks[index]
        name = f"Paragraph {index + 1}"
        found: dict[QAction, str] = {}
        if not is_speakable(block.text):
            silent = f"{name} has nothing to speak (no letters or digits)."
            found[self.play_action] = found[self.regenerate_action] = silent
        elif block.locked:
            found[self.regenerate_action] = f"{name} is locked: unlock it (Ctrl+L) to make a new take."
        if block.locked and block.takes:
            found[self.next_action] = found[self.previous_action] = (
                f"{name} is locked: unlock it (Ctrl+L) to choose another take.")
        elif not block.takes and self.play_action not in found:
            found[self.next_action] = found[self.previous_action] = (
                f"{name} has no takes yet: play it (Alt+Return) or regenerate it (Ctrl+R) to make one.")
        elif not block.takes:
            found[self.next_action] = found[self.previous_action] = f"{name} has no takes."
        elif len(block.takes) == 1:
            found[self.next_action] = found[self.previous_action] = (
                f"{name} has one take: regenerate it (Ctrl+R) to make another to compare.")
        return found

    def refresh(self) -> None:
        index = self.current_index()
        reasons = self.reasons(index)
        for action in self._keyed:
            why = reasons.get(action, "")
            action.setEnabled(not why)
            action.setToolTip(why or action.text().replace("&", ""))
            action.setStatusTip(why)
        block = None if index is None else self._document.script.blocks[index]
        self.lock_action.setChecked(bool(block and block.locked))
        self.takes_menu.setEnabled(bool(block and block.takes))
        self.takes_menu.menuAction().setToolTip("" if block and block.takes else
                                                "No takes yet: play or regenerate the paragraph to make one.")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        """A key of a disabled action, pressed in the editor: say why nothing happens (and type nothing)."""
        if watched is self._editor and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            pressed = QKeySequence(event.keyCombination())
            for action in self._keyed:
                if not action.isEnabled() and any(
                        pressed.matches(k) == QKeySequence.SequenceMatch.ExactMatch for k in action.shortcuts()):
                    self.status.emit(action.statusTip())
                    return True
        return False

    # -- the actions --------------------------------------------------------------------------------

    def play(self) -> None:
        target = self._target()
        if target is None:
            return
        index, block = target
        self._auditioning = block.id
        self._play(index)

    def regenerate(self) -> None:
        target = self._target()
        if target is None or target[1].locked:
            return
        self.status.emit(f"Making a new take of paragraph {target[0] + 1}…")
        self._regenerate(target[0])

    def step(self, step: int) -> None:
        target = self._target()
        if target is None:
            return
        index, block = target
        if block.locked or len(block.takes) < 2:
            return
        playing = self._is_playing() and self._auditioning == block.id
        chosen = self._document.step_take(block.id, step)
        if chosen is None:
            return
        number = block.takes.index(chosen) + 1
        if playing:
            self._play(index)  # comparing by ear: hear the newly chosen take at once
            self.status.emit(f"Playing take {number} of {len(block.takes)} of paragraph {index + 1}.")
        else:
            self.status.emit(f"Take {number} of {len(block.takes)} chosen for paragraph {index + 1}. "
                             "Alt+Return plays it.")

    def choose(self, block_id: str, take_id: str) -> None:
        block = self._document.script.block(block_id)
        if block.locked:
            return
        self._document.choose_take(block_id, take_id)
        index = self._document.script.index_of(block_id)
        number = next(i for i, t in enumerate(block.takes, 1) if t.id == take_id)
        self.status.emit(f"Take {number} of {len(block.takes)} chosen for paragraph {index + 1}.")

    def toggle_lock(self) -> None:
        target = self._target()
        if target is None:
            return
        index, block = target
        locked = not block.locked
        self._document.set_locked(block.id, locked)
        if not locked:
            self.status.emit(f"Paragraph {index + 1} unlocked: Play and Export may make it again when it changes.")
        elif block.chosen_take is None:
            self.status.emit(f"Paragraph {index + 1} locked. It has no take yet: the next Play or Export makes "
                             "one and keeps it. Editing it asks first.")
        else:
            self.status.emit(f"Paragraph {index + 1} locked: Play and Export keep its take. Editing it asks first.")
        self.refresh()

    def _fill_takes_menu(self) -> None:
        menu = self.takes_menu
        menu.clear()
        index = self.current_index()
        block = None if index is None else self._document.script.blocks[index]
        if block is None or not block.takes:
            empty = menu.addAction("No takes yet")
            empty.setEnabled(False)
            return
        group = QActionGroup(menu)
        for number, take in enumerate(block.takes, 1):
            action = menu.addAction(take_entry(take, number, self._voice_name).replace("&", "&&"))
            action.setCheckable(True)
            action.setChecked(take.id == block.chosen_take_id)
            action.setEnabled(not block.locked)
            if take.text != block.text:
                action.setToolTip("A take of the paragraph's earlier words.")
            if block.locked:
                action.setToolTip("The paragraph is locked: unlock it (Ctrl+L) to choose another take.")
            group.addAction(action)
            action.triggered.connect(lambda _checked=False, b=block.id, t=take.id: self.choose(b, t))
