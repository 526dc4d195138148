"""The voice list: pages of voices, fetched as the view scrolls (:mod:`studio.ui.paged_list_model`).

The paging, the placeholder row ("Loading voices…"), the error row with Retry and the
generations that drop stale answers are :class:`~studio.ui.paged_list_model.PagedListModel`'s;
this model says how a voice is shown (name, chips, favourite) and dedupes by ``voice_id``
(page 0 may repeat default voices).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from enum import IntEnum
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt

from studio.ui.paged_list_model import KIND_ROLE, Index, PagedListModel, RowKind
from studio.ui.worker import WorkerPool

if TYPE_CHECKING:
    from studio.api.models import Voice

__all__ = ["CHIP_LABELS", "Index", "RowKind", "VoiceListModel", "VoiceRoles", "voice_chips"]

#: Labels shown as chips, in this order (the API's label keys).
CHIP_LABELS = ("accent", "age", "gender", "use_case")


class VoiceRoles(IntEnum):
    VOICE = Qt.ItemDataRole.UserRole + 1
    VOICE_ID = Qt.ItemDataRole.UserRole + 2
    CHIPS = Qt.ItemDataRole.UserRole + 3
    FAVOURITE = Qt.ItemDataRole.UserRole + 4
    KIND = KIND_ROLE
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


class VoiceListModel(PagedListModel["Voice"]):
    loading_text = "Loading voices…"

    def __init__(
        self,
        pool: WorkerPool,
        is_favourite: Callable[[str], bool] = lambda _voice_id: False,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(pool, parent)
        self._is_favourite = is_favourite

    @property
    def voices(self) -> list[Voice]:
        return self.items

    def voice_at(self, row: int) -> Voice | None:
        return self.item_at(row)

    def row_of(self, voice_id: str) -> int:
        return self.row_of_key(voice_id)

    def refresh_favourites(self) -> None:
        self.refresh_rows([VoiceRoles.FAVOURITE])

    def roleNames(self) -> dict[int, bytes]:
        names = dict(super().roleNames())
        names.update({int(r): r.name.lower().encode() for r in VoiceRoles})
        return names

    # -- PagedListModel ----------------------------------------------------------------------
    def item_key(self, item: Voice) -> Hashable:
        return item.voice_id

    def item_data(self, item: Voice, row: int, role: int) -> Any:
        voice = item
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
        if role == VoiceRoles.CATEGORY:
            return getattr(voice, "category", None)
        return None

    def placeholder_extra(self, role: int) -> Any:
        if role == VoiceRoles.CHIPS:
            return []
        if role == VoiceRoles.FAVOURITE:
            return False
        return None
