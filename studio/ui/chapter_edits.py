"""Chapter edits in the studio — rename, split, merge, move — each one Undo step, in order with typing.

A chapter is a mark on its first block (:mod:`studio.core.script.chapters`), not text, so
Qt's text undo knows nothing of a rename, split or merge; and PySide cannot put a custom
step on a QTextDocument's undo stack. :class:`ChapterEdits` keeps those steps itself and is
the editor's :class:`~studio.ui.script_text_edit.SideHistory`: Edit ▸ Undo (Ctrl+Z, the
context menu) asks it first, and it takes the step only when its latest step is the newest
thing that happened — the editor's undo stack is where it was then and the text is the
same — else the text's own step goes. So typing, a rename and more typing undo in the
order they were done.

A move changes the text (the chapter's paragraphs go elsewhere) *and* the order of the
blocks: it is made as ONE text edit, so one Ctrl+Z takes it back, and this history restores
the blocks' exact order and titles with it, so every paragraph keeps its block — takes,
choice, lock — both ways, even when paragraphs share the same words.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QTextCursor

from studio.core.script import ChapterError
from studio.ui.script_document import ScriptDocumentController
from studio.ui.script_text_edit import ScriptTextEdit
from studio.ui.utf16 import utf16_positions

#: The blocks in order with their chapter marks: what an undo step puts back.
Layout = tuple[tuple[str, str | None], ...]
#: Steps kept (a layout is a pair of strings per paragraph; a long book has thousands).
MAX_STEPS = 200


@dataclass(frozen=True)
class _Step:
    before: Layout
    after: Layout
    #: The editor's undo count and text (its hash) right after the step.
    at: int
    text_after: int
    #: A move: the step is also one text edit, undone and redone with it; the editor's undo
    #: count and text (its hash) before it. (The count is Qt's count of commands, not of steps.)
    text_before: int | None = None
    at_before: int = 0


class ChapterEdits(QObject):
    #: Chapter marks or their order changed (the outline redraws; the project has work to save).
    changed = Signal()
    #: What Undo / Redo can do changed (Edit ▸ Undo and Redo redraw).
    history_changed = Signal()
    #: A chapter operation was refused: why, in plain words (for the status bar).
    refused = Signal(str)

    def __init__(self, editor: ScriptTextEdit, document: ScriptDocumentController,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._editor = editor
        self._document = document
        self._done: list[_Step] = []
        self._undone: list[_Step] = []
        editor.side_history = self
        # New typing ends what could be redone, as it does for the text.
        editor.document().undoCommandAdded.connect(self._forget_redo)
        document.loaded.connect(self.clear)

    # -- the operations ------------------------------------------------------------------------------

    def rename(self, chapter_id: str, title: str) -> bool:
        return self._titles(lambda script: script.rename_chapter(chapter_id, title))

    def split(self, block_id: str, title: str) -> bool:
        return self._titles(lambda script: script.split_chapter(block_id, title))

    def merge(self, chapter_id: str) -> bool:
        return self._titles(lambda script: script.merge_chapter(chapter_id))

    def _titles(self, operation: object) -> bool:
        self._document.sync()
        before = self._layout()
        try:
            operation(self._document.script)  # type: ignore[operator]
        except (ChapterError, KeyError) as error:
            self.refused.emit(str(error) if isinstance(error, ChapterError) else "That paragraph is gone")
            return False
        after = self._layout()
        if after == before:
            return False
        self._push(_Step(before, after, self._count(), self._text_hash()))
        return True

    def move(self, chapter_id: str, to: int) -> bool:
        """Move chapter ``chapter_id`` to position ``to`` among the chapters: its paragraphs move
        in the editor's text as one undo step, each keeping its block."""
        document = self._document
        document.sync()
        script = document.script
        chapters = script.chapters()
        k = next((i for i, c in enumerate(chapters) if c.id == chapter_id), None)
        if k is None:
            self.refused.emit("That chapter is no longer in the script")
            return False
        to = max(0, min(to, len(chapters) - 1))
        if to == k:
            return False
        text, spans = document.text, document.spans()
        low, high = min(k, to), max(k, to)
        # Each chapter's text as written, and what lies between them (blank lines), kept in place.
        pieces = [text[spans[c.first_block][0]:spans[c.last_block][1]] for c in chapters[low:high + 1]]
        gaps = [text[spans[a.last_block][1]:spans[b.first_block][0]]
                for a, b in zip(chapters[low:high], chapters[low + 1:high + 1])]
        order = list(range(len(pieces)))
        order.insert(to - low, order.pop(k - low))
        region = pieces[order[0]] + "".join(gap + pieces[i] for gap, i in zip(gaps, order[1:]))
        start, end = spans[chapters[low].first_block][0], spans[chapters[high].last_block][1]
        before, text_before, at_before = self._layout(), self._text_hash(), self._count()
        script.move_chapter(chapter_id, to)  # the blocks in their new order, before the text follows
        after = self._layout()
        moved_at = start + sum(len(pieces[i]) + len(gaps[n]) for n, i in enumerate(order[:to - low]))
        start16, end16 = utf16_positions(text, [start, end])
        cursor = QTextCursor(self._editor.document())
        cursor.beginEditBlock()  # one undo step
        cursor.setPosition(start16)
        cursor.setPosition(end16, QTextCursor.MoveMode.KeepAnchor)
        cursor.insertText(region)
        cursor.endEditBlock()
        document.sync()  # the text now matches the blocks' order: every block is kept
        self._push(_Step(before, after, self._count(), self._text_hash(), text_before, at_before))
        new_text = document.text
        at16 = utf16_positions(new_text, [moved_at])[0]
        place = self._editor.textCursor()
        place.setPosition(at16)
        self._editor.setTextCursor(place)
        self._editor.ensureCursorVisible()
        return True

    # -- the history (SideHistory) ------------------------------------------------------------------

    def can_undo(self) -> bool:
        return bool(self._done)

    def can_redo(self) -> bool:
        return bool(self._undone)

    def undo(self) -> bool:
        """Take back the latest chapter step if it is the newest thing done; False: the text's turn."""
        return self._travel(self._done, self._undone, back=True)

    def redo(self) -> bool:
        return self._travel(self._undone, self._done, back=False)

    def _travel(self, source: list[_Step], target: list[_Step], *, back: bool) -> bool:
        if not source:
            return False
        step = source[-1]
        moves_text = step.text_before is not None
        # Where the editor must be for this step to be the newest thing done (or undone).
        at, text = (step.at_before, step.text_before) if moves_text and not back else (step.at, step.text_after)
        if at != self._count() or text != self._text_hash():
            return False
        source.pop()
        if moves_text:
            self._editor.text_undo() if back else self._editor.text_redo()
            if self._text_hash() != (step.text_before if back else step.text_after):
                source.append(step)  # refused (a locked paragraph kept): nothing more
                return True
        self._apply(step.before if back else step.after)
        target.append(step)
        self.changed.emit()
        self.history_changed.emit()
        return True

    def clear(self) -> None:
        self._done.clear()
        self._undone.clear()
        self.history_changed.emit()

    # -- helpers ------------------------------------------------------------------------------------------

    def _push(self, step: _Step) -> None:
        self._done.append(step)
        del self._done[:-MAX_STEPS]
        self._undone.clear()
        self.changed.emit()
        self.history_changed.emit()
        self._document.changed.emit()  # the gutter, the counter and the project see it too

    def _forget_redo(self) -> None:
        if self._undone:
            self._undone.clear()
            self.history_changed.emit()

    def _layout(self) -> Layout:
        return tuple((b.id, b.chapter) for b in self._document.script.blocks)

    def _apply(self, layout: Layout) -> None:
        """Put the blocks in ``layout``'s order with its marks, then follow the editor's text."""
        script = self._document.script
        by_id = {b.id: b for b in script.blocks}
        if len(by_id) == len(layout) and all(block_id in by_id for block_id, _ in layout):
            script.blocks = [by_id[block_id] for block_id, _ in layout]
        for block_id, title in layout:
            if block_id in by_id:
                by_id[block_id].chapter = title
        self._document.sync()
        self._document.changed.emit()

    def _count(self) -> int:
        return self._editor.document().availableUndoSteps()

    def _text_hash(self) -> int:
        return hash(self._editor.toPlainText())
