"""The takes side of the script editor, put together: gutter, Paragraph menu, locked-edit guard.

The window makes one :class:`TakesView` for its script panel and document, hands it the
player (which plays and regenerates one paragraph: ``PlayerController.play_blocks([index])``
and ``regenerate_block(index)``), puts :attr:`TakesView.menu` in its menu bar and shows
:attr:`TakesView.status` messages. The player is looked up when used, and a player without
those methods is told about in the status bar rather than failing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject

from studio.ui.locked_edit_guard import LockedEditGuard
from studio.ui.paragraph_actions import ParagraphActions
from studio.ui.paragraph_positions import ParagraphPositions
from studio.ui.script_document import ScriptDocumentController
from studio.ui.script_editor import ScriptEditor
from studio.ui.take_gutter import TakeGutter
from studio.ui.take_marks import VoiceName


class TakesView(QObject):
    def __init__(
        self,
        panel: ScriptEditor,
        document: ScriptDocumentController,
        *,
        player: Callable[[], Any],
        voice_name: VoiceName | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._player = player
        editor = panel.editor
        self.positions = ParagraphPositions(document, editor.document(), self)
        self.gutter = TakeGutter(editor, document, self.positions, voice_name)
        self.actions = ParagraphActions(
            document, self.positions, editor,
            play_paragraph=lambda index: self._player_does("play_blocks", [index]),
            regenerate_paragraph=lambda index: self._player_does("regenerate_block", index),
            is_playing=lambda: bool(getattr(self._player(), "is_active", False)),
            shortcut_widget=panel, voice_name=voice_name, parent=self,
        )
        self.guard = LockedEditGuard(document, self.positions, editor, parent=self)
        editor.edit_guard = self.guard
        editor.extend_context_menu = self.actions.add_to
        self.gutter.clicked.connect(self.actions.popup_for)
        self.menu = self.actions.menu
        self.status = self.actions.status

    def _player_does(self, name: str, *args: object) -> None:
        method = getattr(self._player(), name, None)
        if method is None:
            self.status.emit("This version of the player cannot play or regenerate one paragraph.")
            return
        method(*args)
