"""DOCX import (python-docx): paragraph styles "Heading 1" … "Heading 9" (and "Title") are
headings, so the document's own outline becomes the chapters (:mod:`.flow`). Tables, text
boxes, headers and footers are not read (the body text only)."""

from __future__ import annotations

import re
from pathlib import Path

from studio.core.book_import.flow import Item, chapters_from_flow
from studio.core.book_import.model import BookImportError, ImportedBook

__all__ = ["import_docx"]

_HEADING = re.compile(r"heading\s*([1-9])", re.IGNORECASE)


def _level(style: object) -> int | None:
    """The heading level of a paragraph style, following the styles it is based on."""
    seen = 0
    while style is not None and seen < 10:
        name = getattr(style, "name", "") or ""
        if name.lower() == "title":
            return 0
        found = _HEADING.fullmatch(name.strip())
        if found:
            return int(found.group(1))
        style = getattr(style, "base_style", None)
        seen += 1
    return None


def import_docx(path: Path) -> ImportedBook:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError, OSError) as error:
        raise BookImportError(
            f"“{path.name}” could not be read as a Word document ({type(error).__name__})",
            "Open it in Word or LibreOffice and save it again as .docx, then import that copy.",
        ) from None
    except Exception as error:  # a zip that is not a document: lxml or zipfile errors of many kinds
        raise BookImportError(
            f"“{path.name}” is damaged or not a Word document ({type(error).__name__})",
            "Open it in Word or LibreOffice and save it again as .docx, then import that copy.",
        ) from None
    items = [Item(p.text, _level(p.style)) for p in document.paragraphs if p.text.strip()]
    if not items:
        raise BookImportError(
            f"“{path.name}” has no text in its body",
            "Check that it is the right file; text in tables or text boxes is not read, so move it into "
            "ordinary paragraphs.",
        )
    props = document.core_properties
    return ImportedBook(path, "docx", tuple(chapters_from_flow(items)),
                        title=props.title or None, author=props.author or None)
