"""The outline's rows: one per chapter — title, paragraphs, length, what is still to make.

A flat Qt table model over :meth:`Script.chapters() <studio.core.script.Script.chapters>`
and the render plan's :class:`~studio.core.chapter_figures.ChapterFigures`. It holds no
logic of its own: a rename (editing the title) and a move (a drop, or :meth:`moveRows`)
are handed to the callbacks it is given, which change the script and then refresh the rows
with :meth:`set_rows`. Rows keep their identity by chapter id, so a refresh that changes
only figures or titles keeps the selection and an editor that is open.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QAbstractTableModel, QByteArray, QMimeData, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from studio.core.chapter_figures import ChapterFigures
from studio.core.script.chapters import Chapter

#: What a dragged chapter carries: its id (drops from anywhere else are refused).
MIME_TYPE = "application/x-narration-studio-chapter"
#: The untitled opening chapter (text before the first heading) as the outline shows it.
OPENING = "(Opening)"
#: The column a person renames in place.
TITLE, PARAGRAPHS, LENGTH, STATUS = range(4)
HEADERS = ("Chapter", "Paragraphs", "Length", "Status")
#: A role for the chapter id of a row (tests and the context menu read it).
CHAPTER_ID_ROLE = Qt.ItemDataRole.UserRole + 1

Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class OutlineRow:
    chapter: Chapter
    #: The plan's figures for it (None: not planned yet, e.g. no voice chosen or no engine).
    figures: ChapterFigures | None = None


def clock(seconds: float) -> str:
    """``4:05`` or ``1:02:09``."""
    whole = int(round(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def describe_status(figures: ChapterFigures | None) -> str:
    if figures is None:
        return ""
    if figures.spoken == 0:
        return "Nothing to speak"
    if figures.complete:
        return "All generated"
    return f"Needs {figures.to_make} paragraph" + ("" if figures.to_make == 1 else "s")


def describe_length(figures: ChapterFigures | None) -> str:
    """The chapter's length once all of it is made; while some is missing, at least what is there."""
    if figures is None or figures.spoken == 0:
        return ""
    if figures.complete:
        return clock(figures.seconds_made)
    return f"≥ {clock(figures.seconds_made)}" if figures.seconds_made > 0 else ""


class OutlineModel(QAbstractTableModel):
    def __init__(self, rename: Callable[[str, str], bool], move: Callable[[str, int], bool]) -> None:
        super().__init__()
        self._rename = rename
        self._move = move
        self.rows: list[OutlineRow] = []
        #: The chapter being heard (shown in bold), if any.
        self.playing: str | None = None

    # -- filling --------------------------------------------------------------------------------------

    def set_rows(self, rows: Sequence[OutlineRow]) -> None:
        rows = list(rows)
        if [r.chapter.id for r in rows] == [r.chapter.id for r in self.rows]:
            changed = rows != self.rows
            self.rows = rows
            if changed and rows:
                self.dataChanged.emit(self.index(0, 0), self.index(len(rows) - 1, len(HEADERS) - 1))
            return
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def set_playing(self, chapter_id: str | None) -> None:
        if chapter_id == self.playing:
            return
        rows = [self.row_of(c) for c in (self.playing, chapter_id) if c is not None]
        self.playing = chapter_id
        for row in rows:
            if row is not None:
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(HEADERS) - 1), [Qt.ItemDataRole.FontRole])

    def row_of(self, chapter_id: str) -> int | None:
        return next((i for i, r in enumerate(self.rows) if r.chapter.id == chapter_id), None)

    def chapter_at(self, row: int) -> Chapter | None:
        return self.rows[row].chapter if 0 <= row < len(self.rows) else None

    # -- reading ----------------------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt API
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt API
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 - Qt API
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(HEADERS):
            return HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row = self.rows[index.row()]
        chapter, figures = row.chapter, row.figures
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (chapter.title or OPENING, f"{len(chapter)}", describe_length(figures), describe_status(figures))[column]
        if role == Qt.ItemDataRole.EditRole and column == TITLE:
            return chapter.title
        if role == CHAPTER_ID_ROLE:
            return chapter.id
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (PARAGRAPHS, LENGTH):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and chapter.id == self.playing:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row)
        return None

    @staticmethod
    def _tooltip(row: OutlineRow) -> str:
        chapter, figures = row.chapter, row.figures
        name = f"“{chapter.title}”" if chapter.title else "The opening (before the first chapter)"
        text = f"{name}: paragraphs {chapter.first_block + 1}–{chapter.last_block + 1}."
        if figures is not None and figures.spoken and not figures.complete:
            text += (f" {figures.to_make} of {figures.spoken} paragraphs are still to be generated"
                     f" ({clock(figures.seconds_made)} of speech is made).")
        return text + " Double-click or F2 renames it; drag it to reorder."

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled  # drops land between chapters
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled
        if index.column() == TITLE:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    # -- renaming ---------------------------------------------------------------------------------------

    def setData(self, index: Index, value: object, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if not index.isValid() or index.column() != TITLE or role != Qt.ItemDataRole.EditRole:
            return False
        chapter = self.chapter_at(index.row())
        if chapter is None or str(value) == chapter.title:
            return False
        return self._rename(chapter.id, str(value))

    # -- moving -----------------------------------------------------------------------------------------

    def supportedDropActions(self) -> Qt.DropAction:  # noqa: N802 - Qt API
        return Qt.DropAction.MoveAction

    def supportedDragActions(self) -> Qt.DropAction:  # noqa: N802 - Qt API
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:  # noqa: N802 - Qt API
        return [MIME_TYPE]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:  # noqa: N802 - Qt API
        data = QMimeData()
        rows = sorted({i.row() for i in indexes if i.isValid()})
        if rows and (chapter := self.chapter_at(rows[0])) is not None:
            data.setData(MIME_TYPE, QByteArray(chapter.id.encode("ascii")))
        return data

    def canDropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int, column: int,  # noqa: N802
                        parent: Index) -> bool:
        return data.hasFormat(MIME_TYPE) and action in (Qt.DropAction.MoveAction, Qt.DropAction.CopyAction)

    def dropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int, column: int,  # noqa: N802
                     parent: Index) -> bool:
        if not self.canDropMimeData(data, action, row, column, parent):
            return False
        source = self.row_of(bytes(data.data(MIME_TYPE).data()).decode("ascii", "replace"))
        if source is None:
            return False
        if row < 0:  # on an item: before it; on the empty space below the rows: at the end
            row = parent.row() if parent.isValid() else len(self.rows)
        self.moveRows(QModelIndex(), source, 1, QModelIndex(), row)
        # False: the view must not remove the "source" rows itself, the move is complete.
        return False

    def moveRows(self, source_parent: Index, source_row: int, count: int,  # noqa: N802 - Qt API
                 destination_parent: Index, destination_child: int) -> bool:
        """Move one chapter so it sits before row ``destination_child`` (Qt's convention)."""
        if source_parent.isValid() or destination_parent.isValid() or count != 1:
            return False
        if not 0 <= source_row < len(self.rows) or not 0 <= destination_child <= len(self.rows):
            return False
        if destination_child in (source_row, source_row + 1):
            return False  # already there
        to = destination_child if destination_child < source_row else destination_child - 1
        chapter_id = self.rows[source_row].chapter.id
        if not self.beginMoveRows(QModelIndex(), source_row, source_row, QModelIndex(), destination_child):
            return False
        self.rows.insert(to, self.rows.pop(source_row))
        self.endMoveRows()
        # After the rows moved: the script follows, and the owner's refresh (also after a
        # refusal) sets the rows as the script has them.
        return self._move(chapter_id, to)
