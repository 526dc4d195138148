"""Editing a locked paragraph asks first: "Unlock and edit", or keep it locked and the text as it was.

A locked paragraph keeps its chosen take through every Play, Export and "regenerate all"; a
person who types into it by accident must not silently lose that. :class:`LockedEditGuard`
is the :class:`~studio.ui.script_text_edit.EditGuard` of the script editor:

* Before an edit (a key, paste, cut, drop, input-method text) it works out exactly which
  locked paragraphs the edit would change, with the script's own paragraph rule: the edit
  is applied to a copy of the few paragraphs around it and
  :meth:`Script.locked_blocks_touched <studio.core.script.Script.locked_blocks_touched>`
  compares. So Enter or typing on the blank line between two paragraphs asks nothing, but
  Backspace that would merge a locked paragraph into the one before it does. Far from any
  locked paragraph (the usual case) the check is a binary search.
* Undo and redo: Qt cannot tell in advance what a step holds, so the guard looks right after
  it, and "Keep it locked" takes the step back (redo after an undo, undo after a redo), which
  restores exactly the text before.

"Unlock and edit" unlocks the paragraphs and lets the edit through; the takes stay.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject
from PySide6.QtGui import QTextBlock, QTextCursor
from PySide6.QtWidgets import QMessageBox, QPlainTextEdit, QWidget

from studio.core.script import Block, Script
from studio.core.script.document import paragraph_spans
from studio.ui.paragraph_positions import ParagraphPositions
from studio.ui.utf16 import utf16_positions
from studio.ui.script_document import ScriptDocumentController
from studio.ui.script_text_edit import EditIntent

#: (the locked paragraphs an edit would change, as (index, block)) -> unlock them and edit?
Ask = Callable[[list[tuple[int, Block]]], bool]


def which_locked(touched: list[tuple[int, Block]]) -> str:
    """“Paragraph 3 is locked” / “Paragraphs 1, 4 and 6 are locked” (numbers from 1)."""
    numbers = [str(i + 1) for i, _ in touched]
    return (f"Paragraph {numbers[0]} is locked" if len(numbers) == 1 else
            f"Paragraphs {', '.join(numbers[:-1])} and {numbers[-1]} are locked")


def ask_about_locked(parent: QWidget, name: str, text: str, informative: str, yes: str, no: str) -> bool:
    """A question about locked paragraphs as a message box (``no`` is the default and Esc). True: ``yes``."""
    box = QMessageBox(QMessageBox.Icon.Question, "Locked paragraph", text, QMessageBox.StandardButton.NoButton, parent)
    box.setInformativeText(informative)
    accept = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    keep = box.addButton(no, QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(keep)
    box.setEscapeButton(keep)
    box.setObjectName(name)
    box.exec()
    return box.clickedButton() is accept


def ask_to_unlock(parent: QWidget, touched: list[tuple[int, Block]]) -> bool:
    """The question, as a message box over the editor. True: unlock and edit."""
    return ask_about_locked(
        parent, "lockedParagraphQuestion", f"{which_locked(touched)}.",
        "A locked paragraph keeps its chosen take: Play, Export and regenerating never make it again. "
        "Editing it unlocks it, and its new words are spoken anew the next time it plays or is exported.",
        "&Unlock and Edit", "&Keep It Locked")


def _plain(text: str) -> str:
    """QTextCursor.selectedText() as toPlainText() would say it."""
    return text.replace("\u2029", "\n").replace("\u2028", "\n").replace("\u00a0", " ")


def _blank(block: QTextBlock) -> bool:
    return not block.text().strip()


class LockedEditGuard(QObject):
    def __init__(self, document: ScriptDocumentController, positions: ParagraphPositions, editor: QPlainTextEdit,
                 ask: Ask | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._document = document
        self._positions = positions
        self._editor = editor
        self._ask: Ask = ask or (lambda touched: ask_to_unlock(editor, touched))
        self._locked: frozenset[int] | None = None  # indices of locked blocks, recomputed on change
        document.changed.connect(self._forget)
        document.synced.connect(self._forget)
        document.takes_changed.connect(lambda _block_id: self._forget())

    def _forget(self) -> None:
        self._locked = None

    def locked_indices(self) -> frozenset[int]:
        if self._locked is None:
            self._locked = frozenset(i for i, b in enumerate(self._document.script.blocks) if b.locked)
        return self._locked

    # -- EditGuard ---------------------------------------------------------------------------------

    def allow(self, intents: Sequence[EditIntent]) -> bool:
        touched = self.touched_by(intents)
        return not touched or self._decide(touched)

    def after_history_step(self, changed: tuple[int, int], take_back: Callable[[], None]) -> None:
        if not self._near([EditIntent(*changed)]):
            return  # far from every locked paragraph (the usual case): nothing to compare
        script = self._document.script
        touched_blocks = {id(b) for b in script.locked_blocks_touched(self._editor.toPlainText())}
        touched = [(i, b) for i, b in enumerate(script.blocks) if id(b) in touched_blocks]
        if touched and not self._decide(touched):
            take_back()

    def _decide(self, touched: list[tuple[int, Block]]) -> bool:
        if not self._ask(touched):
            return False
        for _index, block in touched:
            self._document.set_locked(block.id, False)
        return True

    # -- which locked paragraphs an edit changes ----------------------------------------------------

    def touched_by(self, intents: Sequence[EditIntent], *, retry: bool = True) -> list[tuple[int, Block]]:
        near = self._near(intents)
        if not near:
            return []
        touched, found_all = self._exactly(intents, near)
        if not found_all and retry:
            # A locked paragraph was not where the positions said (they follow typing since the
            # last sync by arithmetic): follow the editor now and look again, exactly.
            self._document.sync()
            return self.touched_by(intents, retry=False)
        return touched

    def _near(self, intents: Sequence[EditIntent]) -> list[int]:
        """Locked paragraphs whose text, or the gaps around it, the edits reach."""
        locked = self.locked_indices()
        if not locked or not intents:
            return []
        positions = self._positions
        count = min(len(positions), len(self._document.script.blocks))
        near: set[int] = set()
        for intent in intents:
            # Only the paragraphs around the edit can change (a binary search, not a walk).
            first = positions.index_at(intent.start)
            last = positions.index_at(intent.end)
            if first is None or last is None:
                continue
            for i in range(max(0, first - 1), min(count, last + 2)):
                if i not in locked:
                    continue
                # An edit reaches a paragraph if it meets its text or the gaps around it (merging).
                before = positions.span(i - 1)[1] if i > 0 else -1
                after = positions.start(i + 1) if i + 1 < count else self._editor.document().characterCount() + 1
                if intent.end > before and intent.start < after:
                    near.add(i)
        return sorted(near)

    def _exactly(self, intents: Sequence[EditIntent], near: list[int]) -> tuple[list[tuple[int, Block]], bool]:
        """Apply the edits to the paragraphs around them and compare, with the script's own rule.
        Also says whether every paragraph in ``near`` was found where expected."""
        positions = self._positions
        low = min([positions.start(i) for i in near] + [intent.start for intent in intents])
        high = max([positions.span(i)[1] for i in near] + [intent.end for intent in intents])
        start, end = self._window(low, high)
        cursor = QTextCursor(self._editor.document())
        cursor.setPosition(start)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        old = _plain(cursor.selectedText())
        spans = paragraph_spans(old)
        starts = utf16_positions(old, [s for s, _e in spans])
        locked_starts = {positions.start(i): i for i in near}
        blocks = self._document.script.blocks
        window: list[Block] = []
        real: dict[int, int] = {}  # id(window block) -> index of the script block
        for (s, e), units in zip(spans, starts, strict=True):
            index = locked_starts.get(start + units)
            block = Block(old[s:e], locked=index is not None)
            if index is not None:
                real[id(block)] = index
            window.append(block)
        new = old
        for intent in sorted(intents, key=lambda x: x.start, reverse=True):
            a, b = self._indices(old, intent.start - start, intent.end - start)
            new = new[:a] + intent.text.replace("\u2029", "\n") + new[b:]
        touched = Script(window).locked_blocks_touched(new)
        found_all = set(real.values()) == set(near)
        return [(real[id(b)], blocks[real[id(b)]]) for b in touched if id(b) in real], found_all

    @staticmethod
    def _indices(text: str, *units: int) -> list[int]:
        """``str`` indices of document offsets into ``text`` (they differ past surrogate pairs)."""
        if len(text.encode("utf-16-le")) == 2 * len(text):
            return [max(0, min(len(text), u)) for u in units]
        found = []
        for u in units:
            index = count = 0
            while index < len(text) and count < u:
                count += 2 if ord(text[index]) > 0xFFFF else 1
                index += 1
            found.append(index)
        return found

    def _window(self, low: int, high: int) -> tuple[int, int]:
        """Document range from the paragraph before ``low`` to the one after ``high``, read from
        the editor's lines (exact even while the script has not followed the latest typing)."""
        document = self._editor.document()
        first = _paragraph_edge(_paragraph_edge(document.findBlock(max(0, low)), -1, step_over=True), -1)
        last = _paragraph_edge(_paragraph_edge(document.findBlock(max(0, high)), 1, step_over=True), 1)
        start = first.position()
        return start, max(start, last.position() + last.length() - 1)


def _paragraph_edge(block: QTextBlock, direction: int, *, step_over: bool = False) -> QTextBlock:
    """From ``block``, over blank lines, to the first (``direction`` -1) or last (+1) line of
    that paragraph; ``step_over``: then one line further, into the gap beyond it."""
    def neighbour(b: QTextBlock) -> QTextBlock:
        return b.previous() if direction < 0 else b.next()

    while neighbour(block).isValid() and _blank(block):
        block = neighbour(block)
    while neighbour(block).isValid() and not _blank(neighbour(block)):
        block = neighbour(block)
    if step_over and neighbour(block).isValid():
        block = neighbour(block)
    return block
