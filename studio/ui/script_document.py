"""Keeps the script document (paragraphs with takes, locks and choices) in step with the editor.

The editor holds the words; :class:`~studio.core.script.Script` holds what the words have
become: each paragraph's takes, which one is chosen, whether it is locked. This controller
owns the one ``Script`` of the window, on the GUI thread:

* after typing pauses (and at once, with :meth:`sync`, before Play, Export or Save) it
  reconciles the script with the editor's text, so an edited paragraph keeps its takes and
  every untouched one keeps its id, takes and lock;
* it maps paragraphs to document positions (for the gutter, the player and the actions on
  "the paragraph at the cursor");
* it applies the takes a worker made (:meth:`add_take`), and the person's choices: next or
  previous take, lock and unlock;
* workers get an independent :meth:`snapshot`, never the live object.

Undo in the editor only ever changes text: takes live here, so no Ctrl+Z removes one.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QPlainTextEdit

from studio.core.script import Block, ReconcileResult, Script, Take
from studio.core.script.document import paragraph_spans

#: Reconciling a long script costs a few milliseconds: do it when typing pauses, not per key.
SYNC_DELAY_MS = 250


class ScriptDocumentController(QObject):
    #: Blocks, takes, locks or choices changed (the gutter and the counter redraw).
    changed = Signal()
    #: A block's takes or choice changed: its id.
    takes_changed = Signal(str)

    def __init__(self, editor: QPlainTextEdit, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._editor = editor
        self.script = Script.from_text(editor.toPlainText())
        self._text = editor.toPlainText()
        self._spans = paragraph_spans(self._text)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SYNC_DELAY_MS)
        self._timer.timeout.connect(self.sync)
        editor.document().contentsChanged.connect(self._timer.start)

    # -- following the editor ----------------------------------------------------------------

    @property
    def pending(self) -> bool:
        """Typing happened that the script has not followed yet."""
        return self._timer.isActive()

    def sync(self) -> ReconcileResult:
        """Make the script follow the editor's text now."""
        self._timer.stop()
        text = self._editor.toPlainText()
        if text == self._text:
            return ReconcileResult(kept=tuple(b.id for b in self.script))
        result = self.script.reconcile(text)
        self._text = text
        self._spans = paragraph_spans(text)
        if result.changed:
            self.changed.emit()
        return result

    def load(self, script: Script) -> None:
        """A project was opened: its document replaces the current one (the editor already shows its text)."""
        self._timer.stop()
        self.script = script
        self._text = self._editor.toPlainText()
        self._spans = paragraph_spans(self._text)
        result = self.script.reconcile(self._text)
        if result.changed:
            # The saved blocks and the saved text disagree (edited by hand): the text wins.
            self._spans = paragraph_spans(self._text)
        self.changed.emit()

    def reset(self) -> None:
        """File ▸ New: a fresh document for whatever the editor shows."""
        self.load(Script.from_text(self._editor.toPlainText()))

    # -- where paragraphs are ------------------------------------------------------------------

    @property
    def text(self) -> str:
        """The text the script last followed (call :meth:`sync` first for the editor's latest)."""
        return self._text

    def spans(self) -> list[tuple[int, int]]:
        """Document range of every block, in order (valid for :attr:`text`)."""
        return list(self._spans)

    def span_of(self, index: int) -> tuple[int, int]:
        return self._spans[index]

    def index_at(self, position: int) -> int | None:
        """The block at document ``position``; between paragraphs, the one after (or the last)."""
        if not self._spans:
            return None
        for i, (_start, end) in enumerate(self._spans):
            if position <= end:
                return i
        return len(self._spans) - 1

    def block_at(self, position: int) -> Block | None:
        index = self.index_at(position)
        return None if index is None else self.script.blocks[index]

    def indices_between(self, start: int, end: int) -> list[int]:
        """Blocks that the document range [start, end] touches (a selection)."""
        return [i for i, (s, e) in enumerate(self._spans) if s <= end and e >= start]

    # -- takes and choices -----------------------------------------------------------------------

    def snapshot(self) -> Script:
        """An independent copy for a worker (blocks keep their ids; takes are immutable)."""
        return Script([replace(b, takes=list(b.takes)) for b in self.script])

    def add_take(self, block_id: str, take: Take) -> bool:
        """Keep a take a worker made; False if its block was deleted meanwhile."""
        try:
            self.script.add_take(block_id, take)
        except KeyError:
            return False
        self.takes_changed.emit(block_id)
        self.changed.emit()
        return True

    def step_take(self, block_id: str, step: int) -> Take | None:
        """Choose the next (``step`` = 1) or previous (-1) take of a block; returns the one chosen."""
        block = self.script.block(block_id)
        if not block.takes:
            return None
        ids = [t.id for t in block.takes]
        current = ids.index(block.chosen_take_id) if block.chosen_take_id in ids else len(ids) - 1
        chosen = block.takes[(current + step) % len(ids)]
        block.choose(chosen.id)
        self.takes_changed.emit(block_id)
        self.changed.emit()
        return chosen

    def set_locked(self, block_id: str, locked: bool) -> None:
        block = self.script.block(block_id)
        if block.locked == locked:
            return
        block.locked = locked
        self.takes_changed.emit(block_id)
        self.changed.emit()

    def locked_touched_by(self, new_text: str) -> list[Block]:
        """Locked paragraphs that ``new_text`` would change or delete (the editor asks first)."""
        self.sync()
        return self.script.locked_blocks_touched(new_text)
