"""The shared voice library list: :class:`~studio.ui.voice_list_model.VoiceListModel`'s rows
(name, chips, the same delegate) over pages of ``GET /v1/shared-voices``.

A library voice is known by its owner and id together (two owners may share a voice id), and
the page numbering is the library's own (:class:`studio.api.shared_voices.SharedVoicePage`
fetches the next page itself), so only the key and the words differ from *My voices*.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt

from studio.ui.voice_list_model import VoiceListModel

if TYPE_CHECKING:
    from studio.api.shared_voices import LibraryVoice

__all__ = ["LibraryListModel", "library_key"]


def library_key(voice: Any) -> tuple[str, str]:
    return (voice.public_owner_id, voice.voice_id)


class LibraryListModel(VoiceListModel):
    loading_text = "Loading the voice library…"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._added: set[tuple[str, str]] = set()

    def mark_added(self, voice: LibraryVoice) -> None:
        self._added.add(library_key(voice))
        row = self.row_of_key(library_key(voice))
        if row >= 0:
            self.dataChanged.emit(self.index(row), self.index(row))

    def is_added(self, voice: LibraryVoice) -> bool:
        return bool(voice.is_added_by_user) or library_key(voice) in self._added

    def item_key(self, item: Any) -> Hashable:
        return library_key(item)

    def item_data(self, item: Any, row: int, role: int) -> Any:
        value = super().item_data(item, row, role)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole) and self.is_added(item):
            return f"{value} (in My voices)"
        return value
