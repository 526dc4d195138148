"""The history list: the account's generations, newest first, paged as the view scrolls.

Paging, the placeholder row, errors with Retry and stale answers are
:class:`~studio.ui.paged_list_model.PagedListModel`'s. History pages by cursor
(``start_after_history_item_id`` ← ``last_history_item_id``), so :class:`HistoryCursor` is
the page the model holds: it knows how to fetch the one after it.

"Already in the studio" is decided in the worker that fetches a page (the cache lookup
touches the disk, which the GUI thread must not): each item's text, voice and model with the
render's other settings give the plan's cache key (:func:`studio.core.history_match.item_in_cache`,
the one rule for that key), and the cursor carries the ids found. We chose the cache key over
a record of the ids the studio made because it also recognises audio made on the website or
by the CLI, and it says what Play and Export will really find.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from enum import IntEnum
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt

from studio.ui.paged_list_model import KIND_ROLE, PagedListModel
from studio.ui.worker import WorkerPool

if TYPE_CHECKING:
    from studio.api.models import HistoryItem, HistoryPage
    from studio.api.requests import HistoryQuery

__all__ = ["HistoryCursor", "HistoryListModel", "HistoryRoles", "first_history_page", "row_summary", "text_start"]

TEXT_START = 60  # characters of the item's text shown in its row


class HistoryRoles(IntEnum):
    ITEM = Qt.ItemDataRole.UserRole + 1
    ITEM_ID = Qt.ItemDataRole.UserRole + 2
    IN_STUDIO = Qt.ItemDataRole.UserRole + 3
    KIND = KIND_ROLE


@dataclass
class HistoryCursor:
    """One page of history and how to get the next (from a worker: it asks the network)."""

    items: list[HistoryItem]
    cached: frozenset[str] = frozenset()
    has_more: bool = False
    last_id: str | None = None
    fetch_after: Callable[[str], HistoryCursor] | None = field(default=None, repr=False)

    def has_next_page(self) -> bool:
        return bool(self.has_more and self.last_id and self.items and self.fetch_after is not None)

    def next_page(self) -> HistoryCursor:
        assert self.fetch_after is not None and self.last_id is not None
        return self.fetch_after(self.last_id)


def first_history_page(list_history: Callable[[HistoryQuery], HistoryPage], query: HistoryQuery,
                       in_cache: Callable[[HistoryItem], bool]) -> HistoryCursor:
    """The first page for ``query`` (blocks: call from a worker); later pages follow its cursor."""

    def fetch(after: str | None) -> HistoryCursor:
        page = list_history(query.model_copy(update={"start_after_history_item_id": after}))
        cached = frozenset(i.history_item_id for i in page.history if in_cache(i))
        return HistoryCursor(page.history, cached, page.has_more, page.last_history_item_id, fetch)

    return fetch(query.start_after_history_item_id)


def text_start(text: str | None, limit: int = TEXT_START) -> str:
    flat = " ".join((text or "").split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def voice_label(item: HistoryItem) -> str:
    """Who spoke it: the item's voice, or a dialogue's voices (each once, in order of speaking)."""
    if item.voice_name or item.voice_id:
        return item.voice_name or item.voice_id or ""
    voices = dict.fromkeys(line.voice_name or line.voice_id for line in item.dialogue or ())
    return " & ".join(v for v in voices if v) or "unknown voice"


def row_summary(item: HistoryItem, in_studio: bool) -> str:
    """The row's second line: voice · model · date · characters · whether the studio has it."""
    when = time.strftime("%d %b %Y %H:%M", time.localtime(item.date_unix)) if item.date_unix else "date unknown"
    characters = item.characters
    parts = [voice_label(item), item.model_id or "unknown model", when,
             f"{characters:,} characters" if characters is not None else f"{len(item.spoken_text):,} characters",
             "in the studio" if in_studio else "not in the studio"]
    return " · ".join(parts)


class HistoryListModel(PagedListModel["HistoryItem"]):
    loading_text = "Loading history…"

    def __init__(self, pool: WorkerPool, parent: QObject | None = None) -> None:
        super().__init__(pool, parent)
        self._cached: set[str] = set()

    def in_studio(self, history_item_id: str) -> bool:
        return history_item_id in self._cached

    def mark_in_studio(self, history_item_id: str) -> None:
        self._cached.add(history_item_id)
        row = self.row_of_key(history_item_id)
        if row >= 0:
            self.dataChanged.emit(self.index(row), self.index(row))

    def roleNames(self) -> dict[int, bytes]:
        names = dict(super().roleNames())
        names.update({int(r): r.name.lower().encode() for r in HistoryRoles})
        return names

    # -- PagedListModel ----------------------------------------------------------------------
    def set_query(self, fetch_first: Callable[[], Any] | None) -> None:
        self._cached = set()
        super().set_query(fetch_first)

    def item_key(self, item: HistoryItem) -> Hashable:
        return item.history_item_id

    def page_items(self, page: HistoryCursor) -> Sequence[HistoryItem]:
        self._cached |= page.cached
        return page.items

    def item_data(self, item: HistoryItem, row: int, role: int) -> Any:
        in_studio = item.history_item_id in self._cached
        # spoken_text: a dialogue's item has no text of its own; its lines say what was spoken.
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{text_start(item.spoken_text)}\n{row_summary(item, in_studio)}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return item.spoken_text
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{text_start(item.spoken_text)}. {row_summary(item, in_studio)}"
        if role == HistoryRoles.ITEM:
            return item
        if role == HistoryRoles.ITEM_ID:
            return item.history_item_id
        if role == HistoryRoles.IN_STUDIO:
            return in_studio
        return None

    def placeholder_extra(self, role: int) -> Any:
        return False if role == HistoryRoles.IN_STUDIO else None
