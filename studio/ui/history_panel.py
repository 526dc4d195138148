"""The History panel's widgets: filters, the list, its actions, its message and empty state.

Only widgets live here; :mod:`studio.ui.history_controller` decides what to fetch and do.
"""

from __future__ import annotations

import time

from PySide6.QtWidgets import QAbstractItemView, QComboBox, QGridLayout, QHBoxLayout, QLineEdit, QProgressBar, QPushButton, QWidget

from studio.ui.account_list import AccountListPanel
from studio.ui.voice_browser import labelled_combo

#: Date filter choices: label → how many days back (None: any time).
DATES: tuple[tuple[str, int | None], ...] = (
    ("Any time", None), ("Last 24 hours", 1), ("Last 7 days", 7), ("Last 30 days", 30), ("Last 365 days", 365),
)
OFFLINE_TEXT = ("History is kept by an ElevenLabs account, and the offline voice keeps none. "
                "Connect your account (File ▸ Account…) to see, play and reuse everything you have generated.")
EMPTY_TEXT = "Nothing in your history matches. Clear the search or filters to see everything."


def date_after(days: int | None, now: float | None = None) -> int | None:
    """The ``date_after_unix`` for "the last ``days`` days" (None: no limit)."""
    if days is None:
        return None
    return int((now if now is not None else time.time()) - days * 86400)


class HistoryPanel(AccountListPanel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("History", OFFLINE_TEXT, parent)
        self.setObjectName("historyPanel")
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search history")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search history")
        self.voice = labelled_combo("Voice filter", [("Any voice", None)])
        self.model = labelled_combo("Model filter", [("Any model", None)])
        self.date = labelled_combo("Date filter", DATES)
        filters = QGridLayout()
        filters.addWidget(self.search, 0, 0, 1, 3)
        filters.addWidget(self.voice, 1, 0)
        filters.addWidget(self.model, 1, 1)
        filters.addWidget(self.date, 1, 2)

        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.list.setWordWrap(False)

        self.play_button = self._button("&Play", "Play the chosen history item")
        self.download_button = self._button("&Download…", "Download the chosen items (several: one ZIP)")
        self.delete_button = self._button("De&lete…", "Delete the chosen items from your history (no undo)")
        self.take_button = self._button("Add as &Take", "Add the item as a take of the paragraph that says its text")
        actions = QHBoxLayout()
        for button in (self.play_button, self.download_button, self.delete_button, self.take_button):
            actions.addWidget(button)
        self.progress = QProgressBar()
        self.progress.setAccessibleName("History progress")
        self.progress.setTextVisible(True)
        self.progress.hide()
        self.arrange(filters, self.progress, actions)

    def set_connected(self, connected: bool) -> None:
        super().set_connected(connected)
        for widget in (self.search, self.voice, self.model, self.date):
            widget.setEnabled(connected)
        if not connected and hasattr(self, "play_button"):
            self.set_actions_enabled(0)

    def show_empty(self, empty: bool) -> None:
        """A connected account whose history (under these filters) has nothing."""
        self.empty.setText(EMPTY_TEXT)
        self.empty.setVisible(empty)
        self.list.setVisible(not empty)

    def set_actions_enabled(self, selected: int) -> None:
        self.play_button.setEnabled(selected == 1)
        self.take_button.setEnabled(selected == 1)
        self.download_button.setEnabled(selected >= 1)
        self.delete_button.setEnabled(selected >= 1)

    def set_choices(self, combo: QComboBox, first: str, choices: list[tuple[str, str]]) -> None:
        """Refill a filter (voices, models) keeping the current choice when it is still there."""
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(first, None)
        for label, value in choices:
            combo.addItem(label, value)
        index = combo.findData(current)
        combo.setCurrentIndex(max(index, 0))
        combo.blockSignals(False)

    def show_busy(self, text: str | None, done: int = 0, total: int = 0) -> None:
        """A progress strip; ``total`` 0 shows it busy (the size is not known ahead)."""
        if text is None:
            self.progress.hide()
            return
        self.progress.setRange(0, total)
        self.progress.setValue(done)
        self.progress.setFormat(text)
        self.progress.show()

    @staticmethod
    def _button(text: str, tip: str) -> QPushButton:
        button = QPushButton(text)
        button.setToolTip(tip)
        button.setAccessibleName(text.replace("&", "").rstrip("…"))
        return button
