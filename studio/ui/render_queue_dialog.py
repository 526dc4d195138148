"""What to queue: files (File ▸ Add to Render Queue…) or chapters of the open project
(File ▸ Export Chapters…), the folder the audio goes to, and its format.

Only choices: :class:`~studio.ui.render_queue_controller.RenderQueueController` reads the files
and saves the snapshot in its workers. The native pickers are attributes (``choose_files``,
``choose_folder``) so a test can answer in their place.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from studio.core.queue_sources import export_suffixes
from studio.core.script.chapters import Chapter

__all__ = ["QueueDialog"]

SOURCE_FILTER = ("Projects, scripts and books (*.narration *.txt *.md *.markdown *.html *.htm *.epub *.docx *.pdf);;"
                 "All files (*)")


class QueueDialog(QDialog):
    """``chapters`` given: pick chapters of the open project; otherwise: pick files."""

    def __init__(self, folder: Path, *, chapters: Sequence[Chapter] | None = None, chosen: Sequence[str] = (),
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("queueDialog")
        self.by_chapters = chapters is not None
        self.setWindowTitle("Export Chapters" if self.by_chapters else "Add to Render Queue")
        self.choose_files: Callable[[], list[str]] = self._pick_files
        self.choose_folder: Callable[[], str] = self._pick_folder

        layout = QVBoxLayout(self)
        heading = "Chapters to export, one file each:" if self.by_chapters else "Files to export, one after another:"
        layout.addWidget(QLabel(heading))
        self.list = QListWidget()
        self.list.setObjectName("queueChoices")
        self.list.setAccessibleName("Chapters" if self.by_chapters else "Files")
        layout.addWidget(self.list)
        if chapters is not None:
            for number, chapter in enumerate(chapters, start=1):
                entry = QListWidgetItem(f"{number}. {chapter.title or 'Opening'} ({len(chapter)} paragraphs)")
                entry.setData(Qt.ItemDataRole.UserRole, chapter.id)
                entry.setFlags(entry.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                entry.setCheckState(Qt.CheckState.Checked if not chosen or chapter.id in chosen
                                    else Qt.CheckState.Unchecked)
                self.list.addItem(entry)
            self.per_chapter = None
        else:
            row = QHBoxLayout()
            self.add_files_button = QPushButton("Add &Files…")
            self.add_files_button.setAccessibleName("Add files")
            self.add_files_button.clicked.connect(lambda: self.add_paths(self.choose_files()))
            row.addWidget(self.add_files_button)
            row.addStretch(1)
            layout.addLayout(row)
            self.per_chapter = QCheckBox("One file per &chapter")
            self.per_chapter.setObjectName("queuePerChapter")
            self.per_chapter.setAccessibleName("One file per chapter")
            layout.addWidget(self.per_chapter)

        form = QFormLayout()
        folder_row = QHBoxLayout()
        self.folder_edit = QLineEdit(str(folder))
        self.folder_edit.setObjectName("queueFolder")
        self.folder_edit.setAccessibleName("Output folder")
        browse = QPushButton("&Browse…")
        browse.setAccessibleName("Choose the output folder")
        browse.clicked.connect(self._browse)
        folder_row.addWidget(self.folder_edit, 1)
        folder_row.addWidget(browse)
        form.addRow("Output &folder:", folder_row)
        self.format_box = QComboBox()
        self.format_box.setObjectName("queueFormat")
        self.format_box.setAccessibleName("Audio format")
        for suffix in export_suffixes():  # what the export writes (the suffix chooses the format)
            self.format_box.addItem(suffix.lstrip(".").upper(), suffix)
        form.addRow("F&ormat:", self.format_box)
        layout.addLayout(form)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Add to &Queue")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.list.itemChanged.connect(lambda _item: self._update())
        self._update()

    # -- choices --------------------------------------------------------------------------------

    def add_paths(self, paths: Sequence[str]) -> None:
        known = set(self.paths())
        for path in paths:
            if path and path not in known:
                self.list.addItem(path)
        self._update()

    def paths(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())] if not self.by_chapters else []

    def chapter_ids(self) -> list[str]:
        if not self.by_chapters:
            return []
        items = [self.list.item(i) for i in range(self.list.count())]
        return [str(i.data(Qt.ItemDataRole.UserRole)) for i in items if i.checkState() == Qt.CheckState.Checked]

    @property
    def folder(self) -> Path:
        return Path(self.folder_edit.text().strip()).expanduser()

    @property
    def suffix(self) -> str:
        return str(self.format_box.currentData())

    @property
    def one_per_chapter(self) -> bool:
        return self.per_chapter is not None and self.per_chapter.isChecked()

    def _update(self) -> None:
        chosen = self.chapter_ids() if self.by_chapters else self.paths()
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(chosen))

    # -- pickers (tests answer in their place) --------------------------------------------------

    def _browse(self) -> None:
        folder = self.choose_folder()
        if folder:
            self.folder_edit.setText(folder)

    def _pick_files(self) -> list[str]:
        paths, _ = QFileDialog.getOpenFileNames(self, "Add to Render Queue", str(self.folder), SOURCE_FILTER)
        return list(paths)

    def _pick_folder(self) -> str:
        return QFileDialog.getExistingDirectory(self, "Output folder", str(self.folder))
