"""``narration-studio export`` takes books as scripts (issue 13, point 8): .epub, .docx, .md,
.html, .pdf and .txt are imported with their chapters (front matter skipped unless asked),
spoken over loopback by the local server; a broken or DRM-protected book is refused, naming
the file and the remedy, before a single request is sent."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.fixtures.books import write_docx, write_epub, write_pdf
from tests.fixtures.local_server import LocalServer

from .conftest import run_cli

ONE = ["The keeper climbed the stairs.", "The lamp was lit at last."]
TWO = ["Morning came over the bay."]


def _markdown(path: Path) -> Path:
    path.write_text("# Chapter One\n\n" + "\n\n".join(ONE) + "\n\n# Chapter Two\n\n" + TWO[0] + "\n", encoding="utf-8")
    return path


def _html(path: Path) -> Path:
    body = "<h1>Chapter One</h1>" + "".join(f"<p>{p}</p>" for p in ONE) + f"<h1>Chapter Two</h1><p>{TWO[0]}</p>"
    path.write_text(f"<html><body>{body}</body></html>", encoding="utf-8")
    return path


def _text(path: Path) -> Path:
    path.write_text("Chapter One\n\n" + "\n\n".join(ONE) + "\n\nChapter Two\n\n" + TWO[0], encoding="utf-8")
    return path


def _pdf(path: Path) -> Path:
    return write_pdf(path, [["Chapter One", *ONE], ["Chapter Two", *TWO]])


BOOKS: dict[str, Callable[[Path], Path]] = {
    "book.epub": lambda p: write_epub(p, [("Chapter One", ONE), ("Chapter Two", TWO)]),
    "book.docx": lambda p: write_docx(p, [("Chapter One", ONE), ("Chapter Two", TWO)], title=None, section=False),
    "book.md": _markdown,
    "book.html": _html,
    "book.txt": _text,
    "book.pdf": _pdf,
}


def _spoken(out: Path) -> list[str]:
    return [w["text"] for w in json.loads(out.with_suffix(".timings.json").read_text())["words"]]


@pytest.mark.parametrize("name", sorted(BOOKS))
def test_a_book_is_spoken_chapter_headings_and_all(server: LocalServer, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str], name: str) -> None:
    source = BOOKS[name](tmp_path / name)
    out = tmp_path / "book.wav"
    assert run_cli(str(source), "--out", str(out), "--subtitles", "json") == 0, capsys.readouterr().err
    err = capsys.readouterr().err
    # A PDF has lines, not paragraphs: its two short sentences become one paragraph (best effort).
    assert f"{name}: 2 chapters, {4 if name.endswith('.pdf') else 5} paragraphs" in err
    assert _spoken(out) == " ".join(["Chapter One", *ONE, "Chapter Two", *TWO]).split()
    if name.endswith(".epub"):
        assert "skipping front matter" in err and "Copyright" in err  # said, and not read aloud
    if name.endswith(".pdf"):
        assert "best effort" in err


def test_front_matter_is_read_when_asked(server: LocalServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = write_epub(tmp_path / "book.epub", [("Chapter One", ONE)])
    out = tmp_path / "book.wav"
    assert run_cli(str(source), "--out", str(out), "--subtitles", "json", "--keep-front-matter") == 0
    assert "reserved" in " ".join(_spoken(out))  # "All rights reserved." from the copyright page


@pytest.mark.parametrize(("name", "extra", "words"), [
    ("bought.epub", ("META-INF/rights.xml", "<rights/>"), "DRM"),
    ("broken.epub", None, "damaged or not an EPUB"),
])
def test_a_bad_book_is_refused_before_anything_is_sent(server: LocalServer, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str], name: str,
                                                       extra: tuple[str, str] | None, words: str) -> None:
    path = tmp_path / name
    if extra is None:
        path.write_bytes(b"PK\x03\x04 this zip was cut short")
    else:
        write_epub(path, [("Chapter One", ONE)])
        with zipfile.ZipFile(path, "a") as archive:
            archive.writestr(*extra)
    out = tmp_path / "book.wav"
    assert run_cli(str(path), "--out", str(out)) == 1
    err = capsys.readouterr().err
    assert words in err and name in err
    assert server.requests() == [] and not out.exists()


def test_a_plain_text_script_keeps_its_own_offsets_and_is_all_read(server: LocalServer, tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    text = "Copyright 2024 the writer. All rights reserved.\r\n\r\n\r\nChapter 1\r\n\r\nThe keeper climbed."
    path = tmp_path / "script.txt"
    path.write_bytes(text.encode("utf-8"))
    out = tmp_path / "script.wav"
    assert run_cli(str(path), "--out", str(out), "--subtitles", "json") == 0, capsys.readouterr().err
    words = json.loads(out.with_suffix(".timings.json").read_text())["words"]
    assert [w["text"] for w in words] == text.split()  # the opening is the writer's script: read, not skipped
    assert all(text[w["script_start"]:w["script_end"]] == w["text"] for w in words)  # offsets into the file
