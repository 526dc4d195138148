"""The voice browser view: search box, filters, the total, the list and its messages.

Only widgets live here; :mod:`studio.ui.voice_browser_controller` decides what to fetch.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QListView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from studio.ui.inline_message import InlineMessage
from studio.ui.voice_delegate import VoiceDelegate

CATEGORIES: tuple[tuple[str, str | None], ...] = (
    ("Any category", None),
    ("Premade", "premade"),
    ("Cloned", "cloned"),
    ("Generated", "generated"),
    ("Professional", "professional"),
)
VOICE_TYPES: tuple[tuple[str, str | None], ...] = (
    ("All voices", None),
    ("My voices", "personal"),
    ("Default voices", "default"),
    ("Workspace", "workspace"),
    ("Community", "community"),
    ("Saved", "saved"),
)
SORTS: tuple[tuple[str, str], ...] = (("Name", "name"), ("Date added", "created_at_unix"))
DIRECTIONS: tuple[tuple[str, str], ...] = (("Ascending", "asc"), ("Descending", "desc"))


def labelled_combo(name: str, items: tuple[tuple[str, object], ...] | list[tuple[str, object]]) -> QComboBox:
    """A combo box named for screen readers and tooltips, with (label, value) items."""
    combo = QComboBox()
    combo.setAccessibleName(name)
    combo.setToolTip(name)
    for text, value in items:
        combo.addItem(text, value)
    return combo


class VoiceBrowser(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("voiceBrowser")
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search voices (Ctrl+K)")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search voices")
        self.favourites_only = QToolButton()
        self.favourites_only.setText("★")
        self.favourites_only.setCheckable(True)
        self.favourites_only.setToolTip("Show only favourite voices")
        self.favourites_only.setAccessibleName("Show only favourite voices")

        self.category = labelled_combo("Voice category", CATEGORIES)
        self.voice_type = labelled_combo("Voice type", VOICE_TYPES)
        self.sort = labelled_combo("Sort voices by", SORTS)  # type: ignore[arg-type]
        self.direction = labelled_combo("Sort direction", DIRECTIONS)  # type: ignore[arg-type]

        self.count_label = QLabel("")
        self.count_label.setAccessibleName("Number of voices")
        self.message = InlineMessage(self)

        self.list = QListView()
        self.list.setAccessibleName("Voices")
        self.list.setItemDelegate(VoiceDelegate(self.list))
        # Every row has the same height: the view never measures 10,000 rows.
        self.list.setUniformItemSizes(True)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        top = QGridLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.search, 0, 0, 1, 2)
        top.addWidget(self.favourites_only, 0, 2)
        top.addWidget(self.category, 1, 0)
        top.addWidget(self.voice_type, 1, 1, 1, 2)
        top.addWidget(self.sort, 2, 0)
        top.addWidget(self.direction, 2, 1, 1, 2)
        top.setColumnStretch(0, 1)
        top.setColumnStretch(1, 1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        title = QLabel("<b>Voices</b>")
        title.setAccessibleName("Voices panel")
        layout.addWidget(title)
        layout.addLayout(top)
        layout.addWidget(self.count_label)
        layout.addWidget(self.message)
        layout.addWidget(self.list, 1)

    def filters(self) -> dict[str, str | None]:
        return {
            "category": self.category.currentData(),
            "voice_type": self.voice_type.currentData(),
            "sort": self.sort.currentData(),
            "sort_direction": self.direction.currentData(),
        }

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()
