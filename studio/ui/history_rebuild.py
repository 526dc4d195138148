"""Tools ▸ Rebuild from History…: find the script's paragraphs in the account's history, say
what was found and what the rest would cost, and only on the person's word fill the takes.

Both steps run in workers: matching (:func:`studio.core.history_match.match_history`, which
pages through the history lazily and spends nothing) and filling
(:func:`studio.core.history_takes.fetch_found_takes`, which downloads audio: no credits).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QListWidget, QPushButton, QVBoxLayout, QWidget

from studio.cancel import CancelToken
from studio.ui.inline_message import InlineMessage
from studio.ui.worker import Worker

if TYPE_CHECKING:
    from studio.core.history_match import HistoryMatch
    from studio.core.history_takes import RebuildResult
    from studio.ui.history_controller import HistoryController


def _short(text: str, limit: int = 70) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


class RebuildDialog(QDialog):
    def __init__(self, history: HistoryController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Rebuild from History")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._history = history
        self._worker: Worker | None = None
        self.match: HistoryMatch | None = None
        self.result: RebuildResult | None = None
        self.summary = QLabel("Looking through your history… nothing is spent.")
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("Rebuild report")
        self.found = QListWidget()
        self.found.setAccessibleName("Found in history")
        self.remaining = QListWidget()
        self.remaining.setAccessibleName("Still to generate")
        self.message = InlineMessage()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.fill_button = QPushButton("Fill Takes")
        self.fill_button.setEnabled(False)
        self.buttons.addButton(self.fill_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.fill_button.clicked.connect(self._fill)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.message)
        layout.addWidget(QLabel("Found in your history:"))
        layout.addWidget(self.found)
        layout.addWidget(QLabel("Would still be generated:"))
        layout.addWidget(self.remaining)
        layout.addWidget(self.buttons)
        self.resize(560, 480)
        self.finished.connect(lambda _r: self._worker.cancel() if self._worker is not None else None)
        self._start_match()

    def _start_match(self) -> None:
        try:
            client, inputs, snapshot, cache = self._history.rebuild_inputs()
        except Exception as error:
            self.summary.setText("Nothing was looked up.")
            self.message.show_error(error)
            return

        def work(token: CancelToken) -> HistoryMatch:
            from studio.core.history_match import history_query_for, match_history

            items = client.iter_history(history_query_for(inputs.settings))
            return match_history(snapshot, inputs.settings, inputs.capabilities, items, cache, cancel=token)

        self._launch(work, self._show_report)

    def _show_report(self, match: HistoryMatch) -> None:
        self.match = match
        self.summary.setText(match.summary())
        for found in match.found:
            note = " (other voice settings)" if found.settings_differ else ""
            self.found.addItem(f"{found.index + 1}. {_short(found.text)}{note}")
        charges = match.plan.capabilities.charges
        for left in match.remaining:
            cost = f" — {left.credits:,.0f} credits" if charges else ""
            self.remaining.addItem(f"{left.index + 1}. {_short(left.text)}{cost}")
        self.fill_button.setText(f"Fill {len(match.found)} Take{'s' if len(match.found) != 1 else ''}")
        self.fill_button.setEnabled(bool(match.found))

    def _fill(self) -> None:
        match = self.match
        if match is None:
            return
        try:
            client, _inputs, _snapshot, cache = self._history.rebuild_inputs()
        except Exception as error:
            self.message.show_error(error)
            return
        self.fill_button.setEnabled(False)
        self.summary.setText("Downloading the found audio from your history (no credits)…")

        def work(token: CancelToken) -> RebuildResult:
            from studio.core.history_takes import fetch_found_takes

            return fetch_found_takes(match, lambda item_id: client.get_history_audio(item_id, cancel=token),
                                     cache, cancel=token)

        self._launch(work, self._filled)

    def _filled(self, result: RebuildResult) -> None:
        self.result = result
        added = self._history.add_takes(result.takes)
        if result.failures:
            first = next(iter(result.failures.values()))
            self.summary.setText(f"Filled {added} paragraph{'s' if added != 1 else ''}; "
                                 f"{len(result.failures)} could not be fetched.")
            self.message.show_error(first)
            return
        self._history.status.emit(f"Rebuilt {added} paragraph{'s' if added != 1 else ''} from history (no credits used)")
        self.accept()

    def _launch(self, work: Any, done: Any) -> None:
        worker = Worker(work)
        worker.signals.finished.connect(done)
        worker.signals.errored.connect(self._failed)
        self._worker = worker
        self._history.pool.start(worker)

    def _failed(self, error: BaseException) -> None:
        from studio.cancel import Cancelled

        if isinstance(error, Cancelled):
            return
        self.summary.setText("Nothing was changed.")
        self.message.show_error(error)
