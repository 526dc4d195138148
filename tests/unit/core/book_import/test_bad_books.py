"""Books that cannot be imported say which file and what to do (issue 13, point 7, import half)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from studio.core.book_import import BookImportError, import_book
from tests.fixtures.books import write_docx, write_epub

CHAPTERS = [("Chapter One", ["The sea was calm."]), ("Chapter Two", ["Morning came."])]
_ENCRYPTION = ('<encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container" '
               'xmlns:enc="http://www.w3.org/2001/04/xmlenc#"><enc:EncryptedData>'
               '<enc:EncryptionMethod Algorithm="{algorithm}"/><enc:CipherData>'
               '<enc:CipherReference URI="{uri}"/></enc:CipherData></enc:EncryptedData></encryption>')


def _with(path: Path, name: str, data: str) -> Path:
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr(name, data)
    return path


def _refused(path: Path, *words: str) -> BookImportError:
    with pytest.raises(BookImportError) as caught:
        import_book(path)
    error = caught.value
    assert path.name in error.cause, error.cause
    assert error.remedy, "a remedy in plain words"
    for word in words:
        assert word in str(error), str(error)
    return error


def test_an_epub_with_a_rights_file_is_drm(tmp_path: Path) -> None:
    path = _with(write_epub(tmp_path / "bought.epub", CHAPTERS), "META-INF/rights.xml", "<rights/>")
    _refused(path, "DRM", "DRM-free copy")


def test_an_epub_whose_text_is_encrypted_is_drm_but_obfuscated_fonts_are_not(tmp_path: Path) -> None:
    locked = write_epub(tmp_path / "locked.epub", CHAPTERS)
    _with(locked, "META-INF/encryption.xml",
          _ENCRYPTION.format(algorithm="http://www.w3.org/2001/04/xmlenc#aes128-cbc", uri="EPUB/chapter001.xhtml"))
    _refused(locked, "DRM")
    fonts = write_epub(tmp_path / "fonts.epub", CHAPTERS)
    _with(fonts, "META-INF/encryption.xml",
          _ENCRYPTION.format(algorithm="http://www.idpf.org/2008/embedding", uri="EPUB/fonts/Serif.otf"))
    assert [c.title for c in import_book(fonts).to_script().chapters()] == ["Chapter One", "Chapter Two"]


@pytest.mark.parametrize("content", [b"not a zip at all", b"PK\x03\x04 truncated"])
def test_a_broken_epub_is_named_with_a_remedy(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "broken.epub"
    path.write_bytes(content)
    _refused(path, "damaged or not an EPUB", "fresh copy")


def test_a_zip_that_is_not_an_epub(tmp_path: Path) -> None:
    path = tmp_path / "notes.epub"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("notes.txt", "hello")
    _refused(path, "not an EPUB")


def test_a_docx_with_no_text(tmp_path: Path) -> None:
    import docx

    path = tmp_path / "empty.docx"
    document = docx.Document()
    document.add_paragraph("   ")
    document.save(str(path))
    _refused(path, "no text")
    assert import_book(write_docx(tmp_path / "fine.docx", CHAPTERS)).paragraph_count == 5


def test_a_damaged_docx(tmp_path: Path) -> None:
    path = tmp_path / "damaged.docx"
    path.write_bytes(b"PK\x03\x04 not really")
    _refused(path, "save it again as .docx")


def test_a_pdf_with_no_text_layer_says_to_run_ocr(tmp_path: Path) -> None:
    from pypdf import PdfWriter

    path = tmp_path / "scan.pdf"
    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    with path.open("wb") as file:
        writer.write(file)
    _refused(path, "no text layer", "OCR")


def test_a_damaged_pdf(tmp_path: Path) -> None:
    path = tmp_path / "damaged.pdf"
    path.write_bytes(b"%PDF-1.4\nthis is not a pdf body")
    _refused(path, "damaged or not a PDF")
