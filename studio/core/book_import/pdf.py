"""PDF import, best effort (pypdf's text layer). A PDF stores lines placed on pages, not
paragraphs, so paragraphs are guessed: a blank line, or a line that ends a sentence and is
clearly shorter than the page's full lines, ends one; a line that is a chapter heading (by the
chapter rule) stands alone; lines that are only a page number are
dropped; words hyphenated across lines are joined. Chapters come from the plain-text chapter
rule (:mod:`.text`). The import says so in its notes, so the narrator checks the text.
"""

from __future__ import annotations

import re
import statistics
from pathlib import Path

from studio.core.book_import.model import BookImportError, ImportedBook
from studio.core.book_import.text import ChapterRule, chapters_from_paragraphs

__all__ = ["PDF_NOTE", "import_pdf", "pdf_paragraphs"]

PDF_NOTE = ("PDF text is imported as best effort: paragraphs are guessed from the page layout, and page "
            "headers, footnotes or hyphenation may need tidying in the editor before you narrate.")
_PAGE_NUMBER = re.compile(r"\s*(?:page\s+)?\d{1,4}\s*", re.IGNORECASE)
_ENDS_SENTENCE = re.compile(r"[.!?:;\"”’)]\s*$")


def pdf_paragraphs(pages: list[str], rule: ChapterRule | None = None) -> list[str]:
    """Paragraphs guessed from the pages' lines; a line that is a heading by ``rule`` stands alone."""
    lines = [line.rstrip() for page in pages for line in (page.splitlines() + [""])]
    lines = [line for line in lines if not _PAGE_NUMBER.fullmatch(line) or not line.strip()]
    lengths = [len(line) for line in lines if len(line.strip()) > 20]
    full = statistics.median(lengths) if lengths else 0
    paragraphs: list[str] = []
    current = ""
    for line in lines:
        text = line.strip()
        if not text:
            if current:
                paragraphs.append(current)
            current = ""
            continue
        if rule is not None and rule.title(text):
            if current:
                paragraphs.append(current)
            paragraphs.append(text)
            current = ""
            continue
        if current.endswith("-") and text[:1].islower():
            current = current[:-1] + text
        else:
            current = f"{current} {text}".strip()
        if _ENDS_SENTENCE.search(text) and len(line) < 0.8 * full:
            paragraphs.append(current)
            current = ""
    if current:
        paragraphs.append(current)
    return paragraphs


def import_pdf(path: Path, rule: ChapterRule | None = None) -> ImportedBook:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted and not reader.decrypt(""):
            raise BookImportError(f"“{path.name}” is password-protected",
                                  "Open it with its password and save an unprotected copy, then import that.")
        pages = [page.extract_text() or "" for page in reader.pages]
    except BookImportError:
        raise
    except (PyPdfError, ValueError, OSError, KeyError) as error:
        raise BookImportError(f"“{path.name}” is damaged or not a PDF ({type(error).__name__})",
                              "Open it in a PDF reader to check it, or export a fresh copy.") from None
    if not any(page.strip() for page in pages):
        raise BookImportError(
            f"“{path.name}” has no text layer (its pages are images, e.g. a scan)",
            "Run text recognition (OCR) on it first — for example with ocrmypdf — or import the book's "
            "text as DOCX, EPUB or plain text instead.",
        )
    chapters = chapters_from_paragraphs(pdf_paragraphs(pages, rule), rule)
    return ImportedBook(path, "pdf", tuple(chapters), notes=(PDF_NOTE,))
