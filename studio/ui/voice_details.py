"""The details of the chosen voice: name, description, every label, Preview and Favourite."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from studio.ui.icons import icon
from studio.ui.inline_message import InlineMessage

if TYPE_CHECKING:
    from studio.api.models import Voice


class VoiceDetails(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("voiceDetails")
        self.name = QLabel("No voice chosen")
        self.name.setAccessibleName("Voice name")
        self.name.setWordWrap(True)
        font = self.name.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.name.setFont(font)
        self.meta = QLabel("")
        self.meta.setAccessibleName("Voice category")
        self.labels = QLabel("")
        self.labels.setAccessibleName("Voice labels")
        self.labels.setWordWrap(True)
        self.labels.setTextFormat(Qt.TextFormat.RichText)
        self.description = QLabel("Pick a voice from the list to read about it and hear a sample.")
        self.description.setAccessibleName("Voice description")
        self.description.setWordWrap(True)
        self.description.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.MinimumExpanding)
        self.description.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)

        self.preview_button = QPushButton("Preview")
        self.preview_button.setIcon(icon("preview"))
        self.preview_button.setAccessibleName("Preview voice")
        self.preview_button.setToolTip("Hear a short sample of this voice")
        self.favourite_button = QPushButton("Favourite")
        self.favourite_button.setIcon(icon("favourite"))
        self.favourite_button.setCheckable(True)
        self.favourite_button.setAccessibleName("Mark voice as favourite")
        self.favourite_button.setToolTip("Keep this voice in your favourites (★ in the list)")
        self.message = InlineMessage(self)

        buttons = QHBoxLayout()
        buttons.addWidget(self.preview_button)
        buttons.addWidget(self.favourite_button)
        buttons.addStretch(1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.name)
        layout.addWidget(self.meta)
        layout.addWidget(self.labels)
        layout.addWidget(self.description, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.show_voice(None)

    def show_voice(self, voice: Voice | None, *, favourite: bool = False) -> None:
        """Fill the pane from a Voice (or clear it)."""
        has_voice = voice is not None
        self.preview_button.setEnabled(has_voice)
        self.favourite_button.setEnabled(has_voice)
        self.message.hide()
        if voice is None:
            self.name.setText("No voice chosen")
            self.meta.setText("")
            self.labels.setText("")
            return
        self.name.setText(voice.name or voice.voice_id)
        category = getattr(voice, "category", None)
        self.meta.setText((category or "voice").replace("_", " ").capitalize())
        labels = getattr(voice, "labels", None) or {}
        # &nbsp; inside a chip: lines break between chips, never inside one.
        chips = " ".join(
            "<span style='background:#e6ecf7;color:#253858;'>&nbsp;"
            + html.escape(f"{k.replace('_', ' ')}: {str(v).replace('_', ' ')}").replace(" ", "&nbsp;")
            + "&nbsp;</span>"
            for k, v in labels.items()
            if v
        )
        self.labels.setText(chips)
        self.description.setText(getattr(voice, "description", None) or "No description.")
        self.set_favourite(favourite)

    def set_favourite(self, favourite: bool) -> None:
        self.favourite_button.setChecked(favourite)
        self.favourite_button.setText("Favourite ★" if favourite else "Favourite")

    def set_previewing(self, playing: bool) -> None:
        self.preview_button.setText("Stop preview" if playing else "Preview")
