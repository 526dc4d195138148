"""The export dialog's audiobook tags: author, narrator, year, description and a cover with
its thumbnail (issue 13, point 8). Shown for the audiobook formats (M4B, MP3, one file per
chapter); the values go into :class:`~studio.core.exporter.ExportOptions` and are remembered
in the preferences with the other export choices.

The thumbnail is read and scaled in a worker (the GUI thread never waits on the disk or a
decoder); whether the cover can be used at all is the exporter's check, run before anything is
requested, so a wrong file is refused by name with the remedy.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (QFileDialog, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit,
                               QPushButton, QWidget)

from studio.ui.worker import Worker, WorkerPool

__all__ = ["THUMBNAIL_PX", "AudiobookTagsBox", "choose_cover"]

THUMBNAIL_PX = 96

#: choose(parent, start folder) -> the chosen picture, or None when the person cancelled.
CoverChooser = Callable[[QWidget, Path], Path | None]


def choose_cover(parent: QWidget, start: Path) -> Path | None:
    name, _ = QFileDialog.getOpenFileName(parent, "Choose a cover picture", str(start),
                                          "Pictures (*.jpg *.jpeg *.png);;All files (*)")
    return Path(name) if name else None


def _thumbnail(_token: object, path: str) -> QImage:
    """On a pool thread: QImage (unlike QPixmap) may be made off the GUI thread."""
    image = QImage(path)
    if image.isNull():
        return image
    return image.scaled(THUMBNAIL_PX, THUMBNAIL_PX, Qt.AspectRatioMode.KeepAspectRatio,
                        Qt.TransformationMode.SmoothTransformation)


class AudiobookTagsBox(QGroupBox):
    def __init__(self, pool: WorkerPool | None = None, *, choose: CoverChooser = choose_cover,
                 parent: QWidget | None = None) -> None:
        super().__init__("Audiobook tags", parent)
        self.setAccessibleName("Audiobook tags")
        self._pool = pool
        self._choose = choose
        self._shown_for = ""  # the cover path the thumbnail shows (a late worker must not win)
        self.author_edit = self._line("Author", "Optional: the book's author")
        self.narrator_edit = self._line("Narrator", "Optional")
        self.year_edit = self._line("Year", "e.g. 2025")
        self.year_edit.setMaxLength(10)
        self.description_edit = QPlainTextEdit()
        self.description_edit.setAccessibleName("Description")
        self.description_edit.setPlaceholderText("Optional: the blurb players show")
        self.description_edit.setTabChangesFocus(True)
        self.description_edit.setFixedHeight(60)
        self.cover_edit = self._line("Cover picture", "Optional: a JPEG or PNG picture")
        self.cover_button = QPushButton("Choose…")
        self.cover_button.setAccessibleName("Choose cover picture")
        self.cover_button.setAutoDefault(False)
        self.thumbnail = QLabel()
        self.thumbnail.setAccessibleName("Cover thumbnail")
        self.thumbnail.setFixedSize(THUMBNAIL_PX, THUMBNAIL_PX)
        self.thumbnail.setAlignment(Qt.AlignmentFlag.AlignCenter)
        cover_row = QHBoxLayout()
        cover_row.addWidget(self.cover_edit, 1)
        cover_row.addWidget(self.cover_button)
        form = QFormLayout(self)
        form.addRow("A&uthor:", self.author_edit)
        form.addRow("&Narrator:", self.narrator_edit)
        form.addRow("&Year:", self.year_edit)
        form.addRow("&Description:", self.description_edit)
        cover_label = QLabel("&Cover:")
        cover_label.setBuddy(self.cover_edit)
        form.addRow(cover_label, cover_row)
        form.addRow("", self.thumbnail)
        self.cover_button.clicked.connect(self.browse_cover)
        self.cover_edit.editingFinished.connect(self._show_thumbnail)

    @staticmethod
    def _line(name: str, placeholder: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setAccessibleName(name)
        edit.setPlaceholderText(placeholder)
        return edit

    # == values ==================================================================================
    def values(self) -> dict[str, object]:
        """The ExportOptions fields (None where empty)."""
        cover = self.cover_edit.text().strip()
        return {
            "author": self.author_edit.text().strip() or None,
            "narrator": self.narrator_edit.text().strip() or None,
            "year": self.year_edit.text().strip() or None,
            "description": self.description_edit.toPlainText().strip() or None,
            "cover": Path(cover).expanduser() if cover else None,
        }

    def remembered(self) -> dict[str, str]:
        """What the preferences keep (strings; "" for empty)."""
        return {key: "" if value is None else str(value) for key, value in self.values().items()}

    def apply(self, remembered: dict[str, str]) -> None:
        self.author_edit.setText(remembered.get("author", ""))
        self.narrator_edit.setText(remembered.get("narrator", ""))
        self.year_edit.setText(remembered.get("year", ""))
        self.description_edit.setPlainText(remembered.get("description", ""))
        self.cover_edit.setText(remembered.get("cover", ""))
        self._show_thumbnail()

    # == the cover ===============================================================================
    def browse_cover(self) -> None:
        current = self.cover_edit.text().strip()
        chosen = self._choose(self, Path(current).expanduser().parent if current else Path.home())
        if chosen is not None:
            self.cover_edit.setText(str(chosen))
            self._show_thumbnail()

    def _show_thumbnail(self) -> None:
        path = self.cover_edit.text().strip()
        self._shown_for = path
        self.thumbnail.clear()
        self.thumbnail.setToolTip("")
        if not path or self._pool is None:
            return
        worker = Worker(_thumbnail, str(Path(path).expanduser()))
        worker.signals.finished.connect(lambda image, wanted=path: self._thumbnail_ready(wanted, image))
        self._pool.start(worker)

    def _thumbnail_ready(self, wanted: str, image: QImage) -> None:
        if wanted != self._shown_for:
            return  # the person chose another picture meanwhile
        if image.isNull():
            self.thumbnail.setText("Not a picture")
            self.thumbnail.setToolTip("This file cannot be shown as a picture; the export will say why.")
            return
        self.thumbnail.setPixmap(QPixmap.fromImage(image))
        self.thumbnail.setToolTip(f"{Path(wanted).name}")
