"""The Render Queue dock's contents: one overall progress bar, the items with their states, and
Start/Resume, Pause, Cancel, Remove, Clear Finished. It draws what its controller says and
calls it; it decides nothing.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from studio.core.render_queue import QueueState
from studio.ui.inline_message import InlineMessage
from studio.ui.render_queue_controller import RenderQueueController

__all__ = ["RenderQueuePanel"]

_STEPS = 1000  # the bar's resolution


class RenderQueuePanel(QWidget):
    def __init__(self, controller: RenderQueueController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("renderQueuePanel")
        self.controller = controller
        layout = QVBoxLayout(self)
        self.message = InlineMessage()
        layout.addWidget(self.message)
        self.overall = QProgressBar()
        self.overall.setObjectName("queueOverall")
        self.overall.setAccessibleName("Overall progress")
        self.overall.setRange(0, _STEPS)
        self.overall.setFormat("%p%")
        layout.addWidget(self.overall)
        self.summary = QLabel()
        self.summary.setObjectName("queueSummary")
        layout.addWidget(self.summary)
        self.items = QTreeWidget()
        self.items.setObjectName("queueItems")
        self.items.setAccessibleName("Queued exports")
        self.items.setRootIsDecorated(False)
        self.items.setHeaderLabels(["Item", "Status", "Done"])
        self.items.header().setAccessibleName("Queue columns")
        self.items.itemSelectionChanged.connect(self._update_buttons)
        layout.addWidget(self.items, 1)

        row = QHBoxLayout()
        self.start_button = QPushButton("&Start")
        self.pause_button = QPushButton("&Pause")
        self.cancel_button = QPushButton("&Cancel")
        self.remove_button = QPushButton("&Remove")
        self.clear_button = QPushButton("Clear &Finished")
        for button, slot in ((self.start_button, self._start), (self.pause_button, controller.pause),
                             (self.cancel_button, controller.cancel), (self.remove_button, self._remove),
                             (self.clear_button, controller.clear_finished)):
            button.setAccessibleName(button.text().replace("&", ""))
            button.clicked.connect(lambda _checked=False, slot=slot: slot())
            row.addWidget(button)
        layout.addLayout(row)

        controller.changed.connect(self.refresh)
        controller.progress.connect(self._on_progress)
        controller.running_changed.connect(lambda _running: self.refresh())
        controller.paused_changed.connect(lambda _paused: self.refresh())
        controller.failed.connect(self.message.show_error)
        self.refresh()

    def _start(self) -> None:
        self.message.hide()
        self.controller.start()

    def _remove(self) -> None:
        for entry in self.items.selectedItems():
            self.controller.remove(str(entry.data(0, Qt.ItemDataRole.UserRole)))

    def _on_progress(self, fraction: float) -> None:
        self.overall.setValue(round(fraction * _STEPS))
        # The running item's share moves too: redraw its row only.
        for k in range(self.items.topLevelItemCount()):
            entry = self.items.topLevelItem(k)
            item = self._item(entry)
            if item is not None and item.state is QueueState.RUNNING:
                entry.setText(2, f"{item.fraction:.0%}")

    def _item(self, entry: QTreeWidgetItem):  # type: ignore[no-untyped-def]
        item_id = entry.data(0, Qt.ItemDataRole.UserRole)
        return next((i for i in self.controller.items() if i.id == item_id), None)

    def refresh(self) -> None:
        """Redraw every row from the controller's queue (keeps the selection)."""
        selected = {e.data(0, Qt.ItemDataRole.UserRole) for e in self.items.selectedItems()}
        self.items.clear()
        items = self.controller.items()
        for item in items:
            entry = QTreeWidgetItem([item.title, self.controller.state_of(item), f"{item.fraction:.0%}"])
            entry.setData(0, Qt.ItemDataRole.UserRole, item.id)
            entry.setToolTip(0, f"{item.source}\n→ {item.destination}")
            if item.error:
                entry.setToolTip(1, item.error)
            self.items.addTopLevelItem(entry)
            entry.setSelected(item.id in selected)
        self.overall.setValue(round(self.controller.queue.fraction * _STEPS))
        done = sum(1 for i in items if i.state is QueueState.DONE)
        failed = sum(1 for i in items if i.state is QueueState.FAILED)
        text = f"{done} of {len(items)} done" if items else "Nothing queued — File ▸ Add to Render Queue… or Export Chapters…"
        self.summary.setText(text + (f" · {failed} failed (hover for why)" if failed else ""))
        self._update_buttons()

    def _update_buttons(self) -> None:
        c = self.controller
        stopped = any(i.state in (QueueState.STOPPED, QueueState.FAILED) for i in c.items())
        self.start_button.setText("Re&sume" if c.is_paused or (stopped and not c.is_running) else "&Start")
        self.start_button.setAccessibleName(self.start_button.text().replace("&", ""))
        self.start_button.setEnabled(c.is_paused or (not c.is_running and c.queue.has_work)
                                     or (not c.is_running and stopped))
        self.pause_button.setEnabled(c.is_running and not c.is_paused)
        self.cancel_button.setEnabled(c.is_running)
        running = {i.id for i in c.items() if i.state is QueueState.RUNNING}
        chosen = {e.data(0, Qt.ItemDataRole.UserRole) for e in self.items.selectedItems()}
        self.remove_button.setEnabled(bool(chosen) and not chosen & running)
        self.clear_button.setEnabled(any(i.state is QueueState.DONE for i in c.items()))
