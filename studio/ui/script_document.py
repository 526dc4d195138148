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

Undo in the editor only ever changes text: takes live here, so no Ctrl+Z removes one. And a
paragraph that comes back (Ctrl+Z after deleting it, or cut and pasted back later) gets its
old block back, takes, choice and lock included, even when the script followed the deletion
in between: the controller keeps the blocks that left the script (:data:`REMEMBERED_REMOVED`).
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import replace

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QPlainTextEdit

from studio.core.listen_check import ListenCheck
from studio.core.script import Block, ReconcileResult, Script, Take
from studio.core.script.document import paragraph_spans
from studio.core.typed_headings import follow_headings
from studio.ui.utf16 import utf16_positions

#: Reconciling a long script costs a few milliseconds: do it when typing pauses, not per key.
SYNC_DELAY_MS = 250
#: Blocks removed from the script that are kept so a paragraph that returns gets its takes back
#: (an undo can bring back any of them). Blocks are small (takes name cache entries, no audio).
REMEMBERED_REMOVED = 500


class ScriptDocumentController(QObject):
    #: Blocks, takes, locks or choices changed (the gutter and the counter redraw).
    changed = Signal()
    #: A block's takes or choice changed: its id.
    takes_changed = Signal(str)
    #: The script followed new editor text (:attr:`text` and :meth:`spans` are new), also when
    #: no block changed (blank lines added between paragraphs move the spans only).
    synced = Signal()
    #: Another document replaced this one (a project opened, File ▸ New): its undo history is gone.
    loaded = Signal()

    def __init__(self, editor: QPlainTextEdit, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._editor = editor
        self.script = Script.from_text(editor.toPlainText())
        self._text = editor.toPlainText()
        self._spans = paragraph_spans(self._text)
        #: (spans it was computed from, the same in editor positions): see _editor_spans.
        self._spans16: tuple[list[tuple[int, int]], list[tuple[int, int]]] | None = None
        #: Text of a removed block → the blocks with that text, oldest first (see the module notes).
        self._removed: OrderedDict[str, list[Block]] = OrderedDict()
        self._removed_count = 0
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
        before = {b.id: b for b in self.script}
        old_texts = {b.id: b.text for b in self.script}
        result = self.script.reconcile(text)
        # A heading typed or edited starts (or renames) its chapter; before _bring_back, whose
        # returning blocks keep the marks they had.
        marks_changed = follow_headings(self.script, result, old_texts)
        result = self._bring_back(result, before)
        self._text = text
        self._spans = paragraph_spans(text)
        self.synced.emit()
        if result.changed or marks_changed:
            self.changed.emit()
        return result

    def _bring_back(self, result: ReconcileResult, before: dict[str, Block]) -> ReconcileResult:
        """Give each added paragraph the removed block it was (same text), and remember the removed.

        A block brought back stays among ``added`` (it is back in the script), under its old id.
        """
        if result.added and self._removed:
            added = set(result.added)
            back: dict[str, str] = {}
            for i, block in enumerate(self.script.blocks):
                if block.id in added and (old := self._pop_removed(block.text)) is not None:
                    self.script.blocks[i] = old
                    back[block.id] = old.id
            if back:
                result = replace(result, added=tuple(back.get(a, a) for a in result.added))
        for block_id in result.removed:
            block = before.get(block_id)
            if block is not None:
                self._removed.setdefault(block.text, []).append(block)
                self._removed.move_to_end(block.text)
                self._removed_count += 1
        while self._removed_count > REMEMBERED_REMOVED:
            oldest = next(iter(self._removed))
            self._removed[oldest].pop(0)
            self._removed_count -= 1
            if not self._removed[oldest]:
                del self._removed[oldest]
        return result

    def _pop_removed(self, text: str) -> Block | None:
        blocks = self._removed.get(text)
        if not blocks:
            return None
        block = blocks.pop()  # the most recently removed: what an undo brings back
        self._removed_count -= 1
        if not blocks:
            del self._removed[text]
        return block

    def load(self, script: Script) -> None:
        """A project was opened: its document replaces the current one (the editor already shows its text)."""
        self._timer.stop()
        self.script = script
        self._removed.clear()  # another script: its undo history is gone with the old text
        self._removed_count = 0
        self._text = self._editor.toPlainText()
        self._spans = paragraph_spans(self._text)
        # The saved blocks and the saved text may disagree (edited by hand): the text wins.
        self.script.reconcile(self._text)
        self.loaded.emit()
        self.synced.emit()
        self.changed.emit()

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

    def _editor_spans(self) -> list[tuple[int, int]]:
        """:meth:`spans` in editor positions (UTF-16 units), computed once per sync."""
        if self._spans16 is None or self._spans16[0] is not self._spans:
            flat = utf16_positions(self._text, [p for span in self._spans for p in span])
            self._spans16 = (self._spans, list(zip(flat[0::2], flat[1::2])))
        return self._spans16[1]

    def index_at(self, position: int) -> int | None:
        """The block at editor ``position``; between paragraphs, the one after (or the last)."""
        spans = self._editor_spans()
        if not spans:
            return None
        for i, (_start, end) in enumerate(spans):
            if position <= end:
                return i
        return len(spans) - 1

    def block_at(self, position: int) -> Block | None:
        """The block at editor ``position`` (see :meth:`index_at`)."""
        index = self.index_at(position)
        return None if index is None else self.script.blocks[index]

    def indices_between(self, start: int, end: int) -> list[int]:
        """Blocks that the editor range [start, end] touches (a selection)."""
        return [i for i, (s, e) in enumerate(self._editor_spans()) if s <= end and e >= start]

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

    def set_listen_check(self, block_id: str, take_id: str, check: ListenCheck) -> bool:
        """Keep what the listen-check heard in a take; False if the block or take is gone."""
        try:
            self.script.block(block_id).set_listen_check(take_id, check)
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

    def choose_take(self, block_id: str, take_id: str) -> None:
        """Choose one of a block's takes (the Takes menu)."""
        block = self.script.block(block_id)
        if block.chosen_take_id == take_id:
            return
        block.choose(take_id)
        self.takes_changed.emit(block_id)
        self.changed.emit()

    def set_locked(self, block_id: str, locked: bool) -> None:
        block = self.script.block(block_id)
        if block.locked == locked:
            return
        block.locked = locked
        self.takes_changed.emit(block_id)
        self.changed.emit()

    def remake_locked(self, block_id: str) -> None:
        """Let the next Play or Export make a locked paragraph once more (its words are now said
        differently): it stays locked and keeps its takes, but none is chosen, and a locked
        paragraph without a chosen take is planned like any other, once; its new take is then kept."""
        block = self.script.block(block_id)
        if block.chosen_take_id is None:
            return
        block.chosen_take_id = None
        self.takes_changed.emit(block_id)
        self.changed.emit()

    def locked_touched_by(self, new_text: str) -> list[Block]:
        """Locked paragraphs that ``new_text`` would change or delete (the editor asks first)."""
        self.sync()
        return self.script.locked_blocks_touched(new_text)
