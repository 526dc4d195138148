"""Insert ▸ Audio Tag: Eleven v3's tags (``[whispers]``, ``[laughs]``, ``[sighs]``, ``[pause]`` …)
at the cursor, offered only when the chosen model takes them.

The list is :data:`studio.markup.AUDIO_TAGS` and the pause tags (the one grammar of tags); the
question "does this model take them" is the capability table's
(:attr:`~studio.core.script.capabilities.Capabilities.audio_tags`), asked each time the menu
opens and whenever the model changes. For any other model every entry is disabled and the
menu's tooltip and status tip say why and what to do. What is sent for a tag (as written to
v3, nothing to every other model) is :mod:`studio.core.script.spoken`'s business, not this one's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QPlainTextEdit

from studio.markup import AUDIO_TAGS, V3_PAUSE_SECONDS
from studio.ui.pause_insert import insert_tag

if TYPE_CHECKING:
    from studio.core.script import Capabilities

__all__ = ["PALETTE", "AudioTagPalette"]

#: The order the menu shows: the most used first (the issue's four), then the rest as documented.
_FIRST = ("whispers", "laughs", "sighs", "pause")
PALETTE: tuple[str, ...] = _FIRST + tuple(t for t in (*V3_PAUSE_SECONDS, *AUDIO_TAGS) if t not in _FIRST)

CapabilitiesSource = Callable[[], "tuple[Capabilities | None, str]"]


class AudioTagPalette(QObject):
    """The Insert ▸ Audio Tag submenu for ``editor``."""

    def __init__(self, editor: QPlainTextEdit, menu: QMenu, capabilities: CapabilitiesSource,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.editor = editor
        self._capabilities = capabilities
        self.menu = menu.addMenu("Audio &Tag")
        self.menu.setToolTipsVisible(True)
        self.actions: dict[str, QAction] = {}
        for name in PALETTE:
            action = self.menu.addAction(f"[{name}]")
            action.triggered.connect(lambda _checked=False, tag=name: self.insert(tag))
            self.actions[name] = action
        self.menu.aboutToShow.connect(self.refresh)
        self.reason = ""
        self.refresh()

    def refresh(self) -> None:
        """Enable the tags for a model that takes them; otherwise disable them with the reason."""
        capabilities, name = self._capabilities()
        enabled = capabilities is not None and capabilities.audio_tags
        if enabled:
            self.reason = "Acted out by the model, never read aloud, never in subtitles."
        elif capabilities is None:
            self.reason = "Audio tags need a model that takes them; choose a voice and an Eleven v3 model first."
        else:
            self.reason = (f"{name} does not take audio tags (only Eleven v3 does); choose Eleven v3 in the "
                           "settings to use them. Tags already in the script are left out for this model.")
        for action in self.actions.values():
            action.setEnabled(enabled)
            action.setToolTip(self.reason)
            action.setStatusTip(self.reason)
        self.menu.menuAction().setToolTip(self.reason)
        self.menu.menuAction().setStatusTip(self.reason)

    def insert(self, name: str) -> None:
        """Write ``[name]`` at the cursor (ignored while the model takes no tags)."""
        if not self.actions[name].isEnabled():
            return
        insert_tag(self.editor, f"[{name}]")
        self.editor.setFocus()
