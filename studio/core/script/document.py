"""The script document: an ordered list of blocks (paragraphs), each with its takes.

Narration is made paragraph by paragraph, so the paragraph is the unit of the whole app::

    Script ── blocks ── Block(id, text, locked, chosen take)
                           └ takes ── Take(audio by cache key + what made it)

* **One paragraph rule.** :meth:`Script.from_text` and :meth:`Script.reconcile` cut plain text
  into paragraphs with the segmenter's rule (a blank line separates paragraphs; each is
  trimmed; empty ones vanish), via :func:`paragraph_spans`. ``Script.from_text(t).text`` is
  the canonical form (paragraphs joined by one blank line).
* **Stable ids.** A block's ``id`` (a uuid) never changes. :meth:`Script.reconcile` maps an
  edited plain text back onto the blocks: unchanged paragraphs keep their block (id, takes,
  lock, choice), also when moved elsewhere; an edited paragraph keeps its block and takes, but its chosen take no longer
  matches its text, so the render plan generates it again unless it is locked.
  :meth:`Script.locked_blocks_touched` tells the UI, before it reconciles, which locked
  paragraphs an edit would change or delete, so it can ask first.
* **Takes.** Every generation of a block is a :class:`Take`. Its audio and alignment live in
  the :class:`~studio.core.cache.SpeechCache` (content-addressed: the take keeps the cache key
  of each part, never PCM). A take is only made from streams that ended by themselves: a
  take with ``complete=False`` is refused by :meth:`Block.add_take`.
* **Chapters** (:mod:`studio.core.script.chapters`): a block whose ``chapter`` (a title) is
  set starts a chapter; :meth:`Script.chapters` lists them, and rename/split/merge/move are
  methods here. ``Block.speaker`` is carried through edits and saves but not used yet.

Plain Python, no Qt, no I/O. Not thread-safe: mutate a Script from one thread (the GUI
thread, or a CLI's main thread) and hand workers the immutable :class:`RenderPlan` built from it.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from difflib import SequenceMatcher
from typing import Any

from studio.core.listen_check.result import ListenCheck
from studio.core.script import chapters as _chapters
from studio.core.script.chapters import Chapter
from studio.core.segmenter import split_script

__all__ = ["Block", "IncompleteTakeError", "ReconcileResult", "Script", "Take", "TakePart", "new_id",
           "paragraph_spans"]


def new_id() -> str:
    return uuid.uuid4().hex


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of every paragraph of ``text``, trimmed, in order (the segmenter's rule).

    The editor maps a block to its place in the text with this: block *i* of a Script
    reconciled with ``text`` is ``text[start:end]`` of span *i*.
    """
    # With a limit above the whole length the segmenter cuts at paragraphs only.
    return [(s.start, s.end) for s in split_script(text, len(text) + 1)]


def paragraphs(text: str) -> list[str]:
    return [text[start:end] for start, end in paragraph_spans(text)]


class IncompleteTakeError(ValueError):
    """Audio from a stream that was cut short was offered as a take."""


@dataclass(frozen=True)
class TakePart:
    """One request's worth of a take: its audio and alignment are the cache entry ``cache_key``."""

    cache_key: str
    #: Where this part's text sits in ``Take.text``.
    start: int
    end: int
    #: The engine's ``request-id`` (for ``previous_request_ids``) and when it was made.
    request_id: str | None = None
    created_unix: float = 0.0
    character_cost: float | None = None


@dataclass(frozen=True)
class Take:
    """One generation of a block, and everything that made it."""

    id: str
    #: The block's text as it was spoken.
    text: str
    parts: tuple[TakePart, ...]
    #: The key of what was spoken (text, voice, model, settings, seed, format, engine,
    #: language; see :func:`studio.core.script.plan.spoken_key`): the take is current when
    #: this equals the block's key today.
    spoken_key: str
    voice_id: str
    model_id: str
    engine_id: str
    output_format: str
    voice_settings: dict[str, Any] = field(default_factory=dict)
    seed: int | None = None
    language_code: str | None = None
    #: Added to the parts' cache keys so a regenerated take never overwrites an earlier one
    #: (None for a block's first take, whose keys every render path shares).
    variant: str | None = None
    created_unix: float = field(default_factory=time.time)
    #: Credits this take cost when it was made.
    credit_cost: float = 0.0
    complete: bool = True
    #: The file this take was imported from (the narrator's own recording, timed against the
    #: text: :mod:`studio.core.recording`); None for generated speech. A recording take is
    #: current while its text is the block's text, whatever voice or model is chosen.
    recording: str | None = None

    @property
    def is_recording(self) -> bool:
        return self.recording is not None

    #: What the listen-check heard in this take, against ``text`` (None: not checked yet).
    #: Saved with the take: hearing it again costs seconds of recognition.
    listen_check: ListenCheck | None = None

    @property
    def cache_keys(self) -> tuple[str, ...]:
        return tuple(part.cache_key for part in self.parts)

    @property
    def request_ids(self) -> tuple[str | None, ...]:
        return tuple(part.request_id for part in self.parts)


@dataclass
class Block:
    """One paragraph of the script."""

    text: str
    id: str = field(default_factory=new_id)
    locked: bool = False
    chosen_take_id: str | None = None
    takes: list[Take] = field(default_factory=list)
    #: The title of the chapter this block starts (None: it continues the chapter before it);
    #: see :mod:`studio.core.script.chapters`.
    chapter: str | None = None
    #: Reserved for speakers (issue 11): carried through edits and saves, unused.
    speaker: str | None = None

    @property
    def chosen_take(self) -> Take | None:
        return next((t for t in self.takes if t.id == self.chosen_take_id), None)

    def take(self, take_id: str) -> Take | None:
        return next((t for t in self.takes if t.id == take_id), None)

    def add_take(self, take: Take, *, choose: bool = True) -> Take:
        """Keep ``take`` (a complete one only) and choose it, unless the block is locked to another.

        A take whose audio has the same cache keys as one the block has replaces it in place
        (the audio was made again under the same keys), keeping its id and so the choice.
        """
        if not take.complete:
            raise IncompleteTakeError("a take is only ever made from a stream that ended by itself")
        for i, existing in enumerate(self.takes):
            if existing.cache_keys == take.cache_keys:
                # The same audio: it keeps its id (and so the choice) and what was heard in it.
                take = replace(take, id=existing.id, listen_check=take.listen_check or existing.listen_check)
                self.takes[i] = take
                break
        else:
            self.takes.append(take)
        # A locked block keeps its choice; one locked before it had any take has none to keep.
        if choose and (not self.locked or self.chosen_take is None):
            self.chosen_take_id = take.id
        return take

    def choose(self, take_id: str) -> None:
        if self.take(take_id) is None:
            raise KeyError(take_id)
        self.chosen_take_id = take_id

    def set_listen_check(self, take_id: str, check: ListenCheck) -> Take:
        """Keep what the listen-check heard in take ``take_id`` (takes are immutable: replaced)."""
        for i, take in enumerate(self.takes):
            if take.id == take_id:
                self.takes[i] = replace(take, listen_check=check)
                return self.takes[i]
        raise KeyError(take_id)


@dataclass(frozen=True)
class ReconcileResult:
    """What :meth:`Script.reconcile` did, by block id."""

    kept: tuple[str, ...] = ()
    edited: tuple[str, ...] = ()
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        return bool(self.edited or self.added or self.removed)


#: Above this many old × new paragraphs in one changed region, pair them in order instead of
#: searching for the most similar pairing (which costs a similarity ratio per pair).
_MAX_PAIRING_WORK = 400
#: Paragraphs less alike than this are a deletion plus an insertion, not an edit — unless the
#: region is one paragraph replaced by one (the usual edit, however heavy).
_MIN_EDIT_SIMILARITY = 0.3


class Script:
    """An ordered list of :class:`Block`\\ s."""

    def __init__(self, blocks: list[Block] | None = None) -> None:
        self.blocks: list[Block] = list(blocks or [])

    @classmethod
    def from_text(cls, text: str) -> Script:
        return cls([Block(p) for p in paragraphs(text)])

    def __iter__(self) -> Iterator[Block]:
        return iter(self.blocks)

    def __len__(self) -> int:
        return len(self.blocks)

    @property
    def text(self) -> str:
        """The canonical plain text: the paragraphs joined by one blank line."""
        return "\n\n".join(b.text for b in self.blocks)

    def block(self, block_id: str) -> Block:
        for block in self.blocks:
            if block.id == block_id:
                return block
        raise KeyError(block_id)

    def index_of(self, block_id: str) -> int:
        for i, block in enumerate(self.blocks):
            if block.id == block_id:
                return i
        raise KeyError(block_id)

    def add_take(self, block_id: str, take: Take, *, choose: bool = True) -> Take:
        return self.block(block_id).add_take(take, choose=choose)

    # -- chapters (the rule and the operations live in studio.core.script.chapters) ---------

    def chapters(self) -> list[Chapter]:
        return _chapters.chapters(self)

    def chapter_of(self, block_index: int) -> Chapter:
        return _chapters.chapter_of(self, block_index)

    def rename_chapter(self, chapter_id: str, title: str) -> Chapter:
        return _chapters.rename_chapter(self, chapter_id, title)

    def split_chapter(self, block_id: str, title: str) -> Chapter:
        return _chapters.split_chapter(self, block_id, title)

    def merge_chapter(self, chapter_id: str) -> Chapter:
        return _chapters.merge_chapter(self, chapter_id)

    def move_chapter(self, chapter_id: str, to: int) -> list[Chapter]:
        return _chapters.move_chapter(self, chapter_id, to)

    # -- edits ----------------------------------------------------------------------------

    def locked_blocks_touched(self, new_text: str) -> list[Block]:
        """The locked blocks that reconciling ``new_text`` would edit or remove (ask first)."""
        pairs, removed = self._match(paragraphs(new_text))
        touched = {id(block) for block in removed}
        touched |= {id(block) for block, text in pairs if block is not None and block.text != text}
        return [b for b in self.blocks if b.locked and id(b) in touched]

    def reconcile(self, new_text: str) -> ReconcileResult:
        """Make the blocks follow ``new_text``; see the module notes. Returns what changed."""
        pairs, removed = self._match(paragraphs(new_text))
        kept: list[str] = []
        edited: list[str] = []
        added: list[str] = []
        blocks: list[Block] = []
        for block, text in pairs:
            if block is None:
                block = Block(text)
                added.append(block.id)
            elif block.text != text:
                block.text = text
                edited.append(block.id)
            else:
                kept.append(block.id)
            blocks.append(block)
        self.blocks = blocks
        return ReconcileResult(tuple(kept), tuple(edited), tuple(added), tuple(b.id for b in removed))

    def _match(self, new: list[str]) -> tuple[list[tuple[Block | None, str]], list[Block]]:
        """Pair each new paragraph with the block it continues (None: a new block)."""
        old = self.blocks
        matcher = SequenceMatcher(None, [b.text for b in old], new, autojunk=False)
        pairs: list[tuple[Block | None, str]] = []
        removed: list[Block] = []
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                pairs.extend((old[i1 + k], new[j1 + k]) for k in range(i2 - i1))
                continue
            region = _pair_region([b.text for b in old[i1:i2]], new[j1:j2])
            used = {i for i, _ in region}
            by_new = {j: i for i, j in region}
            pairs.extend((old[i1 + by_new[j]] if j in by_new else None, new[j1 + j]) for j in range(j2 - j1))
            removed.extend(old[i1 + i] for i in range(i2 - i1) if i not in used)
        # A paragraph moved elsewhere (cut and pasted) is a removal plus an insertion of the
        # same text: give it back its block, takes and all.
        by_text: dict[str, list[Block]] = {}
        for block in removed:
            by_text.setdefault(block.text, []).append(block)
        for k, (block, text) in enumerate(pairs):
            if block is None and by_text.get(text):
                moved = by_text[text].pop(0)
                pairs[k] = (moved, text)
                removed.remove(moved)
        return pairs, removed


def _pair_region(old: list[str], new: list[str]) -> list[tuple[int, int]]:
    """Order-keeping pairs (old index, new index) of edited paragraphs in one changed region.

    One replaced by one is always an edit. Otherwise the pairing with the greatest total
    similarity is chosen (a paragraph split in two stays with its larger half; a paragraph
    inserted before an edited one does not steal its takes).
    """
    if not old or not new:
        return []
    if len(old) == 1 and len(new) == 1:
        return [(0, 0)]
    if len(old) * len(new) > _MAX_PAIRING_WORK:
        return [(k, k) for k in range(min(len(old), len(new)))]
    n, m = len(old), len(new)
    score = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            ratio = SequenceMatcher(None, old[i], new[j]).ratio()
            take = ratio + score[i + 1][j + 1] if ratio >= _MIN_EDIT_SIMILARITY else -1.0
            score[i][j] = max(take, score[i + 1][j], score[i][j + 1])
    pairs: list[tuple[int, int]] = []
    i = j = 0
    while i < n and j < m:
        if score[i][j] == score[i + 1][j]:
            i += 1
        elif score[i][j] == score[i][j + 1]:
            j += 1
        else:
            pairs.append((i, j))
            i += 1
            j += 1
    return pairs
