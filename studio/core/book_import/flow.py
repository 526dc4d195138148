"""The one rule that turns a document's headings and paragraphs into chapters.

Every structured importer (EPUB, DOCX, Markdown, HTML) reduces its file to a flow of
:class:`Item`\\ s — paragraphs, headings with their level, and (EPUB) the start of a file that
begins a chapter of its own — and :func:`chapters_from_flow` cuts the flow into chapters:

* **Which headings start chapters.** The chapter level is the highest heading level (smallest
  number) used at least twice, else the highest used at all: a book whose one ``h1`` is its
  title and whose ``h2``\\ s are chapters gets a short title chapter plus one per ``h2``;
  deeper headings (sections) stay paragraphs of their chapter. Headings at or above the
  chapter level start a chapter.
* **Section starts** (an EPUB spine file listed in the table of contents, or starting with a
  heading) start a chapter, titled by the contents entry, else by their first heading.
* The heading is the chapter's first paragraph, so it is spoken; a chapter titled only by the
  table of contents gets its title as its first paragraph too.
* A later section with no title at all is named by its front-matter kind ("Copyright") or
  "Section N" (only the opening chapter may be untitled; see :mod:`studio.core.script.chapters`).
* Text inside a paragraph is joined onto one line (:func:`clean`): a blank line would make it
  two paragraphs in the editor. Empty paragraphs and empty chapters vanish.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from studio.core.book_import.front_matter import front_matter_kind
from studio.core.book_import.model import BookChapter

__all__ = ["Item", "chapters_from_flow", "clean"]


def clean(text: str) -> str:
    """``text`` on one line with single spaces (soft hyphens and zero-width spaces dropped)."""
    return " ".join(text.replace("\u00ad", "").replace("\u200b", "").split())


@dataclass(frozen=True)
class Item:
    text: str = ""
    #: 1–6 for a heading (0: a document title), None for a paragraph.
    level: int | None = None
    #: This item starts a section (a new file of an EPUB): ``section_title`` is its contents
    #: entry ("" when it has none, then its first heading names it).
    section: bool = False
    section_title: str = ""
    #: Semantic hints for front-matter recognition (an EPUB's ``epub:type``, its file name).
    hint: str = ""
    source: str = ""


class _Open:
    def __init__(self, title: str, hint: str, source: str) -> None:
        self.title, self.hint, self.source = title, hint, source
        self.paragraphs: list[str] = []
        self.starts_with_heading = False


def chapters_from_flow(items: Iterable[Item]) -> list[BookChapter]:
    items = list(items)
    levels = Counter(i.level for i in items if i.level is not None and clean(i.text))
    repeated = [level for level, n in levels.items() if n >= 2]
    chapter_level = min(repeated) if repeated else min(levels, default=None)
    done: list[_Open] = []
    current = _Open("", "", "")
    for item in items:
        text = clean(item.text)
        if item.section:
            done.append(current)
            current = _Open(clean(item.section_title), item.hint, item.source)
        if not text:
            continue
        if item.level is not None and chapter_level is not None and item.level <= chapter_level:
            if current.paragraphs:
                done.append(current)
                current = _Open(text, item.hint, item.source)
            current.title = current.title or text
            current.starts_with_heading = current.starts_with_heading or not current.paragraphs
        current.paragraphs.append(text)
    done.append(current)
    chapters: list[BookChapter] = []
    for open_ in done:
        paragraphs = open_.paragraphs
        if not paragraphs:
            continue
        if open_.title and not open_.starts_with_heading and paragraphs[0].casefold() != open_.title.casefold():
            paragraphs = [open_.title, *paragraphs]  # titled by the contents only: say the title
        kind = front_matter_kind(open_.title, paragraphs, open_.hint)
        if kind is None and not chapters and open_.title and len(paragraphs) == 1:
            kind = "title page"  # the book's title alone before everything else
        title = open_.title
        if not title and chapters:
            # Only the opening chapter may be untitled (an untitled one later would silently
            # join the chapter before it): name it by what it is. Not spoken: not the book's words.
            title = kind.capitalize() if kind else f"Section {len(chapters) + 1}"
        chapters.append(BookChapter(title, tuple(paragraphs), kind, open_.source))
    return chapters
