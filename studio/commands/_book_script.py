"""Books as scripts on the command line: ``narration-studio export book.epub --out book.mp3``.

The export command asks :func:`studio.core.script_io.check_script_file` what SCRIPT is; for a
book (EPUB, DOCX, Markdown, HTML, PDF, or text with chapters) it calls :func:`read_book_script`,
which imports it as the studio's File ▸ Import Book… does, skipping the recognised front
matter unless ``--keep-front-matter`` (and saying what it skipped), so the chapters reach the
render plan (``RenderPlan.chapters``) for per-chapter output.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from studio.core.book_import import CHAPTER_RULES, DEFAULT_CHAPTER_RULE, import_book
from studio.core.script import Script
from studio.core.script_io import read_script

__all__ = ["add_book_arguments", "read_book_script"]


def add_book_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--chapter-rule", default=DEFAULT_CHAPTER_RULE, choices=sorted(CHAPTER_RULES),
                        help="how chapters are found in plain text and PDF: 'Chapter 1' lines, '# Title' lines, "
                             f"either (default: {DEFAULT_CHAPTER_RULE}), or none")
    parser.add_argument("--keep-front-matter", action="store_true",
                        help="also narrate the copyright page, contents, dedication and the like (skipped by default)")


def read_book_script(path: Path, args: argparse.Namespace) -> tuple[Script, str]:
    """The book at ``path`` as a chaptered Script, and the text its offsets refer to (notes and
    what was skipped go to stderr). For a plain-text file whose paragraphs came through as
    written that is the file's own text, so timings point into the file as before."""
    book = import_book(path, chapter_rule=getattr(args, "chapter_rule", DEFAULT_CHAPTER_RULE))
    skip = frozenset() if getattr(args, "keep_front_matter", False) else book.default_skip()
    for note in book.notes:
        print(f"Note: {note}", file=sys.stderr)
    if skip:
        skipped = ", ".join(f"“{book.chapters[i].title or book.chapters[i].front_matter}”" for i in sorted(skip))
        print(f"Note: skipping front matter {skipped} (--keep-front-matter reads it too).", file=sys.stderr)
    script = book.to_script(skip)
    kept = len(book.chapters) - len(skip)
    print(f"{path.name}: {kept} chapter{'s' if kept != 1 else ''}, {len(script)} paragraphs.", file=sys.stderr)
    if book.format == "text" and not skip:
        raw = read_script(path)
        if [b.text for b in Script.from_text(raw)] == [b.text for b in script]:
            return script, raw
    return script, script.text
