"""A list model over pages fetched one at a time off the GUI thread (voices, history, library).

The view asks ``canFetchMore``/``fetchMore`` as it scrolls (DESIGN.md §3); ``fetchMore``
starts a worker for ``page.next_page()`` and shows a placeholder row ("Loading…") until the
page arrives. A failed fetch turns the placeholder into an error row whose text is the
narrator-facing message; :meth:`retry` tries the same fetch again.

Each new query (:meth:`set_query`) bumps a generation counter; answers that arrive for an
older generation are dropped, so a slow reply to "ge" never overwrites the list for "george".
Items are de-duplicated by :meth:`item_key` across pages (a page may repeat earlier items).

This is the one copy of the paging rule: subclasses say only how an item is shown
(:meth:`item_data`), what identifies it (:meth:`item_key`) and where a page keeps its items
(:meth:`page_items`). A page is anything with ``has_next_page()`` and ``next_page()``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Hashable, Sequence
from enum import IntEnum
from typing import Any, Generic, Protocol, TypeVar

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal

from studio.cancel import CancelToken
from studio.ui.inline_message import describe_error
from studio.ui.worker import Worker, WorkerPool

log = logging.getLogger(__name__)

Index = QModelIndex | QPersistentModelIndex
T = TypeVar("T")


class Page(Protocol):
    def has_next_page(self) -> bool: ...
    def next_page(self) -> Any: ...


PageFetch = Callable[[], Any]

#: The role every paged model answers with the row's :class:`RowKind`.
KIND_ROLE = Qt.ItemDataRole.UserRole + 5


class RowKind(IntEnum):
    ITEM = 0
    LOADING = 1
    ERROR = 2


class PagedListModel(QAbstractListModel, Generic[T]):
    #: The total number of items for the current query (None when the source does not say).
    total_count_changed = Signal(object)
    #: A fetch failed; carries the exception (already shown in the error row).
    load_failed = Signal(object)
    #: A page was added (or the first page of a query arrived).
    page_loaded = Signal()
    #: Loading started (True) or stopped (False).
    loading_changed = Signal(bool)

    #: The placeholder's text while a page is on its way.
    loading_text = "Loading…"
    #: The role that answers the row's kind (subclasses may name it in their own roles enum).
    kind_role: int = KIND_ROLE

    def __init__(self, pool: WorkerPool, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = pool
        self._items: list[T] = []
        self._keys: set[Hashable] = set()
        self._page: Any = None
        self._generation = 0
        self._loading = False
        self._error: BaseException | None = None
        self._pending_fetch: PageFetch | None = None
        self._worker: Worker | None = None
        self._launched: dict[QObject, int] = {}  # a running fetch's signals -> its generation
        # True while a page is being merged: views (and qtmodeltester) call canFetchMore from
        # inside row signals, and must not start another fetch half-way through this one.
        self._merging = False
        self.total_count: int | None = None

    # -- what subclasses say ---------------------------------------------------------------
    def item_key(self, item: T) -> Hashable:
        raise NotImplementedError

    def item_data(self, item: T, row: int, role: int) -> Any:
        raise NotImplementedError

    def page_items(self, page: Any) -> Sequence[T]:
        return page.voices  # type: ignore[no-any-return]

    def placeholder_extra(self, role: int) -> Any:
        """Other roles of the placeholder row (a subclass's delegate may ask for them)."""
        return None

    # -- queries ---------------------------------------------------------------------------
    def set_query(self, fetch_first: PageFetch | None) -> None:
        """Start over with a new query; ``None`` just empties the list."""
        self._generation += 1
        if self._worker is not None:
            self._worker.cancel()
            self._worker = None
        self.beginResetModel()
        self._items, self._keys = [], set()
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
        row = len(self._items)
        self.dataChanged.emit(self.index(row), self.index(row))
        self._launch(self._pending_fetch)

    @property
    def is_loading(self) -> bool:
        return self._loading

    @property
    def error(self) -> BaseException | None:
        return self._error

    @property
    def items(self) -> list[T]:
        return list(self._items)

    def item_at(self, row: int) -> T | None:
        return self._items[row] if 0 <= row < len(self._items) else None

    def row_of_key(self, key: Hashable) -> int:
        for row, item in enumerate(self._items):
            if self.item_key(item) == key:
                return row
        return -1

    def remove_key(self, key: Hashable) -> bool:
        """Drop one item (deleted at the source) without asking the source again."""
        row = self.row_of_key(key)
        if row < 0:
            return False
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._items[row]
        self._keys.discard(key)
        self.endRemoveRows()
        if self.total_count is not None:
            self._set_total(max(0, self.total_count - 1))
        return True

    def prepend(self, item: T) -> None:
        """Show an item the source has just gained (newest first) without a new query."""
        key = self.item_key(item)
        if key in self._keys:
            return
        self.beginInsertRows(QModelIndex(), 0, 0)
        self._items.insert(0, item)
        self._keys.add(key)
        self.endInsertRows()
        if self.total_count is not None:
            self._set_total(self.total_count + 1)

    def refresh_rows(self, roles: list[int] | None = None) -> None:
        if self._items:
            self.dataChanged.emit(self.index(0), self.index(len(self._items) - 1), roles or [])

    # -- Qt model API ------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        if parent.isValid():
            return 0
        return len(self._items) + (1 if self._has_placeholder() else 0)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= self.rowCount():
            return None
        row = index.row()
        if row >= len(self._items):
            return self._placeholder_data(role)
        if role == self.kind_role:
            return int(RowKind.ITEM)
        return self.item_data(self._items[row], row, role)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        if index.row() >= len(self._items):
            return Qt.ItemFlag.ItemIsEnabled  # the placeholder cannot be selected
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        if parent.isValid() or self._merging or self._loading or self._error is not None or self._page is None:
            return False
        return bool(self._page.has_next_page())

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if not self.canFetchMore(parent):
            return
        self._start(self._page.next_page)

    # -- internals ---------------------------------------------------------------------------
    def _has_placeholder(self) -> bool:
        return self._loading or self._error is not None

    def _placeholder_data(self, role: int) -> Any:
        kind = RowKind.ERROR if self._error is not None else RowKind.LOADING
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole, Qt.ItemDataRole.ToolTipRole):
            return describe_error(self._error) if self._error is not None else self.loading_text
        if role == self.kind_role:
            return int(kind)
        return self.placeholder_extra(role)

    def _start(self, fetch: PageFetch) -> None:
        row = len(self._items)
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
        self.loading_changed.emit(True)

        def work(token: CancelToken) -> Any:
            return fetch()

        worker = Worker(work)
        # Bound methods, not lambdas: Qt drops the connection when this model is deleted, so a
        # page that arrives after its window closed calls nothing. The sender says which fetch
        # (which generation) answered.
        self._launched[worker.signals] = self._generation
        worker.signals.finished.connect(self._page_arrived)
        worker.signals.errored.connect(self._fetch_failed)
        self._worker = worker
        self._pool.start(worker)

    def _answered(self) -> int | None:
        return self._launched.pop(self.sender(), None)

    def _page_arrived(self, page: Any) -> None:
        generation = self._answered()
        if generation is not None:
            self._on_page(generation, page)

    def _fetch_failed(self, error: BaseException) -> None:
        generation = self._answered()
        if generation is not None:
            self._on_error(generation, error)

    def _on_page(self, generation: int, page: Any) -> None:
        if generation != self._generation:
            log.debug("dropping a stale page (generation %s, now %s)", generation, self._generation)
            return
        self._worker = None
        self._merging = True
        try:
            self._remove_placeholder()
            self._pending_fetch = None
            self._page = page
            fresh = []
            for item in self.page_items(page):
                key = self.item_key(item)
                if key not in self._keys:
                    self._keys.add(key)
                    fresh.append(item)
            if fresh:
                start = len(self._items)
                self.beginInsertRows(QModelIndex(), start, start + len(fresh) - 1)
                self._items.extend(fresh)
                self.endInsertRows()
        finally:
            self._merging = False
        total = getattr(page, "total_count", None)
        if total is not None:
            self._set_total(int(total))
        elif not page.has_next_page():
            self._set_total(len(self._items))
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
        row = len(self._items)
        self.dataChanged.emit(self.index(row), self.index(row))
        self.loading_changed.emit(False)
        self.load_failed.emit(error)

    def _remove_placeholder(self) -> None:
        if not self._has_placeholder():
            return
        row = len(self._items)
        self.beginRemoveRows(QModelIndex(), row, row)
        self._loading = False
        self._error = None
        self.endRemoveRows()

    def _set_total(self, total: int | None) -> None:
        if total != self.total_count:
            self.total_count = total
            self.total_count_changed.emit(total)
