"""The logic behind the voice browser and details pane.

Typing in the search box restarts a 300 ms single-shot timer, so at most one request goes
out per 300 ms of typing; filters apply at once. Each query replaces the model's source
(the model drops answers to older queries). Choosing a voice fills the details pane and
emits :attr:`voice_chosen`; favourites are kept in the preferences.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QObject, QTimer, Signal

from studio.core.preferences import Preferences
from studio.ui.voice_browser import VoiceBrowser
from studio.ui.voice_details import VoiceDetails
from studio.ui.voice_list_model import VoiceListModel, VoiceRoles
from studio.ui.voice_preview import VoicePreviewPlayer
from studio.ui.worker import WorkerPool

if TYPE_CHECKING:
    from studio.api.models import Voice
    from studio.api.requests import VoiceSearch
    from studio.core.backend import SynthesisBackend

SEARCH_DELAY_MS = 300
PAGE_SIZE = 50


class VoiceBrowserController(QObject):
    #: The narrator picked a voice (a Voice).
    voice_chosen = Signal(object)
    #: Favourites changed; the owner saves the preferences.
    preferences_changed = Signal()
    #: A new search went out (carries the VoiceSearch): one per pause in typing.
    query_started = Signal(object)

    def __init__(
        self,
        view: VoiceBrowser,
        details: VoiceDetails,
        pool: WorkerPool,
        preferences: Preferences,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.view = view
        self.details = details
        self.preferences = preferences
        self.model = VoiceListModel(pool, is_favourite=preferences.is_favourite, parent=self)
        self.preview = VoicePreviewPlayer(pool, self)
        self._backend: SynthesisBackend | None = None
        self._current: Voice | None = None

        view.list.setModel(self.model)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DELAY_MS)
        self._debounce.timeout.connect(self.refresh)
        view.search.textChanged.connect(lambda _text: self._debounce.start())
        view.search.returnPressed.connect(self.refresh)
        for combo in (view.category, view.voice_type, view.sort, view.direction):
            combo.currentIndexChanged.connect(lambda _i: self.refresh())
        view.favourites_only.toggled.connect(lambda _on: self.refresh())
        view.list.selectionModel().currentChanged.connect(self._on_current_changed)

        self.model.total_count_changed.connect(self._show_total)
        self.model.load_failed.connect(self._on_load_failed)
        self.model.page_loaded.connect(self._reselect_current)
        self.model.loading_changed.connect(self._on_loading)

        details.preview_button.clicked.connect(self._toggle_preview)
        details.favourite_button.clicked.connect(self._toggle_favourite)
        self.preview.playing_changed.connect(details.set_previewing)
        self.preview.error.connect(lambda error: details.message.show_error(error, retry=self._toggle_preview))

    # -- public --------------------------------------------------------------------------------
    @property
    def current_voice(self) -> Voice | None:
        return self._current

    def set_backend(self, backend: SynthesisBackend | None) -> None:
        """Browse ``backend``'s voices (None empties the list)."""
        self.preview.stop()
        self._backend = backend
        self.refresh()

    def set_current_voice(self, voice: Voice | None) -> None:
        """Show ``voice`` as chosen (e.g. restored from a project) without emitting voice_chosen."""
        self._current = voice
        self.details.show_voice(voice, favourite=bool(voice) and self.preferences.is_favourite(voice.voice_id))
        self._reselect_current()

    def refresh(self) -> None:
        self._debounce.stop()
        self.view.message.hide()
        backend = self._backend
        if backend is None:
            self.model.set_query(None)
            self.view.count_label.setText("")
            return
        search = self.build_search()
        if search is None:
            self.model.set_query(None)
            self.view.count_label.setText("No favourites yet: mark a voice with ★ Favourite.")
            return
        self.query_started.emit(search)
        self.model.set_query(lambda: backend.search_voices(search))

    def build_search(self) -> VoiceSearch | None:
        """The VoiceSearch for the current box and filters (None: favourites asked but none kept)."""
        from studio.api.requests import VoiceSearch

        fields: dict[str, Any] = {k: v for k, v in self.view.filters().items() if v is not None}
        text = self.view.search.text().strip()
        if text:
            fields["search"] = text
        if self.view.favourites_only.isChecked():
            if not self.preferences.favourite_voice_ids:
                return None
            fields["voice_ids"] = tuple(self.preferences.favourite_voice_ids[-100:])
        return VoiceSearch(page_size=PAGE_SIZE, include_total_count=True, **fields)

    def shutdown(self) -> None:
        self._debounce.stop()
        self.preview.shutdown()
        self.model.set_query(None)

    # -- reactions -------------------------------------------------------------------------------
    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        voice = current.data(VoiceRoles.VOICE) if current.isValid() else None
        if voice is None or (self._current is not None and voice.voice_id == self._current.voice_id):
            return
        self._current = voice
        self.details.show_voice(voice, favourite=self.preferences.is_favourite(voice.voice_id))
        self.voice_chosen.emit(voice)

    def _reselect_current(self) -> None:
        if self._current is None:
            return
        row = self.model.row_of(self._current.voice_id)
        if row >= 0 and self.view.list.currentIndex().row() != row:
            self.view.list.setCurrentIndex(self.model.index(row))

    def _show_total(self, total: int | None) -> None:
        if total is None:
            self.view.count_label.setText("")
        else:
            self.view.count_label.setText(f"{total:,} voice{'s' if total != 1 else ''}")

    def _on_loading(self, loading: bool) -> None:
        if loading and self.model.total_count is None:
            self.view.count_label.setText("Searching…")

    def _on_load_failed(self, error: BaseException) -> None:
        self.view.message.show_error(error, retry=self.model.retry)
        if self.model.total_count is None:
            self.view.count_label.setText("")

    def _toggle_preview(self) -> None:
        if self._current is not None and self._backend is not None:
            self.details.message.hide()
            self.preview.toggle(self._current, self._backend)

    def _toggle_favourite(self) -> None:
        if self._current is None:
            return
        state = self.preferences.toggle_favourite(self._current.voice_id)
        self.details.set_favourite(state)
        self.model.refresh_favourites()
        self.preferences_changed.emit()
        if self.view.favourites_only.isChecked():
            self.refresh()


__all__ = ["VoiceBrowserController", "SEARCH_DELAY_MS", "PAGE_SIZE"]
