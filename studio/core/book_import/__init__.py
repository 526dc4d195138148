"""Importing books and manuscripts as a chaptered script (issue 13, point 2). Qt-free; every
function here reads the disk, so the UI calls it from a worker.

    book = import_book(path)                       # ImportedBook: chapters, paragraphs, notes
    book.default_skip()                            # recognised front matter, offered to skip
    script = book.to_script(skip=...)              # a Script whose chapters are the book's

One module per format, each on a well-kept library: :mod:`.epub` (ebooklib), :mod:`.docx`
(python-docx), :mod:`.markdown` (markdown-it-py), :mod:`.html` (stdlib html.parser),
:mod:`.text` (our paragraph rule + :class:`ChapterRule`), :mod:`.pdf` (pypdf, best effort).
Headings become chapters by one rule (:mod:`.flow`); front matter by one rule
(:mod:`.front_matter`). Which file is a book at all is :func:`studio.core.script_io.check_script_file`'s
call (kind ``"book"``); :data:`BOOK_FORMATS` maps each suffix to its importer.
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path

from studio.core.book_import.model import BookChapter, BookImportError, ImportedBook
from studio.core.book_import.text import CHAPTER_RULES, DEFAULT_CHAPTER_RULE, ChapterRule
from studio.core.script_io import BOOK_SUFFIXES

__all__ = ["BOOK_FORMATS", "CHAPTER_RULES", "DEFAULT_CHAPTER_RULE", "BookChapter", "BookImportError", "ChapterRule",
           "ImportedBook", "import_book"]

#: Suffix → format name (the importer module); the list lives with the rule for script files.
BOOK_FORMATS = BOOK_SUFFIXES


def import_book(path: str | os.PathLike[str], *, chapter_rule: ChapterRule | str | None = DEFAULT_CHAPTER_RULE
                ) -> ImportedBook:
    """Read the book at ``path`` (its format by suffix). ``chapter_rule`` (a name from
    :data:`CHAPTER_RULES` or a :class:`ChapterRule`) finds chapters in plain text and PDF.
    Raises :class:`BookImportError` (a StudioError naming the file and the remedy)."""
    path = Path(path)
    rule = CHAPTER_RULES[chapter_rule] if isinstance(chapter_rule, str) else chapter_rule
    fmt = BOOK_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise BookImportError(f"“{path.name}” is not a kind of book Narration Studio can import",
                              "Import an EPUB, DOCX, Markdown, HTML, PDF or plain-text (.txt) file.")
    if not path.is_file():
        raise BookImportError(f"The book “{path}” does not exist" if not path.exists() else
                              f"“{path}” is a folder, not a book", "Check the file name and folder.")
    # The format modules load their libraries only when used: a CLI run on a .txt never loads ebooklib or pypdf.
    module = importlib.import_module(f"studio.core.book_import.{fmt}")
    if fmt in ("text", "pdf"):
        return getattr(module, f"import_{fmt}")(path, rule)
    return getattr(module, f"import_{fmt}")(path)
