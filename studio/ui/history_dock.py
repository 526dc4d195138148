"""Composes the History panel and the voice library into the window: their controllers, and when they load.

Kept out of :mod:`studio.ui.main_window` so the window only adds a dock and two menu
entries. The dock has an object name, so ``QMainWindow.saveState`` remembers whether it is
shown and where (the window saves that with its splitters).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget

from studio.ui.history_controller import HistoryController
from studio.ui.history_panel import HistoryPanel
from studio.ui.library_controller import LibraryController

if TYPE_CHECKING:
    from studio.api.client import ElevenLabsClient
    from studio.ui.main_window import MainWindow


def account_client(backend: Any) -> ElevenLabsClient | None:
    """The ElevenLabs client behind ``backend``; None for the offline engine (it keeps no history)."""
    if backend is None or getattr(backend, "engine_id", None) != "elevenlabs":
        return None
    return getattr(backend, "client", None)


def attach_history(window: MainWindow) -> tuple[QDockWidget, HistoryController]:
    panel = HistoryPanel()
    dock = QDockWidget("History", window)
    dock.setObjectName("historyDock")
    dock.setWidget(panel)
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    dock.hide()  # opened from View ▸ History; afterwards the saved layout says
    controller = HistoryController(
        panel, window.pool, client=lambda: account_client(window.session.backend),
        render_inputs=window.render_source.current, cache=window._cache, document=window.document, parent=window,
    )

    def fill_choices() -> None:
        voices = [(v.name or v.voice_id, v.voice_id) for v in window.voices.model.voices]
        models = [(m.name or m.model_id, m.model_id) for m in window.settings.models]
        controller.set_filter_choices(voices, models)

    def shown(visible: bool) -> None:
        if visible:
            fill_choices()
        controller.set_shown(visible)

    dock.visibilityChanged.connect(shown)
    window.session.started.connect(lambda *_: (fill_choices(), controller.engine_changed()))
    controller.status.connect(lambda text: window.status.showMessage(text, 6000))
    return dock, controller


def attach_library(window: MainWindow) -> LibraryController:
    """The Library tab's controller; it loads when the tab is opened, and a voice added there is
    in My voices at once (the voice browser searches again)."""
    tabs = window.voice_tabs
    controller = LibraryController(tabs.library, window.pool, backend=lambda: window.session.backend,
                                   client=lambda: account_client(window.session.backend), parent=window)
    tabs.currentChanged.connect(lambda index: controller.set_shown(tabs.widget(index) is tabs.library))
    window.session.started.connect(lambda *_: controller.engine_changed())
    controller.voice_added.connect(lambda _voice, _voice_id: window.voices.refresh())
    controller.status.connect(lambda text: window.status.showMessage(text, 6000))
    return controller
