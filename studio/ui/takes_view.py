"""The takes side of the script editor, put together: gutter, Paragraph menu, locked-edit guard.

The window makes one :class:`TakesView` for its script panel and document, passes in what
only the player can do (play a paragraph, regenerate it, whether it is playing), puts
:attr:`TakesView.menu` in its menu bar and shows :attr:`TakesView.status` messages.
"""

from __future__ import annotations

from collections.abc import Callable

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
        play_paragraph: Callable[[int], None],
        regenerate_paragraph: Callable[[int], None],
        is_playing: Callable[[], bool] = lambda: False,
        voice_name: VoiceName | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        editor = panel.editor
        self.positions = ParagraphPositions(document, editor.document(), self)
        self.gutter = TakeGutter(editor, document, self.positions, voice_name)
        self.actions = ParagraphActions(
            document, self.positions, editor, play_paragraph=play_paragraph,
            regenerate_paragraph=regenerate_paragraph, shortcut_widget=panel, is_playing=is_playing,
            voice_name=voice_name, parent=self,
        )
        self.guard = LockedEditGuard(document, self.positions, editor, parent=self)
        editor.edit_guard = self.guard
        editor.extend_context_menu = self.actions.add_to
        self.gutter.clicked.connect(self.actions.popup_for)
        self.menu = self.actions.menu
        self.status = self.actions.status
