"""Composes the render queue into the window: its dock, its controller, and what the menus call.

File ▸ Add to Render Queue… (files), File ▸ Export Chapters… (chapters of the open project)
and View ▸ Render Queue (the dock) call :class:`WindowQueue`. The dock has an object name, so
the window's saved layout remembers it like the other docks.

For the outline panel's context menu ("Queue for Export"): call
``window.render_queue.queue_chapters([chapter_id, ...])``; it opens Export Chapters with those
chapters ticked.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget

from studio.ui.render_queue_controller import RenderQueueController
from studio.ui.render_queue_dialog import QueueDialog
from studio.ui.render_queue_panel import RenderQueuePanel

if TYPE_CHECKING:
    from studio.ui.main_window import MainWindow

__all__ = ["WindowQueue", "attach_render_queue"]


class WindowQueue:
    def __init__(self, window: MainWindow) -> None:
        self._w = window
        self.controller = RenderQueueController(window.pool, window.render_source.current, window._cache,
                                                parent=window)
        self.panel = RenderQueuePanel(self.controller)
        self.dock = QDockWidget("Render Queue", window)
        self.dock.setObjectName("renderQueueDock")
        self.dock.setWidget(self.panel)
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        self.dock.hide()  # opened from View ▸ Render Queue, or when something is queued
        #: The dialog while it is open (tests answer it).
        self.dialog: QueueDialog | None = None
        self.controller.status.connect(lambda text: window.status.showMessage(text, 6000))
        self.controller.take_made.connect(window.document.add_take)  # a snapshot shares the block ids
        self.controller.load()

    def _folder(self) -> Path:
        w = self._w
        return Path(w.project.path).parent if w.project.path else Path(w.files.project_dir())

    def add_files(self) -> QueueDialog:
        """File ▸ Add to Render Queue…: projects, scripts or books, each whole or per chapter."""
        dialog = self._open(QueueDialog(self._folder(), parent=self._w))
        dialog.accepted.connect(lambda: self.controller.add_files(
            [Path(p) for p in dialog.paths()], dialog.folder, suffix=dialog.suffix, by_chapter=dialog.one_per_chapter))
        return dialog

    def queue_chapters(self, chapter_ids: list[str] | None = None) -> QueueDialog | None:
        """File ▸ Export Chapters…: chapters of the open project (``chapter_ids`` ticked; None: all)."""
        w = self._w
        w.document.sync()
        chapters = w.document.script.chapters()
        if not w.document.text.strip() or not chapters:
            from studio.ui.render_source import NotReadyError

            w.script.message.show_error(NotReadyError("There is nothing to export", "Write some words in the script first."))
            return None
        dialog = self._open(QueueDialog(self._folder(), chapters=chapters, chosen=chapter_ids or (), parent=w))
        name = w.files.file_stem()

        def accepted() -> None:
            snapshot = w.files.snapshot()  # the blocks serialised now: later typing does not change it
            self.controller.add_chapters(snapshot, name, dialog.chapter_ids(), dialog.folder, suffix=dialog.suffix)

        dialog.accepted.connect(accepted)
        return dialog

    def _open(self, dialog: QueueDialog) -> QueueDialog:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = dialog
        dialog.finished.connect(lambda _r: setattr(self, "dialog", None) if self.dialog is dialog else None)
        dialog.accepted.connect(self.show)
        dialog.open()
        return dialog

    def show(self) -> None:
        self.dock.show()
        self.dock.raise_()

    def shutdown(self) -> None:
        self.controller.shutdown()


def attach_render_queue(window: MainWindow) -> WindowQueue:
    return WindowQueue(window)


