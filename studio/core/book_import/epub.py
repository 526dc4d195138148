"""EPUB import (ebooklib reads the package; our HTML flow reads each spine file).

Order is the spine's (reading order), not the table of contents'. A spine file starts a
chapter of its own when the contents lists it (titled by that entry) or when it begins with
a heading; any other file continues the chapter before it (publishers split long chapters
into several files). The navigation document, if it is in the spine, is "contents" front
matter. The book's title and author come from its metadata (for the audiobook's tags).

Refused with a message naming the file and the remedy, before anything is parsed: a file
that is not a zip (damaged or not an EPUB), and an EPUB with DRM (``META-INF/rights.xml``, or
``META-INF/encryption.xml`` encrypting anything but fonts — font obfuscation is not DRM).
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from pathlib import Path
from typing import Any

from studio.core.book_import.flow import Item, chapters_from_flow
from studio.core.book_import.front_matter import front_matter_kind
from studio.core.book_import.html import html_items
from studio.core.book_import.model import BookImportError, ImportedBook

__all__ = ["check_epub", "import_epub"]

_FONT = re.compile(r"\.(?:ttf|otf|woff2?|eot)$", re.IGNORECASE)
_CIPHER_URI = re.compile(rb'<(?:\w+:)?CipherReference[^>]*\bURI\s*=\s*["\']([^"\']+)["\']')
_DRM_REMEDY = ("Narration Studio cannot read DRM-protected books. Use a DRM-free copy (many publishers and "
               "stores offer one), or import the manuscript as DOCX, Markdown or text instead.")


def check_epub(path: Path) -> None:
    """Raise :class:`BookImportError` if ``path`` is not a readable, DRM-free EPUB."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            encryption = archive.read("META-INF/encryption.xml") if "META-INF/encryption.xml" in names else b""
    except FileNotFoundError:
        raise BookImportError(f"The book “{path}” does not exist", "Check the file name and folder.") from None
    except (zipfile.BadZipFile, OSError, KeyError) as error:
        raise BookImportError(
            f"“{path.name}” is damaged or not an EPUB ({error})",
            "Open it in an e-book reader to check it, or export a fresh copy from where it came from.",
        ) from None
    if "META-INF/rights.xml" in names:
        raise BookImportError(f"“{path.name}” is protected by DRM (it has a rights file)", _DRM_REMEDY)
    encrypted = [uri.decode("utf-8", "replace") for uri in _CIPHER_URI.findall(encryption)]
    if any(not _FONT.search(uri) for uri in encrypted):
        raise BookImportError(f"“{path.name}” is protected by DRM (its text is encrypted)", _DRM_REMEDY)
    if "META-INF/container.xml" not in names:
        raise BookImportError(f"“{path.name}” is not an EPUB (it has no META-INF/container.xml)",
                              "Check that it is the right file, or export a fresh copy of the book.")


def _toc_titles(toc: Any, base: str, out: dict[str, str]) -> dict[str, str]:
    """File name (relative to the package) → the first contents entry that points into it."""
    for entry in toc:
        if isinstance(entry, tuple):  # (Section, children)
            section, children = entry
            href = getattr(section, "href", None)
            if href:
                out.setdefault(_file_of(href, base), section.title or "")
            _toc_titles(children, base, out)
        elif getattr(entry, "href", None):
            out.setdefault(_file_of(entry.href, base), entry.title or "")
    return out


def _file_of(href: str, base: str = "") -> str:
    return posixpath.normpath(posixpath.join(base, href.split("#", 1)[0]))


def _metadata(book: Any, name: str) -> str | None:
    values = book.get_metadata("DC", name)
    return str(values[0][0]).strip() or None if values else None


def import_epub(path: Path) -> ImportedBook:
    check_epub(path)
    import ebooklib
    from ebooklib import epub

    try:
        book = epub.read_epub(str(path), {"ignore_ncx": False})
    except Exception as error:  # ebooklib raises many kinds for a broken package; all mean the same
        raise BookImportError(
            f"“{path.name}” is a damaged EPUB ({type(error).__name__}: {error})",
            "Open it in an e-book reader to check it, or export a fresh copy from where it came from.",
        ) from None
    nav_base = ""
    for item in book.get_items_of_type(ebooklib.ITEM_NAVIGATION):
        nav_base = posixpath.dirname(item.get_name())
    titles = _toc_titles(book.toc, nav_base, {})
    items: list[Item] = []
    for idref, linear in book.spine:
        item = book.get_item_with_id(idref)
        if item is None or item.get_type() not in (ebooklib.ITEM_DOCUMENT, ebooklib.ITEM_NAVIGATION):
            continue
        if str(linear).lower() == "no" and not isinstance(item, epub.EpubNav):  # notes, pop-ups: not in the reading order
            continue
        name = _file_of(item.get_name())
        content, epub_type = html_items(item.get_content().decode("utf-8", "replace"))
        if isinstance(item, epub.EpubNav):
            epub_type = f"toc {epub_type}"
        hint = f"{epub_type} {posixpath.basename(name)}".strip()
        # A file starts a chapter when the contents lists it, it opens with a heading, or it
        # says what it is (an epub:type, or a front-matter file name such as copyright.xhtml).
        starts = (name in titles or (bool(content) and content[0].level is not None) or bool(epub_type)
                  or front_matter_kind("", [], hint) is not None)
        if content:
            items.append(Item(section=starts, section_title=titles.get(name, ""), hint=hint, source=name))
            items.extend(Item(i.text, i.level, hint=hint, source=name) for i in content)
    chapters = chapters_from_flow(items)
    if not chapters:
        raise BookImportError(f"“{path.name}” has no text to narrate (its pages hold no text)",
                              "A book made of page images needs its text recognised (OCR) first.")
    return ImportedBook(path, "epub", tuple(chapters), title=_metadata(book, "title"), author=_metadata(book, "creator"))
