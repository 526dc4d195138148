"""Chapters: a level above paragraphs in the script document.

**The rule.** A chapter starts at a block whose ``Block.chapter`` (its title) is set, and runs
to the block before the next such block. Blocks before the first titled block form an
*untitled* opening chapter (title ``""``), so every block belongs to exactly one chapter and
``Script.chapters()`` of a script with no titles is one chapter covering everything.

**Why a marker and not a heading block.** The editor shows plain text, where a heading cannot
be told from a short paragraph; a marker keeps the title apart from what is spoken, so a
chapter can start at any paragraph ("split at the cursor"), survives edits of that paragraph
(:meth:`Script.reconcile` keeps an edited block and so its ``chapter``), and is saved with
the block in the project (:mod:`studio.core.script.records`). Importers
(:mod:`studio.core.book_import`) put a chapter's heading in as the chapter's first paragraph
*and* set that block's title, so the heading is read aloud (retail audiobooks want chapter
titles spoken) and the title is there for chapter marks. Deleting a chapter's first paragraph
in the editor removes the chapter (its paragraphs join the chapter before).

**Ids.** A chapter's ``id`` is the id of its first block: stable across edits, saves and
reorders, with no second id to keep in step.

Operations (on the :class:`~studio.core.script.Script`, no Qt): :func:`rename_chapter`,
:func:`split_chapter`, :func:`merge_chapter`, :func:`move_chapter`. Reordering changes the
script's text: the caller shows ``script.text`` in the editor afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from studio.core.script.document import Script

__all__ = ["UNTITLED_CHAPTER", "Chapter", "ChapterError", "chapter_of", "chapters", "merge_chapter",
           "move_chapter", "rename_chapter", "split_chapter"]

#: The title given to the untitled opening chapter when it has to become a real chapter
#: (moved away from the start, where it would otherwise join the chapter before it).
UNTITLED_CHAPTER = "Untitled chapter"


class ChapterError(ValueError):
    """A chapter operation that cannot be done (the message says why, in plain words)."""


@dataclass(frozen=True)
class Chapter:
    """One chapter: blocks ``first_block`` … ``last_block`` (indices, inclusive) of the script."""

    #: The id of its first block.
    id: str
    #: ``""`` for the untitled opening chapter.
    title: str
    first_block: int
    last_block: int

    @property
    def blocks(self) -> range:
        """The indices of its blocks."""
        return range(self.first_block, self.last_block + 1)

    def __len__(self) -> int:
        return self.last_block - self.first_block + 1


def chapters(script: Script) -> list[Chapter]:
    """The chapters of ``script`` in order (empty for an empty script); see the module rule."""
    starts = [i for i, b in enumerate(script.blocks) if b.chapter is not None]
    if script.blocks and (not starts or starts[0] != 0):
        starts.insert(0, 0)
    ends = [*starts[1:], len(script.blocks)]
    return [Chapter(script.blocks[s].id, script.blocks[s].chapter or "", s, e - 1) for s, e in zip(starts, ends)]


def chapter_of(script: Script, block_index: int) -> Chapter:
    """The chapter holding block ``block_index``."""
    for chapter in chapters(script):
        if chapter.first_block <= block_index <= chapter.last_block:
            return chapter
    raise IndexError(block_index)


def _find(script: Script, chapter_id: str) -> tuple[int, list[Chapter]]:
    found = chapters(script)
    for k, chapter in enumerate(found):
        if chapter.id == chapter_id:
            return k, found
    raise ChapterError("That chapter is no longer in the script (it may have been deleted)")


def _title(title: str) -> str:
    title = " ".join(title.split())  # one line: titles become chapter marks and file names
    if not title:
        raise ChapterError("A chapter needs a title")
    return title


def rename_chapter(script: Script, chapter_id: str, title: str) -> Chapter:
    """Give chapter ``chapter_id`` the title ``title`` (the untitled opening one becomes titled)."""
    k, _ = _find(script, chapter_id)
    script.block(chapter_id).chapter = _title(title)
    return chapters(script)[k]


def split_chapter(script: Script, block_id: str, title: str) -> Chapter:
    """Start a new chapter titled ``title`` at block ``block_id`` (the paragraph at the cursor)."""
    block = script.block(block_id)
    if block.chapter is not None:
        raise ChapterError("A chapter already starts at this paragraph")
    block.chapter = _title(title)
    return next(c for c in chapters(script) if c.id == block_id)


def merge_chapter(script: Script, chapter_id: str) -> Chapter:
    """Join chapter ``chapter_id`` onto the chapter before it; returns the joined chapter."""
    k, found = _find(script, chapter_id)
    if k == 0:
        raise ChapterError("The first chapter has no chapter before it to join")
    script.block(chapter_id).chapter = None
    return chapters(script)[k - 1]


def move_chapter(script: Script, chapter_id: str, to: int) -> list[Chapter]:
    """Move chapter ``chapter_id`` (with all its blocks, takes and locks) to position ``to``
    among the chapters (0 = first). Returns the new chapter list.

    The untitled opening chapter gets the title :data:`UNTITLED_CHAPTER` when it moves, or
    when another chapter moves in front of it, so it stays a chapter of its own.
    """
    k, found = _find(script, chapter_id)
    to = max(0, min(to, len(found) - 1))
    if to == k:
        return found
    groups = [script.blocks[c.first_block:c.last_block + 1] for c in found]
    opening = groups[0]
    groups.insert(to, groups.pop(k))
    if groups[0] is not opening and found[0].title == "":
        opening[0].chapter = UNTITLED_CHAPTER
    script.blocks = [b for group in groups for b in group]
    return chapters(script)
