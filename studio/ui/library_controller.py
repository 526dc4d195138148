"""The logic behind the voice library tab: query the shared library page by page, preview a
voice, add it to the account (then *My voices* is searched again, so it is there at once).

The library belongs to an ElevenLabs account; with the offline engine the tab explains that and
asks nothing. It loads only once the tab is opened. Failures (a voice no longer shared, no free
voice slot, a key without ``voices_write``) reach the tab's message strip through the one error
path (:func:`~studio.ui.inline_message.describe_error`); a failed add changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QObject, Signal

from studio.cancel import CancelToken
from studio.ui.account_list import AccountListController
from studio.ui.library_model import LibraryListModel
from studio.ui.library_panel import LibraryPanel
from studio.ui.voice_list_model import VoiceRoles
from studio.ui.voice_preview import VoicePreviewPlayer
from studio.ui.worker import Worker, WorkerPool

if TYPE_CHECKING:
    from studio.api.client import ElevenLabsClient
    from studio.api.shared_voices import AddedVoice, LibraryVoice
    from studio.core.backend import SynthesisBackend

PAGE_SIZE = 30


class LibraryController(AccountListController):
    #: A library voice was added: (the library voice, its id in My voices).
    voice_added = Signal(object, str)
    status = Signal(str)

    def __init__(self, panel: LibraryPanel, pool: WorkerPool, *, backend: Callable[[], SynthesisBackend | None],
                 client: Callable[[], ElevenLabsClient | None], parent: QObject | None = None) -> None:
        self.model = LibraryListModel(pool)
        super().__init__(panel, self.model, client, parent)
        self.model.setParent(self)
        self.panel = panel
        self.pool = pool
        self._backend = backend
        self.preview = VoicePreviewPlayer(pool, self)
        self._current: LibraryVoice | None = None
        self._adding: Worker | None = None
        for edit in (panel.search, panel.accent):
            edit.textChanged.connect(lambda _t: self.typed())
            edit.returnPressed.connect(self.refresh)
        for combo in (panel.language, panel.gender, panel.age, panel.use_case, panel.category, panel.sort):
            combo.currentIndexChanged.connect(lambda _i: self.refresh())
        panel.list.selectionModel().currentChanged.connect(self._on_current)
        self.model.total_count_changed.connect(
            lambda total: panel.count_label.setText("" if total is None else f"{total:,} voice{'s' if total != 1 else ''}"))
        panel.preview_button.clicked.connect(self._toggle_preview)
        panel.add_button.clicked.connect(self.add_current)
        self.preview.playing_changed.connect(lambda on: panel.preview_button.setText("Stop" if on else "Preview"))
        self.preview.error.connect(panel.message.show_error)

    @property
    def current_voice(self) -> LibraryVoice | None:
        return self._current

    def set_shown(self, shown: bool) -> None:
        if not shown:
            self.preview.stop()
        super().set_shown(shown)

    def query(self) -> Any:
        from studio.api.shared_voices import SharedVoiceQuery

        return SharedVoiceQuery(page_size=PAGE_SIZE, **self.panel.filters())

    def first_page(self, client: ElevenLabsClient) -> Callable[[], Any]:
        self._set_current(None)
        query = self.query()
        return lambda: client.search_shared_voices(query)

    def add_current(self) -> None:
        voice, client = self._current, self._client()
        if voice is None or client is None or self._adding is not None:
            return

        def work(token: CancelToken) -> AddedVoice:
            return client.add_shared_voice(voice.public_owner_id, voice.voice_id, voice.name or voice.voice_id)

        worker = Worker(work)
        worker.signals.finished.connect(lambda added, v=voice: self._on_added(v, added))
        worker.signals.errored.connect(self._on_add_failed)
        self._adding = worker
        self.panel.add_button.setEnabled(False)
        self.status.emit(f"Adding “{voice.name}” to My voices…")
        self.pool.start(worker)

    def shutdown(self) -> None:
        self._debounce.stop()
        self.preview.shutdown()
        if self._adding is not None:
            self._adding.cancel()
        self.model.set_query(None)

    # -- reactions -------------------------------------------------------------------------------
    def _on_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._set_current(current.data(VoiceRoles.VOICE) if current.isValid() else None)

    def _set_current(self, voice: LibraryVoice | None) -> None:
        self._current = voice
        self.preview.stop()
        self.panel.set_voice_chosen(voice is not None)
        if voice is None:
            self.panel.details.setText("Pick a voice to read about it, hear it and add it to My voices.")
            return
        added = self.model.is_added(voice)
        self.panel.add_button.setEnabled(not added)
        self.panel.add_button.setText("In My Voices" if added else "Add to My Voices")
        self.panel.details.setText(f"<b>{voice.name}</b><br>{voice.description or ''}")

    def _toggle_preview(self) -> None:
        backend = self._backend()
        if self._current is not None and backend is not None:
            self.panel.message.dismiss()
            self.preview.toggle(self._current, backend)  # type: ignore[arg-type]

    def _on_added(self, voice: LibraryVoice, added: AddedVoice) -> None:
        self._adding = None
        self.model.mark_added(voice)
        if self._current is voice:
            self._set_current(voice)
        self.status.emit(f"“{voice.name}” is in My voices now")
        self.voice_added.emit(voice, added.voice_id)

    def _on_add_failed(self, error: BaseException) -> None:
        self._adding = None
        self.panel.add_button.setEnabled(self._current is not None)
        self.panel.message.show_error(error)
