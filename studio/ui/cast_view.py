"""The cast side of the window, put together (issue 11): controller, Speaker menu, gutter, panel.

The window makes one :class:`CastView` after its takes view: the Speaker submenu joins the
Paragraph menu (menu bar, context menu, gutter), the gutter names each paragraph's speaker
and marks takes in a speaker's old voice, and the Cast panel is a dock the window shows
from View ▸ Cast (:attr:`CastView.dock`). The window saves :meth:`CastController.project_field`
and loads a project's cast with :meth:`CastController.load`; the render source reads
:attr:`CastController.cast`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDockWidget, QMainWindow

from studio.api.models import Voice, VoiceSettings
from studio.core.render_inputs import RenderInputs
from studio.ui.cast_controller import CastController
from studio.ui.cast_panel import CastPanel
from studio.ui.cast_preview import CastPreview
from studio.ui.script_document import ScriptDocumentController
from studio.ui.speaker_menu import SpeakerMenu
from studio.ui.worker import WorkerPool

if TYPE_CHECKING:
    from studio.core.cache import SpeechCache
    from studio.ui.script_editor import ScriptEditor
    from studio.ui.takes_view import TakesView

#: View ▸ Cast.
CAST_PANEL_KEY = QKeySequence("Ctrl+Shift+C")


class CastView(QObject):
    #: A message for the status bar.
    status = Signal(str)

    def __init__(self, window: QMainWindow, panel: ScriptEditor, takes: TakesView,
                 document: ScriptDocumentController, pool: WorkerPool, inputs: Callable[[], RenderInputs],
                 cache: SpeechCache | None, *, voices: Callable[[], list[Voice]],
                 project_settings: Callable[[], VoiceSettings]) -> None:
        super().__init__(window)
        self.controller = CastController(document, self)
        self.changed = self.controller.changed
        self.speaker_menu = SpeakerMenu(self.controller, document, takes.actions.current_index, panel, self)
        self.speaker_menu.status.connect(self.status.emit)
        takes.actions.add_menu(self.speaker_menu.menu)
        takes.gutter.show_speakers(self._gutter_label, self.controller.wanted_voice)
        self.preview = CastPreview(pool, inputs, cache, self)
        self.panel = CastPanel(self.controller, self.preview, voices, project_settings)
        self.dock = QDockWidget("Cast", window)
        self.dock.setObjectName("castDock")
        self.dock.setWidget(self.panel)
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        self.dock.hide()  # View ▸ Cast shows it
        self.toggle_action = self.dock.toggleViewAction()
        self.toggle_action.setText("&Cast")
        self.toggle_action.setShortcut(CAST_PANEL_KEY)

    def _gutter_label(self, block: object) -> str | None:
        """The gutter names speakers; the narrator's paragraphs show nothing."""
        return getattr(block, "speaker", None) and self.controller.speaker_of(block)  # type: ignore[arg-type]

    def shutdown(self) -> None:
        self.preview.shutdown()
