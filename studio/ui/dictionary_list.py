"""The dictionary editor's left column: the dictionaries a project speaks with, in order.

The project's own rules first, then the shared dictionaries attached (earlier ones win).
**Attach Shared** lists the shared dictionaries in the data folder (read in a worker when the
editor opens) and makes new ones; **Detach**, **Move Up** and **Move Down** act on the one
selected. Every change goes through the controller (one undo step each); a refusal (a fourth
dictionary) is shown in the editor's message strip.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QInputDialog, QLabel, QListWidget, QListWidgetItem, QMenu, QPushButton, QVBoxLayout, QWidget

from studio.api.requests import MAX_DICTIONARIES
from studio.core.pronunciation import DictionaryError, PronunciationDictionary
from studio.ui.dictionary_files import DictionaryFiles
from studio.ui.inline_message import InlineMessage
from studio.ui.pronunciation_controller import PronunciationController


class DictionaryList(QWidget):
    #: Another dictionary was selected (the rules table shows it).
    selection_changed = Signal()

    def __init__(self, controller: PronunciationController, files: DictionaryFiles, message: InlineMessage,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._controller = controller
        self._files = files
        self._message = message
        self.library: list[PronunciationDictionary] = []  # the shared dictionaries in the data folder

        self.list = QListWidget(self)
        self.list.setAccessibleName("Dictionaries this project uses")
        self.attach_button = QPushButton("&Attach Shared", self)
        self.attach_menu = QMenu(self)
        self.attach_menu.aboutToShow.connect(self._fill_attach_menu)
        self.attach_button.setMenu(self.attach_menu)
        self.detach_button = QPushButton("&Detach", self)
        self.up_button = QPushButton("Move &Up", self)
        self.down_button = QPushButton("Move Do&wn", self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel(f"Dictionaries (at most {MAX_DICTIONARIES}, first wins):", self))
        layout.addWidget(self.list, 1)
        for button in (self.attach_button, self.detach_button, self.up_button, self.down_button):
            layout.addWidget(button)

        self.list.currentRowChanged.connect(lambda _row: self._on_selected())
        self.detach_button.clicked.connect(self.detach)
        self.up_button.clicked.connect(lambda: self._controller.move(self.selected.id, -1))
        self.down_button.clicked.connect(lambda: self._controller.move(self.selected.id, 1))
        self.refill()
        self.list.setCurrentRow(0)
        files.list_shared(self._on_library)

    @property
    def selected(self) -> PronunciationDictionary:
        item = self.list.currentItem()
        dictionaries = self._controller.all()
        wanted = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        return next((d for d in dictionaries if d.id == wanted), dictionaries[0])

    def select(self, dictionary_id: str) -> None:
        ids = [d.id for d in self._controller.all()]
        if dictionary_id in ids:
            self.list.setCurrentRow(ids.index(dictionary_id))

    def refill(self) -> None:
        """Show the controller's dictionaries again, keeping the selection (the rules counts change)."""
        controller = self._controller
        current = self.list.currentItem()
        keep = current.data(Qt.ItemDataRole.UserRole) if current is not None else None
        self.list.blockSignals(True)
        self.list.clear()
        for dictionary in controller.all():
            shared = controller.is_shared(dictionary.id)
            count = len(dictionary.rules)
            item = QListWidgetItem(f"{dictionary.name}{' (shared)' if shared else ''} — "
                                   f"{count} rule{'s' if count != 1 else ''}")
            item.setData(Qt.ItemDataRole.UserRole, dictionary.id)
            if shared:
                item.setToolTip(dictionary.path or "")
            self.list.addItem(item)
        ids = [d.id for d in controller.all()]
        self.list.setCurrentRow(ids.index(keep) if keep in ids else 0)
        self.list.blockSignals(False)
        shared = controller.is_shared(self.selected.id)
        index = [d.id for d in controller.shared].index(self.selected.id) if shared else -1
        self.detach_button.setEnabled(shared)
        self.up_button.setEnabled(index > 0)
        self.down_button.setEnabled(shared and index < len(controller.shared) - 1)

    def _on_selected(self) -> None:
        self.refill()
        self.selection_changed.emit()

    # -- shared dictionaries ---------------------------------------------------------------------------

    def _on_library(self, found: list[PronunciationDictionary]) -> None:
        self.library = found
        for dictionary in found:  # a shared file edited elsewhere (another project): its current rules
            if self._controller.is_shared(dictionary.id):
                self._controller.refreshed(dictionary)

    def _fill_attach_menu(self) -> None:
        menu = self.attach_menu
        menu.clear()
        attached = {d.id for d in self._controller.shared}
        for dictionary in self.library:
            action = menu.addAction(f"{dictionary.name} ({len(dictionary.rules)} rules)")
            action.setEnabled(dictionary.id not in attached)
            action.triggered.connect(lambda _checked=False, d=dictionary: self.attach(d))
        if self.library:
            menu.addSeparator()
        menu.addAction("&New Shared Dictionary…", self.ask_new_shared)
        menu.addAction("New Shared Dictionary from &These Rules…", lambda: self.ask_new_shared(self.selected))

    def attach(self, dictionary: PronunciationDictionary) -> None:
        try:
            self._controller.attach(dictionary)
        except DictionaryError as error:
            self._message.show_error(error)
            return
        self._message.hide()
        self.select(dictionary.id)

    def ask_new_shared(self, rules: PronunciationDictionary | None = None) -> None:
        name, ok = QInputDialog.getText(self, "New shared dictionary", "Name (for example “Characters”):")
        if ok:
            self.new_shared(name, rules)

    def new_shared(self, name: str, rules: PronunciationDictionary | None = None) -> None:
        """Make a shared dictionary in the data folder (in a worker) and attach it."""
        def made(dictionary: PronunciationDictionary) -> None:
            self.library.append(dictionary)
            self.attach(dictionary)

        self._files.create_shared(name, rules, made)

    def detach(self) -> None:
        if self._controller.is_shared(self.selected.id):
            self._controller.detach(self.selected.id)
