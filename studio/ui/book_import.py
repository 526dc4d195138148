"""File ▸ Import Book…: an EPUB, DOCX, Markdown, HTML, PDF or text file becomes a chaptered script.

:class:`BookImportController` asks for the file, imports it with
:func:`studio.core.book_import.import_book` in a worker (the GUI thread never parses or reads
the disk), then shows :class:`BookPreviewDialog`: every chapter with its paragraph count, the
recognised front matter unticked (offered to skip), and the import's notes (PDF: best effort).
For plain text and PDF the preview also offers the chapter rule; choosing another reads
the file again (in a worker) into the open preview. Only **Import** changes anything: the controller hands the Script of the ticked chapters to
``accept`` (the window makes it a new, unsaved project). A bad file (DRM, damaged, no text),
Cancel, or an empty book leaves the current script untouched, with a message naming the file
and the remedy.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from studio.core.book_import import CHAPTER_RULES, DEFAULT_CHAPTER_RULE, ImportedBook, import_book
from studio.core.script import Script
from studio.ui.inline_message import InlineMessage, Tone
from studio.ui.worker import Worker, WorkerPool

__all__ = ["FILE_FILTER", "BookImportController", "BookPreviewDialog", "ask_book_path"]

FILE_FILTER = ("Books (*.epub *.docx *.md *.markdown *.html *.htm *.xhtml *.pdf *.txt);;EPUB (*.epub);;"
               "Word (*.docx);;Markdown (*.md *.markdown);;HTML (*.html *.htm *.xhtml);;PDF (*.pdf);;"
               "Plain text (*.txt);;All files (*)")


def ask_book_path(parent: QWidget, directory: str) -> str | None:
    path, _ = QFileDialog.getOpenFileName(parent, "Import Book", directory, FILE_FILTER)
    return path or None


class BookPreviewDialog(QDialog):
    """The chapters of an imported book, each ticked to import (front matter unticked)."""

    #: The narrator chose another chapter rule (a name from CHAPTER_RULES): read the file again.
    rule_chosen = Signal(str)

    def __init__(self, book: ImportedBook, parent: QWidget | None = None, rule: str = DEFAULT_CHAPTER_RULE) -> None:
        super().__init__(parent)
        self.setObjectName("bookPreview")
        layout = QVBoxLayout(self)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        # Plain text and PDF have no headings of their own: the chapter rule finds them.
        self.rule = QComboBox()
        self.rule.setObjectName("bookChapterRule")
        self.rule.setAccessibleName("Chapters start at")
        for name in sorted(CHAPTER_RULES, key=lambda n: list(_RULE_LABELS).index(n) if n in _RULE_LABELS else 99):
            self.rule.addItem(_RULE_LABELS.get(name, name), name)
        self.rule.setCurrentIndex(max(0, self.rule.findData(rule)))
        self.rule.currentIndexChanged.connect(lambda _i: self.rule_chosen.emit(self.rule.currentData()))
        self.rule_row = QWidget()
        row = QHBoxLayout(self.rule_row)
        row.setContentsMargins(0, 0, 0, 0)
        label = QLabel("Chapters start at:")
        label.setBuddy(self.rule)
        row.addWidget(label)
        row.addWidget(self.rule, 1)
        layout.addWidget(self.rule_row)
        self.notes = QLabel()
        self.notes.setObjectName("bookPreviewNotes")
        self.notes.setWordWrap(True)
        layout.addWidget(self.notes)
        self.tree = QTreeWidget()
        self.tree.setObjectName("bookChapters")
        self.tree.setHeaderLabels(["Chapter", "Paragraphs", "Note"])
        self.tree.setRootIsDecorated(False)
        layout.addWidget(self.tree, 1)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = self.buttons.addButton("Import", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.tree.itemChanged.connect(lambda *_: self._update())
        layout.addWidget(self.buttons)
        self.resize(640, 480)
        self.set_book(book)

    def set_book(self, book: ImportedBook) -> None:
        """Show ``book`` (again, after another chapter rule)."""
        self.book = book
        self.setWindowTitle(f"Import Book — {book.path.name}")
        who = " · ".join(x for x in (book.title, book.author) if x)
        self.summary.setText(
            f"“{book.path.name}”{f' ({who})' if who else ''}: {len(book.chapters)} chapters, "
            f"{book.paragraph_count:,} paragraphs, {book.characters:,} characters. Untick what you do not want "
            "narrated; the recognised front matter is unticked already.")
        self.rule_row.setVisible(book.format in ("text", "pdf"))
        self.notes.setText("\n".join(book.notes))
        self.notes.setVisible(bool(book.notes))
        self.tree.blockSignals(True)
        self.tree.clear()
        skip = book.default_skip()
        for i, chapter in enumerate(book.chapters):
            note = f"front matter ({chapter.front_matter})" if chapter.front_matter else ""
            item = QTreeWidgetItem([chapter.title or "(opening, untitled)", str(len(chapter.paragraphs)), note])
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(0, Qt.CheckState.Unchecked if i in skip else Qt.CheckState.Checked)
            item.setToolTip(0, chapter.paragraphs[0][:200])
            self.tree.addTopLevelItem(item)
        self.tree.blockSignals(False)
        for column in range(3):
            self.tree.resizeColumnToContents(column)
        self._update()

    def item(self, index: int) -> QTreeWidgetItem:
        return self.tree.topLevelItem(index)

    def skipped(self) -> frozenset[int]:
        """The chapters unticked."""
        return frozenset(i for i in range(self.tree.topLevelItemCount())
                         if self.item(i).checkState(0) != Qt.CheckState.Checked)

    def _update(self) -> None:
        self.import_button.setEnabled(len(self.skipped()) < self.tree.topLevelItemCount())


_RULE_LABELS = {
    "chapter-or-hash": "“Chapter 1”, “Part II”, “Prologue” or “# Title” lines",
    "chapter": "“Chapter 1”, “Part II”, “Prologue” lines",
    "hash": "“# Title” lines",
    "none": "nowhere (one chapter)",
}


class BookImportController(QObject):
    #: A book was accepted: the Script of its ticked chapters was handed to ``accept``.
    imported = Signal(object)
    #: The preview is open (tests and the window may look at it).
    previewing = Signal(object)

    def __init__(self, parent: QWidget, pool: WorkerPool, message: InlineMessage,
                 accept: Callable[[Script], None], *, directory: Callable[[], str],
                 ask_path: Callable[[QWidget, str], str | None] = ask_book_path) -> None:
        super().__init__(parent)
        self._parent = parent
        self._pool = pool
        self._message = message
        self._accept = accept
        self._directory = directory
        self._ask_path = ask_path
        self.worker: Worker | None = None
        self.preview: BookPreviewDialog | None = None

    @property
    def is_running(self) -> bool:
        return self.worker is not None

    def choose_and_import(self) -> None:
        if self.is_running or self.preview is not None:
            return
        path = self._ask_path(self._parent, self._directory())
        if path:
            self.import_file(Path(path))

    def import_file(self, path: Path) -> None:
        """Read ``path`` in the background, then show the preview (see the module notes)."""
        if self.is_running or self.preview is not None:
            return
        self._read(path, DEFAULT_CHAPTER_RULE, self._on_read)

    def _read(self, path: Path, rule: str, then: Callable[[ImportedBook], None]) -> None:
        worker = Worker(lambda _token: import_book(path, chapter_rule=rule))
        worker.signals.finished.connect(then)
        worker.signals.errored.connect(self._message.show_error)  # the script stays as it is
        worker.signals.done.connect(self._on_done)
        self.worker = worker
        self._message.hide()
        self._pool.start(worker)

    def _on_done(self) -> None:
        self.worker = None

    def _on_read(self, book: ImportedBook) -> None:
        if not book.chapters:
            self._message.show_message(f"“{book.path.name}” has nothing to narrate (it holds no text); "
                                       "the script was not changed.", Tone.ERROR)
            return
        dialog = BookPreviewDialog(book, self._parent)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.finished.connect(lambda result: self._on_preview_closed(dialog, result))
        dialog.rule_chosen.connect(lambda rule: self._reread(dialog, rule))
        self.preview = dialog
        dialog.open()  # not exec(): the GUI thread keeps its event loop
        self.previewing.emit(dialog)

    def _reread(self, dialog: BookPreviewDialog, rule: str) -> None:
        """Read the file again with another chapter rule, into the open preview."""
        if self.is_running:
            return
        dialog.setEnabled(False)

        def show(book: ImportedBook) -> None:
            dialog.setEnabled(True)
            if self.preview is dialog:
                dialog.set_book(book)

        self._read(dialog.book.path, rule, show)
        if self.worker is not None:
            self.worker.signals.errored.connect(lambda _e: dialog.setEnabled(True))

    def _on_preview_closed(self, dialog: BookPreviewDialog, result: int) -> None:
        self.preview = None
        dialog.deleteLater()
        if result != QDialog.DialogCode.Accepted:
            return
        book = dialog.book
        skipped = dialog.skipped()
        script = book.to_script(skipped)
        self._accept(script)
        chapters = len(book.chapters) - len(skipped)
        text = (f"Imported “{book.path.name}”: {chapters} chapter{'s' if chapters != 1 else ''}, "
                f"{len(script):,} paragraphs.")
        if skipped:
            text += f" Skipped: {', '.join(book.chapters[i].title or 'the opening' for i in sorted(skipped))}."
        self._message.show_message(" ".join([text, *book.notes]), Tone.WARNING if book.notes else Tone.INFO)
        self.imported.emit(script)
