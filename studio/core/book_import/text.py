"""Plain-text import: the script's own paragraph rule (a blank line separates paragraphs,
:func:`~studio.core.script.document.paragraph_spans`) plus a configurable chapter rule.

A paragraph that is one short line and matches the :class:`ChapterRule` starts a chapter and
is its title. Paragraphs are kept exactly as written (not re-wrapped), so a text file imported
here has the same blocks — and the same cache keys — as the same text typed into the editor;
only a ``#`` heading loses its ``#`` marks (they are markup, not words to say).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from studio.core.book_import.front_matter import front_matter_kind
from studio.core.book_import.model import BookChapter, ImportedBook
from studio.core.script.document import paragraphs as script_paragraphs
from studio.core.script_io import read_script  # the one UTF-8 reading rule (BOM, bad bytes)

__all__ = ["CHAPTER_RULES", "DEFAULT_CHAPTER_RULE", "ChapterRule", "chapters_from_paragraphs", "import_text"]

_NUMBER = r"(?:\d+|[ivxlcdm]+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|[a-z]+teen|" \
          r"(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[- ]\w+)?)"


@dataclass(frozen=True)
class ChapterRule:
    """A regular expression a whole heading line must match; its group ``title``, if it has
    one and it matched, is the title (and the spoken heading), else the whole line."""

    pattern: str
    #: Longer lines are never headings (a sentence that starts with "Chapter").
    max_length: int = 120

    def title(self, paragraph: str) -> str | None:
        """The chapter title if ``paragraph`` is a heading by this rule, else None."""
        line = paragraph.strip()
        if not line or "\n" in line or len(line) > self.max_length:
            return None
        found = re.fullmatch(self.pattern, line, re.IGNORECASE)
        if found is None:
            return None
        title = found.groupdict().get("title")
        return " ".join((title or line).split())


#: The named rules the UI and the CLI offer.
CHAPTER_RULES: dict[str, ChapterRule | None] = {
    # "Chapter 1", "CHAPTER ONE: The Sea", "Part II", "Book 3", "Prologue", "Epilogue".
    "chapter": ChapterRule(rf"(?:chapter|part|book)\s+{_NUMBER}\b.*|prologue\b.*|epilogue\b.*|interlude\b.*"),
    # Markdown-style "# Title" lines.
    "hash": ChapterRule(r"#{1,6}\s*(?P<title>.*?)\s*#*"),
    "chapter-or-hash": ChapterRule(rf"#{{1,6}}\s*(?P<title>.*?)\s*#*|(?:chapter|part|book)\s+{_NUMBER}\b.*|"
                                r"prologue\b.*|epilogue\b.*|interlude\b.*"),
    "none": None,
}
DEFAULT_CHAPTER_RULE = "chapter-or-hash"


def chapters_from_paragraphs(paragraphs: Sequence[str], rule: ChapterRule | None) -> list[BookChapter]:
    """Cut ``paragraphs`` into chapters at the headings ``rule`` finds (None: one chapter)."""
    found: list[tuple[str, list[str]]] = [("", [])]
    for paragraph in paragraphs:
        title = rule.title(paragraph) if rule is not None else None
        if title:
            found.append((title, [title]))
        else:
            found[-1][1].append(paragraph)
    # Text before the first heading is the writer's own script, never offered to skip (a plain
    # script that mentions a copyright is still read); titled chapters are judged as in books.
    return [BookChapter(title, tuple(body), front_matter_kind(title, body) if title else None)
            for title, body in found if body]


def import_text(path: Path, rule: ChapterRule | None = None) -> ImportedBook:
    # An empty text is an empty book (no chapters), not an error: the render plan says
    # "The script is empty" as it does for any empty script, and the preview does too.
    return ImportedBook(path, "text", tuple(chapters_from_paragraphs(script_paragraphs(read_script(path)), rule)))
