"""The Paragraph menu and its keys, pressed for real: next/previous take, lock, play, regenerate."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import QApplication, QMenu

from studio.ui.script_document import ScriptDocumentController
from studio.ui.script_editor import ScriptEditor
from studio.ui.shortcuts_help import shortcut_table
from studio.ui.take_marks import mark_of
from studio.ui.takes_view import TakesView
from tests.ui.conftest import activate
from tests.ui.takes_support import ALT, CTRL, described_take

TEXT = "First paragraph, no takes.\n\nSecond paragraph, three takes.\n\n* * *\n\nFourth paragraph, locked."


def _put_cursor(editor: Any, text: str, offset: int = 2) -> None:
    cursor = editor.textCursor()
    cursor.setPosition(editor.toPlainText().index(text) + offset)
    editor.setTextCursor(cursor)


def _setup(document: ScriptDocumentController) -> None:
    document.sync()
    blocks = document.script.blocks
    for key in ("a1a1a1a1", "a2a2a2a2", "a3a3a3a3"):
        document.add_take(blocks[1].id, described_take(blocks[1].text, key))
    document.add_take(blocks[3].id, described_take(blocks[3].text, "b1b1b1b1"))
    document.add_take(blocks[3].id, described_take(blocks[3].text, "b2b2b2b2"))
    document.set_locked(blocks[3].id, True)


class Panel:
    """The script panel with its takes view alone; this stands in for the player's paragraph
    methods (PlayerController.play_blocks / regenerate_block) and records what reached them."""

    def __init__(self, qtbot: Any, playing: bool = False) -> None:
        self.panel = ScriptEditor()
        qtbot.addWidget(self.panel)
        self.editor = self.panel.editor
        self.editor.setPlainText(TEXT)
        self.document = ScriptDocumentController(self.editor)
        self.played: list[tuple[int, str | None]] = []
        self.regenerated: list[int] = []
        self.messages: list[str] = []
        self.is_active = playing
        self.view = TakesView(self.panel, self.document, player=lambda: self)
        self.view.status.connect(self.messages.append)
        _setup(self.document)
        self.panel.show()
        qtbot.waitExposed(self.panel)
        self.panel.activateWindow()
        self.editor.setFocus()
        qtbot.waitUntil(lambda: QApplication.focusWidget() is self.editor, timeout=3000)

    def play_blocks(self, indices: list[int]) -> None:
        self.played.extend((i, self.document.script.blocks[i].chosen_take_id) for i in indices)

    def regenerate_block(self, index: int) -> None:
        self.regenerated.append(index)


def test_alt_down_and_alt_up_choose_the_next_and_previous_take(qtbot: Any, make_window: Any) -> None:
    window = make_window()
    window.script.editor.setPlainText(TEXT)
    _setup(window.document)
    window.project.mark_clean()
    activate(qtbot, window)
    editor = window.script.editor
    _put_cursor(editor, "Second")
    block = window.document.script.blocks[1]
    ids = [t.id for t in block.takes]
    assert block.chosen_take_id == ids[2]  # the newest take is chosen when it is made
    qtbot.keyClick(editor, Qt.Key.Key_Down, ALT)
    assert block.chosen_take_id == ids[0]  # round to the first
    assert mark_of(block).label == "1/3"
    assert "Take 1 of 3 chosen for paragraph 2" in window.status.currentMessage()
    qtbot.keyClick(editor, Qt.Key.Key_Up, ALT)
    qtbot.keyClick(editor, Qt.Key.Key_Up, ALT)
    assert block.chosen_take_id == ids[1]
    assert editor.toPlainText() == TEXT  # choosing is not typing
    assert window.project.dirty  # a choice is work to save


def test_ctrl_l_locks_the_paragraph_at_the_cursor_and_unlocks_it(qtbot: Any, make_window: Any) -> None:
    window = make_window()
    window.script.editor.setPlainText(TEXT)
    _setup(window.document)
    activate(qtbot, window)
    editor = window.script.editor
    _put_cursor(editor, "Second")
    block = window.document.script.blocks[1]
    lock = window.takes.actions.lock_action
    qtbot.keyClick(editor, Qt.Key.Key_L, CTRL)
    assert block.locked and lock.isChecked()
    assert "Paragraph 2 locked: Play and Export keep its take" in window.status.currentMessage()
    assert not window.takes.actions.next_action.isEnabled()  # a locked paragraph keeps its choice
    qtbot.keyClick(editor, Qt.Key.Key_L, CTRL)
    assert not block.locked and not lock.isChecked()
    assert editor.toPlainText() == TEXT


def test_keys_that_do_not_apply_say_why_and_change_nothing(qtbot: Any, make_window: Any) -> None:
    window = make_window()
    window.script.editor.setPlainText(TEXT)
    _setup(window.document)
    activate(qtbot, window)
    editor = window.script.editor
    actions = window.takes.actions
    _put_cursor(editor, "First")
    assert not actions.next_action.isEnabled()
    assert "no takes yet" in actions.next_action.toolTip()
    qtbot.keyClick(editor, Qt.Key.Key_Down, ALT)
    assert window.status.currentMessage() == (
        "Paragraph 1 has no takes yet: play it (Alt+Return) or regenerate it (Ctrl+R) to make one.")
    _put_cursor(editor, "Fourth")
    qtbot.keyClick(editor, Qt.Key.Key_R, CTRL)
    assert window.status.currentMessage() == "Paragraph 4 is locked: unlock it (Ctrl+L) to make a new take."
    _put_cursor(editor, "* * *", 1)
    qtbot.keyClick(editor, Qt.Key.Key_Return, ALT)
    assert window.status.currentMessage() == "Paragraph 3 has nothing to speak (no letters or digits)."
    assert editor.toPlainText() == TEXT  # no key typed anything
    editor.clear()
    window.document.sync()
    assert not actions.lock_action.isEnabled()
    assert actions.lock_action.toolTip() == "The script is empty: write a paragraph first."


def test_play_and_regenerate_paragraph_hand_the_paragraph_to_the_player(qtbot: Any) -> None:
    panel = Panel(qtbot)
    _put_cursor(panel.editor, "Second")
    qtbot.keyClick(panel.editor, Qt.Key.Key_Return, ALT)
    qtbot.keyClick(panel.editor, Qt.Key.Key_R, CTRL)
    assert [i for i, _take in panel.played] == [1]
    assert panel.regenerated == [1]
    assert panel.messages[-1] == "Making a new take of paragraph 2…"
    assert panel.editor.toPlainText() == TEXT


def test_the_window_plays_and_regenerates_through_the_players_paragraph_methods(qtbot: Any, make_window: Any) -> None:
    window = make_window()
    window.script.editor.setPlainText(TEXT)
    _setup(window.document)
    activate(qtbot, window)
    calls: list[tuple[str, object]] = []
    # The player's paragraph methods (PlayerController.play_blocks / regenerate_block), as it has them.
    window.player.play_blocks = lambda indices: calls.append(("play_blocks", indices))
    window.player.regenerate_block = lambda index: calls.append(("regenerate_block", index))
    _put_cursor(window.script.editor, "Second")
    qtbot.keyClick(window.script.editor, Qt.Key.Key_Return, ALT)
    qtbot.keyClick(window.script.editor, Qt.Key.Key_R, CTRL)
    assert calls == [("play_blocks", [1]), ("regenerate_block", 1)]


def test_comparing_takes_by_ear_plays_each_newly_chosen_take_at_once(qtbot: Any) -> None:
    panel = Panel(qtbot, playing=True)
    _put_cursor(panel.editor, "Second")
    block = panel.document.script.blocks[1]
    ids = [t.id for t in block.takes]
    qtbot.keyClick(panel.editor, Qt.Key.Key_Return, ALT)
    qtbot.keyClick(panel.editor, Qt.Key.Key_Down, ALT)
    qtbot.keyClick(panel.editor, Qt.Key.Key_Down, ALT)
    assert panel.played == [(1, ids[2]), (1, ids[0]), (1, ids[1])]
    assert panel.messages[-1] == "Playing take 2 of 3 of paragraph 2."
    panel.is_active = False  # stopped: choosing again only chooses
    qtbot.keyClick(panel.editor, Qt.Key.Key_Down, ALT)
    assert len(panel.played) == 3 and block.chosen_take_id == ids[2]


def test_the_takes_submenu_lists_the_takes_and_picks_one(qtbot: Any) -> None:
    panel = Panel(qtbot)
    _put_cursor(panel.editor, "Second")
    menu = panel.view.actions.takes_menu
    menu.aboutToShow.emit()
    entries = [a for a in menu.actions() if not a.isSeparator()]
    assert [a.text().split(" · ")[0] for a in entries] == ["Take 1", "Take 2", "Take 3"]
    assert [a.isChecked() for a in entries] == [False, False, True]
    assert all(" · joe · " in a.text() for a in entries)
    entries[0].trigger()
    block = panel.document.script.blocks[1]
    assert block.chosen_take_id == block.takes[0].id
    assert panel.messages[-1] == "Take 1 of 3 chosen for paragraph 2."
    _put_cursor(panel.editor, "Fourth")
    menu.aboutToShow.emit()
    assert [a.isEnabled() for a in menu.actions()] == [False, False]  # locked: shown, not choosable
    _put_cursor(panel.editor, "First")
    panel.view.actions.refresh()
    assert not menu.isEnabled()
    menu.aboutToShow.emit()
    assert [a.text() for a in menu.actions()] == ["No takes yet"]


def test_the_editors_context_menu_has_the_paragraph_actions(qtbot: Any) -> None:
    panel = Panel(qtbot)
    _put_cursor(panel.editor, "Second")
    viewport = panel.editor.viewport()
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, QPoint(20, 10), viewport.mapToGlobal(QPoint(20, 10)))
    QApplication.sendEvent(viewport, event)
    qtbot.waitUntil(lambda: isinstance(QApplication.activePopupWidget(), QMenu), timeout=2000)
    menu = QApplication.activePopupWidget()
    texts = [a.text().split("\t")[0].replace("&", "") for a in menu.actions() if not a.isSeparator()]
    assert texts[:2] == ["Undo", "Redo"] and "Paste" in texts
    assert texts[-6:] == ["Play Paragraph", "Regenerate Paragraph", "Previous Take", "Next Take", "Takes",
                          "Lock Paragraph"]
    menu.close()


def test_alt_down_in_a_list_of_the_side_panel_is_the_lists_own(qtbot: Any, make_window: Any) -> None:
    window = make_window()
    window.script.editor.setPlainText(TEXT)
    _setup(window.document)
    activate(qtbot, window)
    _put_cursor(window.script.editor, "Second")
    block = window.document.script.blocks[1]
    chosen = block.chosen_take_id
    combo = window.settings_panel.output_format
    combo.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is combo, timeout=3000)
    qtbot.keyClick(combo, Qt.Key.Key_Down, ALT)
    assert block.chosen_take_id == chosen
    combo.hidePopup()


def test_the_new_keys_are_in_the_shortcut_list_and_taken_by_nothing_else(qtbot: Any, make_window: Any) -> None:
    window = make_window()
    table = dict(shortcut_table(window))
    assert table["Paragraph"] == [
        ("Alt+Return or Alt+Enter or Ctrl+Shift+Space", "Play Paragraph"), ("Ctrl+R", "Regenerate Paragraph"),
        ("Alt+Up", "Previous Take"), ("Alt+Down", "Next Take"), ("Ctrl+L", "Lock Paragraph"),
    ]
    keys = [k for rows in table.values() for keys, _what in rows for k in keys.split(" or ")]
    assert len(keys) == len(set(keys)), sorted(k for k in keys if keys.count(k) > 1)


def test_a_player_that_cannot_play_one_paragraph_says_so(qtbot: Any) -> None:
    panel = ScriptEditor()
    qtbot.addWidget(panel)
    panel.editor.setPlainText(TEXT)
    document = ScriptDocumentController(panel.editor)
    view = TakesView(panel, document, player=lambda: object())  # a player without the paragraph methods
    messages: list[str] = []
    view.status.connect(messages.append)
    view.actions.play_action.trigger()
    assert messages == ["This version of the player cannot play or regenerate one paragraph."]
