"""Importing real books: EPUB (with nav) and DOCX written by ebooklib / python-docx, Markdown,
HTML, plain text with a chapter rule, and a PDF with a text layer written by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

from studio.core.book_import import CHAPTER_RULES, ChapterRule, ImportedBook, import_book
from studio.core.book_import.pdf import PDF_NOTE
from studio.core.script import Script
from tests.fixtures.books import write_docx, write_epub, write_pdf
from tests.unit.core.script.prose import paragraphs

PROSE = paragraphs(14)
CHAPTERS = [("Chapter One: The Light", PROSE[:4]), ("Chapter Two", PROSE[4:8]), ("Chapter Three", PROSE[8:10])]


def _outline(book: ImportedBook) -> list[tuple[str, int, str | None]]:
    return [(c.title, len(c.paragraphs), c.front_matter) for c in book.chapters]


def _heard(script: Script) -> list[tuple[str, list[str]]]:
    return [(c.title, [script.blocks[i].text for i in c.blocks]) for c in script.chapters()]


def test_epub_in_spine_order_with_headings_as_chapters_and_front_matter_offered_to_skip(tmp_path: Path) -> None:
    path = write_epub(tmp_path / "keeper.epub", CHAPTERS, continued=PROSE[10:12])
    book = import_book(path)
    assert (book.format, book.title, book.author) == ("epub", "The Lighthouse Keeper", "A. Writer")
    assert _outline(book) == [("", 4, "contents"), ("Copyright", 2, "copyright"), ("Dedication", 1, "dedication"),
                              ("Chapter One: The Light", 5, None), ("Chapter Two", 5, None),
                              ("Chapter Three", 5, None)]  # the file not in the contents continues chapter three
    assert book.default_skip() == {0, 1, 2}
    script = book.to_script()
    assert _heard(script) == [(t, [t, *ps]) for t, ps in CHAPTERS[:2]] + [
        ("Chapter Three", ["Chapter Three", *PROSE[8:12]])]
    # Keeping the front matter keeps it as chapters of its own.
    kept = book.to_script(skip=())
    assert [c.title for c in kept.chapters()][:3] == ["", "Copyright", "Dedication"]
    assert "All rights reserved" in kept.text
    # The text is what the editor shows: the same blocks come back from it.
    assert [b.text for b in Script.from_text(script.text)] == [b.text for b in script]


def test_docx_heading_styles_become_chapters_and_sections_stay_inside(tmp_path: Path) -> None:
    book = import_book(write_docx(tmp_path / "keeper.docx", CHAPTERS))
    assert book.author == "A. Writer"
    assert _outline(book) == [("The Lighthouse Keeper", 1, "title page"), ("Chapter One: The Light", 6, None),
                              ("Chapter Two", 5, None), ("Chapter Three", 3, None)]
    assert book.chapters[1].paragraphs[:3] == ("Chapter One: The Light", PROSE[0], "A section within")
    assert [c.title for c in book.to_script().chapters()] == ["Chapter One: The Light", "Chapter Two", "Chapter Three"]


def test_markdown_headings_and_inline_markup(tmp_path: Path) -> None:
    path = tmp_path / "draft.md"
    path.write_text("# The Keeper\n\n## Contents\n\n- One\n- Two\n\n## One\n\nThe sea was *very* calm,\n"
                    "and [the light](http://x) turned.\n\n### A scene\n\nNight fell.\n\n## Two\n\n`Morning` came.\n",
                    encoding="utf-8")
    book = import_book(path)
    assert _outline(book) == [("The Keeper", 1, "title page"), ("Contents", 3, "contents"), ("One", 4, None),
                              ("Two", 2, None)]
    assert book.chapters[2].paragraphs == ("One", "The sea was very calm, and the light turned.", "A scene",
                                           "Night fell.")
    assert book.chapters[3].paragraphs == ("Two", "Morning came.")


def test_html_paragraphs_headings_and_no_scripts(tmp_path: Path) -> None:
    path = tmp_path / "story.html"
    path.write_text("<html><head><title>T</title><style>p{}</style></head><body><p>Before it all.</p>"
                    "<h2>First</h2><p>One<br>line &amp; more.</p><script>alert(1)</script><div>Two.</div>"
                    "<h2>Second</h2><p>Three<sup epub:type='noteref'>1</sup>.</p></body></html>", encoding="utf-8")
    book = import_book(path)
    assert _outline(book) == [("", 1, None), ("First", 3, None), ("Second", 2, None)]
    assert book.chapters[1].paragraphs == ("First", "One line & more.", "Two.")
    assert book.chapters[2].paragraphs == ("Second", "Three.")


def test_plain_text_keeps_the_paragraph_rule_and_finds_chapters_by_the_rule(tmp_path: Path) -> None:
    text = ("Title page words.\n\nCHAPTER 1\n\nIt began.\nSame paragraph.\n\n\n  Next one.  \n\n"
            "Chapter Two: Home\n\nThe end.\n\n# Epilogue\n\nAfter.")
    path = tmp_path / "novel.txt"
    path.write_text(text, encoding="utf-8")
    book = import_book(path)
    assert _outline(book) == [("", 1, None), ("CHAPTER 1", 3, None), ("Chapter Two: Home", 2, None),
                              ("Epilogue", 2, None)]
    script = book.to_script()
    # Paragraphs exactly as typed into the editor would make them (same blocks, same cache keys)...
    assert [b.text for b in script][:6] == [b.text for b in Script.from_text(text)][:6]
    assert script.blocks[6].text == "Epilogue"  # ...only a "#" heading loses its marks
    assert [c.title for c in import_book(path, chapter_rule="none").chapters] == [""]
    assert [c.title for c in import_book(path, chapter_rule="hash").chapters] == ["", "Epilogue"]
    custom = import_book(path, chapter_rule=ChapterRule(r"title page words\."))
    assert [c.title for c in custom.chapters] == ["Title page words."]
    assert set(CHAPTER_RULES) >= {"chapter", "hash", "chapter-or-hash", "none"}


def test_pdf_text_is_best_effort_with_a_note(tmp_path: Path) -> None:
    long = "The keeper climbed the spiral stairs before the storm arrived and the"
    path = write_pdf(tmp_path / "book.pdf", [
        ["Chapter 1", "", long, "lamp was lit at last.", "", "2"],
        [long, "boats came home.", "Chapter 2", "", "Morning came."],
    ])
    book = import_book(path)
    assert book.notes == (PDF_NOTE,)
    assert [c.title for c in book.chapters] == ["Chapter 1", "Chapter 2"]
    assert book.chapters[0].paragraphs == ("Chapter 1", f"{long} lamp was lit at last.", f"{long} boats came home.")
    assert "2" not in book.chapters[0].paragraphs  # the page number is gone


@pytest.mark.parametrize("suffix", [".epub", ".docx", ".md", ".html", ".pdf", ".txt"])
def test_a_missing_book_is_named(tmp_path: Path, suffix: str) -> None:
    from studio.core.book_import import BookImportError

    with pytest.raises(BookImportError, match=f"book{suffix}"):
        import_book(tmp_path / f"book{suffix}")
