"""Keeps the counter line under the script up to date (the logic behind ScriptEditor.counter)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer

from studio.ui.script_editor import ScriptEditor
from studio.ui.script_stats import ScriptStats, compute_stats

if TYPE_CHECKING:
    from studio.api.models import Model

#: Counting is cheap, splitting a 40,000-character script is not quite: batch keystrokes.
RECOUNT_DELAY_MS = 120


class ScriptCounter(QObject):
    def __init__(self, view: ScriptEditor, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.view = view
        self._model: Model | None = None
        self._model_id: str | None = None
        self._charges = False
        self._subscribed = True
        self.stats: ScriptStats | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(RECOUNT_DELAY_MS)
        self._timer.timeout.connect(self.recount)
        view.editor.textChanged.connect(self._timer.start)
        self.recount()

    def set_model(self, model: Model | None, model_id: str | None, *, charges: bool, subscribed: bool = True) -> None:
        """The model the script will be spoken with, and whether the engine spends credits."""
        self._model, self._model_id = model, model_id
        self._charges, self._subscribed = charges, subscribed
        self.recount()

    def recount(self) -> ScriptStats:
        self._timer.stop()
        stats = compute_stats(
            self.view.editor.toPlainText(), self._model, self._model_id,
            charges=self._charges, subscribed=self._subscribed,
        )
        self.stats = stats
        tooltip = ""
        if stats.over_limit:
            tooltip = (
                f"This script is longer than one request of this model allows ({stats.limit:,} characters). "
                f"It will be spoken in {stats.requests:,} requests, split at paragraphs and sentences."
            )
        elif stats.credits is not None:
            tooltip = "Estimated from the model's rate; the account is charged what the service reports."
        self.view.show_counter(stats.describe(), stats.over_limit, tooltip)
        return stats
