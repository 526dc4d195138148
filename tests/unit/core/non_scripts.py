"""Real files that are not plain-text scripts, made by the libraries that make such files
(zipfile, soundfile, the studio's own project writer), for the script-file checks."""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import numpy as np
import soundfile as sf


def _zip(path: Path, members: list[tuple[str, bytes]]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for index, (name, data) in enumerate(members):
            # EPUB and ODF require their mimetype first and uncompressed.
            archive.writestr(name, data, zipfile.ZIP_STORED if index == 0 else zipfile.ZIP_DEFLATED)
    return path


def epub(path: Path) -> Path:
    return _zip(path, [("mimetype", b"application/epub+zip"),
                       ("OEBPS/chapter1.xhtml", b"<html><body><p>Call me Ishmael.</p></body></html>")])


def docx(path: Path) -> Path:
    return _zip(path, [("[Content_Types].xml", b"<Types/>"), ("word/document.xml", b"<w:document/>")])


def odt(path: Path) -> Path:
    return _zip(path, [("mimetype", b"application/vnd.oasis.opendocument.text"), ("content.xml", b"<office/>")])


def plain_zip(path: Path) -> Path:
    return _zip(path, [("script.txt", b"A script inside a zip.")])


def pdf(path: Path) -> Path:
    # All ASCII, so decoding it as UTF-8 succeeds: only its content gives it away.
    path.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\nBT (Call me Ishmael.) Tj ET\n%%EOF\n")
    return path


def mobi(path: Path) -> Path:
    name = b"Moby_Dick".ljust(32, b"\x00")
    path.write_bytes(name + b"\x00" * 28 + b"BOOKMOBI" + b"\x00" * 200)
    return path


def wav(path: Path) -> Path:
    sf.write(path, np.zeros(2400, dtype=np.int16), 24_000, format="WAV")
    return path


def flac(path: Path) -> Path:
    sf.write(path, np.zeros(2400, dtype=np.int16), 24_000, format="FLAC")
    return path


def png(path: Path) -> Path:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"\x00\x00\x00\x00"  # one black pixel, filter byte first
    png_bytes = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
                 + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
    path.write_bytes(png_bytes)
    return path


def binary(path: Path) -> Path:
    path.write_bytes(b"Header\x00\x01\x02" + bytes(range(256)) * 4)
    return path


def project(path: Path) -> Path:
    from studio.core.project import Project, save_project

    return save_project(path, Project(script="Call me Ishmael. " * 20))


def utf16(path: Path) -> Path:
    path.write_bytes("Call me Ishmael.".encode("utf-16"))
    return path


#: name → (file name, builder, kind, words the message must contain)
NON_SCRIPTS: dict[str, tuple[str, Callable[[Path], Path], str, str]] = {
    "project": ("story.narration", project, "project", "Narration Studio project"),
    "project renamed": ("story.txt", project, "project", "Narration Studio project"),
    "epub": ("book.epub", epub, "ebook", "e-book"),
    "epub renamed": ("book.txt", epub, "ebook", "EPUB e-book"),
    "mobi": ("book.mobi", mobi, "ebook", "e-book"),
    "mobi renamed": ("book.txt", mobi, "ebook", "Kindle/Mobipocket e-book"),
    "azw3": ("book.azw3", mobi, "ebook", "e-book"),
    "pdf": ("book.pdf", pdf, "document", "PDF document"),
    "pdf renamed": ("book.txt", pdf, "document", "PDF document"),
    "docx": ("chapter.docx", docx, "document", "word-processor document"),
    "docx renamed": ("chapter.txt", docx, "document", "word-processor document"),
    "odt renamed": ("chapter.txt", odt, "document", "word-processor document"),
    "zip": ("scripts.zip", plain_zip, "archive", "compressed archive"),
    "zip renamed": ("scripts.txt", plain_zip, "archive", "zip archive"),
    "wav renamed": ("take.txt", wav, "audio", "audio file"),
    "flac": ("take.flac", flac, "audio", "audio file"),
    "png renamed": ("cover.txt", png, "image", "image"),
    "binary": ("data.txt", binary, "binary", "binary file"),
}

