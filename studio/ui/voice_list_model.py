"""A list model over pages of voices, fetched one page at a time off the GUI thread.

The view asks ``canFetchMore``/``fetchMore`` as it scrolls (DESIGN.md §3); ``fetchMore``
starts a worker for ``page.next_page()`` and shows a placeholder row ("Loading voices…")
until the page arrives. A failed fetch turns the placeholder into an error row whose text
is the narrator-facing message; :meth:`retry` tries the same fetch again.

Each new query (:meth:`set_query`) bumps a generation counter; answers that arrive for an
older generation are dropped, so a slow reply to "ge" never overwrites the list for "george".
Voices are de-duplicated by ``voice_id`` across pages (page 0 may repeat default voices).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from enum import IntEnum
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal

from studio.cancel import CancelToken
from studio.ui.inline_message import describe_error
from studio.ui.worker import Worker, WorkerPool

if TYPE_CHECKING:
    from studio.api.models import Voice
    from studio.api.pages import VoicePage

log = logging.getLogger(__name__)

Index = QModelIndex | QPersistentModelIndex
PageFetch = Callable[[], "VoicePage"]

#: Labels shown as chips, in this order (the API's label keys).
CHIP_LABELS = ("accent", "age", "gender", "use_case")


class RowKind(IntEnum):
    VOICE = 0
    LOADING = 1
    ERROR = 2


class VoiceRoles(IntEnum):
    VOICE = Qt.ItemDataRole.UserRole + 1
    VOICE_ID = Qt.ItemDataRole.UserRole + 2
    CHIPS = Qt.ItemDataRole.UserRole + 3
    FAVOURITE = Qt.ItemDataRole.UserRole + 4
    KIND = Qt.ItemDataRole.UserRole + 5
    CATEGORY = Qt.ItemDataRole.UserRole + 6


def voice_chips(voice: Any) -> list[str]:
    """The label values to show as chips for ``voice`` (accent, age, gender, use case)."""
    labels = getattr(voice, "labels", None) or {}
    chips = []
    for key in CHIP_LABELS:
        value = labels.get(key)
        if value:
            chips.append(str(value).replace("_", " "))
    return chips


class VoiceListModel(QAbstractListModel):
    #: The total number of voices for the current query (None when the engine does not say).
    total_count_changed = Signal(object)
    #: A fetch failed; carries the exception (already shown in the error row).
    load_failed = Signal(object)
    #: A page was added (or the first page of a query arrived).
    page_loaded = Signal()
    #: Loading started (True) or stopped (False).
    loading_changed = Signal(bool)

    def __init__(
        self,
        pool: WorkerPool,
        is_favourite: Callable[[str], bool] = lambda _voice_id: False,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._pool = pool
        self._is_favourite = is_favourite
        self._voices: list[Voice] = []
        self._ids: set[str] = set()
        self._page: VoicePage | None = None
        self._generation = 0
        self._loading = False
        self._error: BaseException | None = None
        self._pending_fetch: PageFetch | None = None
        self._worker: Worker | None = None
        # True while a page is being merged: views (and qtmodeltester) call canFetchMore from
        # inside row signals, and must not start another fetch half-way through this one.
        self._merging = False
        self.total_count: int | None = None

    # -- queries ---------------------------------------------------------------------------
    def set_query(self, fetch_first: PageFetch | None) -> None:
        """Start over with a new query; ``None`` just empties the list."""
        self._generation += 1
        if self._worker is not None:
            self._worker.cancel()
            self._worker = None
        self.beginResetModel()
        self._voices, self._ids = [], set()
        self._page = None
        self._error = None
        self._loading = False
        self.endResetModel()
        self._set_total(None)
        if fetch_first is not None:
            self._start(fetch_first)

    def retry(self) -> None:
        """Run the fetch that failed again."""
        if self._error is None or self._pending_fetch is None:
            return
        self._error = None
        self._loading = True
        row = len(self._voices)
        self.dataChanged.emit(self.index(row), self.index(row))
        self._launch(self._pending_fetch)

    @property
    def is_loading(self) -> bool:
        return self._loading

    @property
    def error(self) -> BaseException | None:
        return self._error

    @property
    def voices(self) -> list[Voice]:
        return list(self._voices)

    def voice_at(self, row: int) -> Voice | None:
        return self._voices[row] if 0 <= row < len(self._voices) else None

    def row_of(self, voice_id: str) -> int:
        for row, voice in enumerate(self._voices):
            if voice.voice_id == voice_id:
                return row
        return -1

    def refresh_favourites(self) -> None:
        if self._voices:
            self.dataChanged.emit(self.index(0), self.index(len(self._voices) - 1), [VoiceRoles.FAVOURITE])

    # -- Qt model API ------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        if parent.isValid():
            return 0
        return len(self._voices) + (1 if self._has_placeholder() else 0)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= self.rowCount():
            return None
        row = index.row()
        if row >= len(self._voices):
            return self._placeholder_data(role)
        voice = self._voices[row]
        if role == Qt.ItemDataRole.DisplayRole:
            return voice.name or voice.voice_id
        if role == Qt.ItemDataRole.ToolTipRole:
            return getattr(voice, "description", None) or voice.name
        if role == Qt.ItemDataRole.AccessibleTextRole:
            chips = ", ".join(voice_chips(voice))
            star = ", favourite" if self._is_favourite(voice.voice_id) else ""
            return f"{voice.name}{star}{': ' + chips if chips else ''}"
        if role == VoiceRoles.VOICE:
            return voice
        if role == VoiceRoles.VOICE_ID:
            return voice.voice_id
        if role == VoiceRoles.CHIPS:
            return voice_chips(voice)
        if role == VoiceRoles.FAVOURITE:
            return self._is_favourite(voice.voice_id)
        if role == VoiceRoles.KIND:
            return int(RowKind.VOICE)
        if role == VoiceRoles.CATEGORY:
            return getattr(voice, "category", None)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        if index.row() >= len(self._voices):
            return Qt.ItemFlag.ItemIsEnabled  # the placeholder cannot be selected
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def roleNames(self) -> dict[int, bytes]:
        names = dict(super().roleNames())
        names.update({int(r): r.name.lower().encode() for r in VoiceRoles})
        return names

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        if parent.isValid() or self._merging or self._loading or self._error is not None or self._page is None:
            return False
        return bool(self._page.has_next_page())

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if not self.canFetchMore(parent):
            return
        page = self._page
        assert page is not None
        self._start(page.next_page)

    # -- internals ---------------------------------------------------------------------------
    def _has_placeholder(self) -> bool:
        return self._loading or self._error is not None

    def _placeholder_data(self, role: int) -> Any:
        kind = RowKind.ERROR if self._error is not None else RowKind.LOADING
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole, Qt.ItemDataRole.ToolTipRole):
            if kind is RowKind.ERROR:
                return describe_error(self._error)  # type: ignore[arg-type]
            return "Loading voices…"
        if role == VoiceRoles.KIND:
            return int(kind)
        if role == VoiceRoles.CHIPS:
            return []
        if role == VoiceRoles.FAVOURITE:
            return False
        return None

    def _start(self, fetch: PageFetch) -> None:
        row = len(self._voices)
        self._merging = True
        try:
            self.beginInsertRows(QModelIndex(), row, row)
            self._loading = True
            self._error = None
            self.endInsertRows()
        finally:
            self._merging = False
        self._launch(fetch)

    def _launch(self, fetch: PageFetch) -> None:
        self._pending_fetch = fetch
        generation = self._generation
        self.loading_changed.emit(True)

        def work(token: CancelToken) -> VoicePage:
            return fetch()

        worker = Worker(work)
        worker.signals.finished.connect(lambda page, g=generation: self._on_page(g, page))
        worker.signals.errored.connect(lambda error, g=generation: self._on_error(g, error))
        self._worker = worker
        self._pool.start(worker)

    def _on_page(self, generation: int, page: VoicePage) -> None:
        if generation != self._generation:
            log.debug("dropping a stale voice page (generation %s, now %s)", generation, self._generation)
            return
        self._worker = None
        self._merging = True
        try:
            self._remove_placeholder()
            self._pending_fetch = None
            self._page = page
            fresh = []
            for voice in page.voices:
                if voice.voice_id not in self._ids:
                    self._ids.add(voice.voice_id)
                    fresh.append(voice)
            if fresh:
                start = len(self._voices)
                self.beginInsertRows(QModelIndex(), start, start + len(fresh) - 1)
                self._voices.extend(fresh)
                self.endInsertRows()
        finally:
            self._merging = False
        total = getattr(page, "total_count", None)
        if total is not None:
            self._set_total(int(total))
        elif not page.has_next_page():
            self._set_total(len(self._voices))
        self.loading_changed.emit(False)
        self.page_loaded.emit()
        if not fresh and page.has_next_page():
            # A page of repeats adds no rows, so the view would not ask again: go on at once.
            self.fetchMore()

    def _on_error(self, generation: int, error: BaseException) -> None:
        if generation != self._generation:
            return
        self._worker = None
        self._loading = False
        self._error = error
        row = len(self._voices)
        self.dataChanged.emit(self.index(row), self.index(row))
        self.loading_changed.emit(False)
        self.load_failed.emit(error)

    def _remove_placeholder(self) -> None:
        if not self._has_placeholder():
            return
        row = len(self._voices)
        self.beginRemoveRows(QModelIndex(), row, row)
        self._loading = False
        self._error = None
        self.endRemoveRows()

    def _set_total(self, total: int | None) -> None:
        if total != self.total_count:
            self.total_count = total
            self.total_count_changed.emit(total)
