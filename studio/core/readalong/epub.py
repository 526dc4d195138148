"""Zip a read-along book into an EPUB 3 container, streaming the chapter audio from disk.

Written with :mod:`zipfile` rather than ebooklib: ebooklib 0.20 knows SMIL items and the
``media-overlay`` attribute, but every item it writes is a ``content`` byte string held in
memory (a ten-hour book's audio would be hundreds of megabytes of RAM) and it re-renders the
XHTML it is given. Here the OCF rules are few and exact: ``mimetype`` first, stored (not
compressed) with no extra field, then ``META-INF/container.xml``; MP3s are stored too
(compressing them gains nothing), text is deflated.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import IO, Any

from studio.core.readalong.package import (
    STYLE,
    BookInfo,
    assign_ids,
    chapter_label,
    chapter_name,
    chapter_smil,
    chapter_xhtml,
    nav_xhtml,
    package_opf,
)
from studio.core.readalong.timing import ReadAlongChapter

CONTAINER = """<?xml version="1.0" encoding="utf-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
<rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles>
</container>
"""


def write_epub(handle: IO[Any], chapters: list[ReadAlongChapter], audio: dict[int, Path], info: BookInfo,
               rate: int, granularity: str = "sentence") -> None:
    """Write the EPUB to ``handle``: ``audio[i]`` is chapter i's MP3 (chapters without audio have none)."""
    assign_ids(chapters)
    labels = [chapter_label(c, i, info.title) for i, c in enumerate(chapters)]
    with zipfile.ZipFile(handle, "w") as book:
        mimetype = zipfile.ZipInfo("mimetype")
        mimetype.compress_type = zipfile.ZIP_STORED
        book.writestr(mimetype, "application/epub+zip")

        def text(name: str, content: str) -> None:
            book.writestr(name, content.encode("utf-8"), compress_type=zipfile.ZIP_DEFLATED)

        text("META-INF/container.xml", CONTAINER)
        text("OEBPS/content.opf", package_opf(chapters, info, rate))
        text("OEBPS/nav.xhtml", nav_xhtml(labels, info))
        text("OEBPS/style.css", STYLE)
        if info.cover is not None:
            book.writestr(f"OEBPS/{info.cover_name}", info.cover[0], compress_type=zipfile.ZIP_STORED)
        for i, chapter in enumerate(chapters):
            name = chapter_name(i)
            text(f"OEBPS/{name}.xhtml", chapter_xhtml(chapter, i, labels[i], info.language))
            if chapter.voiced:
                text(f"OEBPS/{name}.smil", chapter_smil(chapter, i, rate, granularity))
                book.write(audio[i], f"OEBPS/audio/{name}.mp3", compress_type=zipfile.ZIP_STORED)
