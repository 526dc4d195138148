"""What the History panel and the voice library tab share: a list that only an ElevenLabs
account can fill, loaded the first time it is shown, with a search box that waits for a
pause in typing, and an empty state that says why it is empty.

:class:`AccountListPanel` is the widgets (count, message strip, list, empty-state label);
:class:`AccountListController` is when to load: on first show, again when the engine changes,
never for the offline engine (which keeps no history and has no library) and never while hidden.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QLabel, QLayout, QListView, QVBoxLayout, QWidget

from studio.ui.inline_message import InlineMessage
from studio.ui.paged_list_model import PagedListModel

SEARCH_DELAY_MS = 300


class AccountListPanel(QWidget):
    def __init__(self, name: str, offline_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.offline_text = offline_text
        self.count_label = QLabel("")
        self.count_label.setAccessibleName(f"Number of {name.lower()}")
        self.message = InlineMessage(self)
        self.message.setAccessibleName(f"{name} message")
        self.list = QListView()
        self.list.setAccessibleName(name)
        self.list.setUniformItemSizes(True)  # every row the same height: no measuring of every row
        self.empty = QLabel(offline_text)
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setAccessibleName(f"{name} empty")

    def arrange(self, above: QLayout, *below: QWidget | QLayout) -> None:
        """Filters on top, then the count, message, list (or empty state), then ``below``."""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(above)
        for widget in (self.count_label, self.message):
            layout.addWidget(widget)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.empty, 1)
        for item in below:
            if isinstance(item, QLayout):
                layout.addLayout(item)
            else:
                layout.addWidget(item)
        self.set_connected(False)

    def set_connected(self, connected: bool) -> None:
        """Offline: the helpful empty state instead of a list that can never fill."""
        self.empty.setText(self.offline_text)
        self.list.setVisible(connected)
        self.empty.setVisible(not connected)
        if not connected:
            self.count_label.setText("")


class AccountListController(QObject):
    def __init__(self, panel: AccountListPanel, model: PagedListModel[Any], client: Callable[[], Any],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._list_panel = panel
        self._list_model = model
        self._client = client
        self._shown = False
        self._loaded_for: object | None = None  # the client the list was loaded with
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DELAY_MS)
        self._debounce.timeout.connect(self.refresh)
        panel.list.setModel(model)
        model.load_failed.connect(lambda error: panel.message.show_error(error, retry=model.retry))

    @property
    def connected(self) -> bool:
        return self._client() is not None

    def typed(self) -> None:
        """Text changed in a search box: ask once the typing pauses."""
        self._debounce.start()

    def set_shown(self, shown: bool) -> None:
        """The list was shown or hidden: load on first show (and after the engine changed)."""
        self._shown = shown
        if shown:
            self.engine_changed()

    def engine_changed(self) -> None:
        client = self._client()
        self._list_panel.set_connected(client is not None)
        if client is None:
            self._loaded_for = None
            self._list_model.set_query(None)
            return
        if self._shown and client is not self._loaded_for:
            self.refresh()

    def refresh(self) -> None:
        self._debounce.stop()
        client = self._client()
        if client is None or not self._shown:
            return
        self._loaded_for = client
        self._list_panel.message.dismiss()
        self._list_model.set_query(self.first_page(client))

    def first_page(self, client: Any) -> Callable[[], Any]:
        """The fetch of the first page for the current filters (run in a worker)."""
        raise NotImplementedError
