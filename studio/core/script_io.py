"""Read a script file: plain UTF-8 text only, with an error that says how to fix the file.

Reading the wrong file aloud costs credits for nothing (a project's JSON, an e-book's zip),
so before a script is used, :func:`check_script_file` decides — by the file's suffix, then
by its first bytes — whether it is a plain-text script at all. That one function is the
rule for every caller (the ``export`` command, and any window that opens a script).

Each kind of file that is not a script is refused with its own remedy (:data:`REFUSED_KINDS`).
A caller that can handle a kind itself passes it in ``accept`` and gets the kind back: the
``export`` command passes ``{"project", "book"}`` (:func:`script_file_kind`), since it renders
``.narration`` projects with their own settings and takes, and imports books.

**Books** (kind ``"book"``, :data:`BOOK_SUFFIXES`): a caller that accepts them (it imports
them with :func:`studio.core.book_import.import_book`) gets ``"book"`` for an EPUB, DOCX or PDF
by its suffix (the importer checks the content and says what is wrong with a broken one), and
for Markdown, HTML or plain text whose content is text. Other callers see these files as before.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Collection, Iterator
from pathlib import Path

from studio.errors import StudioError


class ScriptError(StudioError):
    """The script file cannot be used."""


TEXT = "text"
BOOK = "book"
#: Suffix → the book format that imports it (:mod:`studio.core.book_import`, one module each).
BOOK_SUFFIXES: dict[str, str] = {
    ".epub": "epub", ".docx": "docx", ".md": "markdown", ".markdown": "markdown", ".html": "html",
    ".htm": "html", ".xhtml": "html", ".pdf": "pdf", ".txt": "text", ".text": "text",
}
#: How many leading bytes are looked at to tell what a file is.
HEAD_BYTES = 8192

#: Kind → what to do instead. Every kind here is refused unless the caller accepts it.
REFUSED_KINDS: dict[str, str] = {
    "project": "Open it in Narration Studio and export from there, or give the script itself as a .txt file.",
    "ebook": "Convert it to plain text first (for example with Calibre: ebook-convert book.epub book.txt), "
             "then give the .txt file.",
    "document": "Save or export it as plain text (.txt, encoding UTF-8) in its program, then give that file.",
    "archive": "Unpack it, then give the script's .txt file.",
    "audio": "Give the script (a .txt file) instead; the audio is what the export writes (--out).",
    "image": "Give the script as a .txt file instead.",
    "binary": "Give the script as a plain-text file saved with the encoding UTF-8.",
}

_PROJECT = ("project", "a Narration Studio project")
_SUFFIXES: dict[str, tuple[str, str]] = {
    ".narration": _PROJECT,
    **{s: ("ebook", "an e-book") for s in (
        ".epub", ".mobi", ".azw", ".azw1", ".azw3", ".azw4", ".kfx", ".prc", ".pdb", ".lit", ".fb2", ".ibooks",
        ".cbz", ".cbr", ".djvu", ".lrf")},
    ".pdf": ("document", "a PDF document"),
    **{s: ("document", "a word-processor document") for s in (
        ".doc", ".docx", ".docm", ".odt", ".ott", ".rtf", ".pages", ".wpd", ".xps", ".oxps")},
    **{s: ("archive", "a compressed archive") for s in (
        ".zip", ".gz", ".tgz", ".bz2", ".xz", ".zst", ".7z", ".rar", ".tar")},
    **{s: ("audio", "an audio file") for s in (
        ".wav", ".mp3", ".flac", ".ogg", ".oga", ".opus", ".m4a", ".m4b", ".aac", ".wma", ".aif", ".aiff")},
    **{s: ("image", "an image") for s in (
        ".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp", ".tif", ".tiff", ".heic", ".svg")},
}
_PROJECT_CONTENT = re.compile(rb'^\s*\{\s*"format"\s*:\s*"narration-studio-')


def _by_content(head: bytes) -> tuple[str, str] | None:
    """What the first bytes say the file is, or None for "could be text"."""
    if head.startswith(b"PK\x03\x04"):  # a zip: e-books and office documents are zips too
        if b"application/epub+zip" in head[:100]:
            return "ebook", "an EPUB e-book"
        if b"opendocument" in head[:100] or b"[Content_Types].xml" in head or b"word/" in head:
            return "document", "a word-processor document"
        return "archive", "a zip archive"
    if head[60:68] in (b"BOOKMOBI", b"TEXtREAd"):
        return "ebook", "a Kindle/Mobipocket e-book"
    if head.startswith(b"%PDF-"):
        return "document", "a PDF document"
    if head.startswith((b"{\\rtf", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"AT&TFORM")):
        return "document", "a word-processor document"
    if head.startswith((b"\x1f\x8b", b"\xfd7zXZ\x00", b"7z\xbc\xaf\x27\x1c", b"Rar!\x1a\x07", b"(\xb5/\xfd")) or (
        head.startswith(b"BZh") and head[4:10] == b"1AY&SY"
    ):
        return "archive", "a compressed archive"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "image", "an image"
    # Each signature with a second check, so no line of prose ("RIFFS of...") can match.
    if (
        (head.startswith(b"RIFF") and head[8:12] in (b"WAVE", b"AVI "))
        or (head.startswith(b"FORM") and head[8:12] in (b"AIFF", b"AIFC"))
        or (head.startswith(b"ID3") and head[3:4] in (b"\x02", b"\x03", b"\x04"))
        or (head.startswith(b"OggS") and head[4:5] == b"\x00")
        or head.startswith(b"fLaC")
        or (head[4:8] == b"ftyp" and head[:1] == b"\x00")
    ):
        return "audio", "an audio file"
    if head.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"II*\x00", b"MM\x00*")):
        return "image", "an image"
    if len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0:  # an MP3 frame (never UTF-8)
        return "audio", "an audio file"
    if _PROJECT_CONTENT.match(head.removeprefix(b"\xef\xbb\xbf")):
        return _PROJECT
    if b"\x00" in head:
        return "binary", "a binary file"
    return None


def check_script_file(path: Path | str, head: bytes, *, accept: Collection[str] = ()) -> str:
    """``"text"`` when ``path`` (whose first bytes are ``head``) may be a plain-text script,
    or a kind from ``accept``; raises :class:`ScriptError` naming the cause and the remedy
    for every other kind. Nothing here reads the file, so it costs nothing to ask first."""
    path = Path(path)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # before the MP3 check: FF FE looks like one
        raise ScriptError(
            f"The script “{path.name}” is saved as UTF-16 text, not UTF-8",
            "Open it in a text editor and save it with the encoding UTF-8, then try again.",
        )
    suffix = path.suffix.lower()
    book = BOOK in accept and suffix in BOOK_SUFFIXES
    if book and suffix in _SUFFIXES:
        return BOOK  # .epub, .docx, .pdf: the importer reads (and judges) the content itself
    found = _SUFFIXES.get(suffix) or _by_content(head)
    if found is None:
        return BOOK if book else TEXT
    kind, what = found
    if kind in accept:
        return kind
    raise ScriptError(f"“{path.name}” is {what}, not a plain-text script", REFUSED_KINDS[kind])


@contextlib.contextmanager
def _reading(path: Path) -> Iterator[None]:
    """Turn the ways a file cannot be read into a ScriptError that says so."""
    try:
        yield
    except FileNotFoundError:
        raise ScriptError(f"The script “{path}” does not exist", "Check the file name and folder.") from None
    except IsADirectoryError:
        raise ScriptError(f"“{path}” is a folder, not a script", "Give the path of a text file.") from None
    except OSError as error:
        raise ScriptError(
            f"The script “{path}” could not be read ({error.strerror or error})",
            "Check that the file is readable.",
        ) from None


def script_file_kind(path: Path | str, *, accept: Collection[str] = ()) -> str:
    """What :func:`check_script_file` says of the file at ``path`` (reads its first bytes only)."""
    path = Path(path)
    with _reading(path), path.open("rb") as file:
        head = file.read(HEAD_BYTES)
    return check_script_file(path, head, accept=accept)


def read_script(path: Path | str) -> str:
    """The script's text, exactly as stored (line endings kept, a UTF-8 BOM dropped)."""
    path = Path(path)
    with _reading(path), path.open("rb") as file:
        head = file.read(HEAD_BYTES)
        check_script_file(path, head)
        data = head + file.read()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ScriptError(
            f"The script “{path.name}” is not UTF-8 text (the first bad byte is on line {line}, "
            f"byte {error.start + 1})",
            "Open it in a text editor and save it with the encoding UTF-8, then try again.",
        ) from None
    return text.removeprefix("\ufeff")
