"""The voice library's widgets (the "Library" tab beside "My voices"): filters, the paged list,
the chosen voice's details with Preview and "Add to My Voices", and a message strip.

Only widgets live here; :mod:`studio.ui.library_controller` decides what to fetch and do.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTabWidget,
    QWidget,
)

from studio.api.shared_voices import LIBRARY_CATEGORIES, LIBRARY_SORTS
from studio.ui.account_list import AccountListPanel
from studio.ui.voice_browser import labelled_combo as _combo
from studio.ui.voice_delegate import VoiceDelegate

GENDERS = (("Any gender", None), ("Female", "female"), ("Male", "male"), ("Neutral", "neutral"))
AGES = (("Any age", None), ("Young", "young"), ("Middle-aged", "middle_aged"), ("Old", "old"))
LANGUAGES = (("Any language", None), ("English", "en"), ("Spanish", "es"), ("German", "de"), ("French", "fr"),
             ("Italian", "it"), ("Portuguese", "pt"), ("Polish", "pl"), ("Hindi", "hi"), ("Japanese", "ja"))
USE_CASES = (("Any use", None), ("Narration", "narrative_story"), ("Audiobook", "audiobook"),
             ("Educational", "informative_educational"), ("News", "news"), ("Conversational", "conversational"),
             ("Characters", "characters_animation"), ("Meditation", "meditation"), ("Social media", "social_media"))
CATEGORIES = (("Any category", None),) + tuple((c.replace("_", " ").capitalize(), c) for c in LIBRARY_CATEGORIES)
SORT_NAMES = {"created_date": "Newest", "usage_character_count_1y": "Most used (year)", "trending": "Trending",
              "cloned_by_count": "Most added"}
SORTS = tuple((SORT_NAMES.get(s, s), s) for s in LIBRARY_SORTS)
OFFLINE_TEXT = ("The voice library is ElevenLabs' shared library. Connect your account (File ▸ Account…) "
                "to browse it and add voices to My voices.")


class LibraryPanel(AccountListPanel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Library voices", OFFLINE_TEXT, parent)
        self.setObjectName("libraryPanel")
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search the voice library")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search the voice library")
        self.language = _combo("Language", LANGUAGES)
        self.accent = QLineEdit()
        self.accent.setPlaceholderText("Accent (e.g. british)")
        self.accent.setAccessibleName("Accent")
        self.gender = _combo("Gender", GENDERS)
        self.age = _combo("Age", AGES)
        self.use_case = _combo("Use case", USE_CASES)
        self.category = _combo("Library category", CATEGORIES)
        self.sort = _combo("Sort library by", SORTS)
        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(self.search, 0, 0, 1, 2)
        for index, widget in enumerate((self.language, self.accent, self.gender, self.age, self.use_case,
                                        self.category, self.sort)):
            grid.addWidget(widget, 1 + index // 2, index % 2)
        self.list.setItemDelegate(VoiceDelegate(self.list))
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.details = QLabel("Pick a voice to read about it, hear it and add it to My voices.")
        self.details.setWordWrap(True)
        self.details.setAccessibleName("Library voice details")
        self.preview_button = QPushButton("Preview")
        self.preview_button.setAccessibleName("Preview library voice")
        self.add_button = QPushButton("Add to My Voices")
        self.add_button.setAccessibleName("Add to My Voices")
        buttons = QHBoxLayout()
        buttons.addWidget(self.preview_button)
        buttons.addWidget(self.add_button)
        self.arrange(grid, self.details, buttons)

    def set_connected(self, connected: bool) -> None:
        super().set_connected(connected)
        if not connected and hasattr(self, "add_button"):
            self.set_voice_chosen(False)

    def set_voice_chosen(self, chosen: bool) -> None:
        self.preview_button.setEnabled(chosen)
        self.add_button.setEnabled(chosen)

    def filters(self) -> dict[str, object]:
        use_case = self.use_case.currentData()
        return {"language": self.language.currentData(), "accent": self.accent.text(),
                "gender": self.gender.currentData(), "age": self.age.currentData(),
                "use_cases": (use_case,) if use_case else None, "category": self.category.currentData(),
                "sort": self.sort.currentData(), "search": self.search.text()}


class VoiceTabs(QTabWidget):
    """"My voices" (the account's own, the existing browser) and "Library" (the shared one)."""

    def __init__(self, mine: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("voiceTabs")
        self.setDocumentMode(True)
        self.setAccessibleName("Voice lists")
        self.tabBar().setAccessibleName("My voices or the voice library")
        self.library = LibraryPanel()
        self.addTab(mine, "&My Voices")
        self.addTab(self.library, "&Library")
        self.setTabToolTip(0, "The voices in your account: pick one to narrate with")
        self.setTabToolTip(1, "ElevenLabs' shared voice library: preview a voice and add it to My voices")
