"""What an import makes: a book of chapters of paragraphs, before it becomes a Script.

An importer (one module per format) returns an :class:`ImportedBook`; the preview shows its
chapters and paragraph counts with the recognised front matter ticked for skipping, and
:meth:`ImportedBook.to_script` turns the chapters kept into a :class:`~studio.core.script.Script`
(each titled chapter's first paragraph is its heading and carries ``Block.chapter``; see
:mod:`studio.core.script.chapters`). Qt-free, no I/O.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

from studio.core.script.document import Block, Script
from studio.errors import StudioError

__all__ = ["BookChapter", "BookImportError", "ImportedBook"]


class BookImportError(StudioError):
    """A book file that cannot be imported (the message names the file and the remedy)."""


@dataclass(frozen=True)
class BookChapter:
    """One chapter found in the file: its title (``""``: text before the first heading) and
    paragraphs (the heading first, so it is read aloud)."""

    title: str
    paragraphs: tuple[str, ...]
    #: What kind of front or back matter it looks like ("copyright", "contents", …), else None.
    front_matter: str | None = None
    #: Where it came from inside the file (an EPUB's XHTML file name), for the preview.
    source: str = ""

    @property
    def characters(self) -> int:
        return sum(len(p) for p in self.paragraphs)


@dataclass(frozen=True)
class ImportedBook:
    path: Path
    #: "epub", "docx", "markdown", "html", "text" or "pdf".
    format: str
    chapters: tuple[BookChapter, ...]
    title: str | None = None
    author: str | None = None
    #: Things the narrator should know about this import (e.g. PDF text is best effort).
    notes: tuple[str, ...] = field(default=())

    @property
    def paragraph_count(self) -> int:
        return sum(len(c.paragraphs) for c in self.chapters)

    @property
    def characters(self) -> int:
        return sum(c.characters for c in self.chapters)

    def default_skip(self) -> frozenset[int]:
        """The chapters the preview offers to skip: the recognised front and back matter."""
        return frozenset(i for i, c in enumerate(self.chapters) if c.front_matter is not None)

    def to_script(self, skip: Collection[int] | None = None) -> Script:
        """The chapters not in ``skip`` (default: :meth:`default_skip`) as a new Script."""
        skipped = self.default_skip() if skip is None else frozenset(skip)
        blocks: list[Block] = []
        for i, chapter in enumerate(self.chapters):
            if i in skipped:
                continue
            for k, text in enumerate(chapter.paragraphs):
                blocks.append(Block(text, chapter=chapter.title if k == 0 and chapter.title else None))
        return Script(blocks)
