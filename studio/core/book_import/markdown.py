"""Markdown import (markdown-it-py, CommonMark): ``#`` headings and paragraphs, list items as
paragraphs; emphasis, links and code keep their words, images their alt text."""

from __future__ import annotations

from pathlib import Path

from studio.core.book_import.flow import Item, chapters_from_flow
from studio.core.book_import.html import html_items
from studio.core.book_import.model import BookImportError, ImportedBook
from studio.core.script_io import read_script  # the one UTF-8 reading rule (BOM, bad bytes)

__all__ = ["import_markdown", "markdown_items"]


def _inline_text(token: object) -> str:
    words: list[str] = []
    for child in getattr(token, "children", None) or []:
        if child.type in ("text", "code_inline"):
            words.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            words.append(" ")
        elif child.type == "image":
            words.append(child.content)  # the alt text
    return "".join(words)


def markdown_items(source: str) -> list[Item]:
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").parse(source)
    items: list[Item] = []
    level: int | None = None
    for token in tokens:
        if token.type == "heading_open":
            level = int(token.tag[1])
        elif token.type == "heading_close":
            level = None
        elif token.type == "inline":
            items.append(Item(_inline_text(token), level))
        elif token.type in ("fence", "code_block"):
            items.extend(Item(block) for block in token.content.split("\n\n"))
        elif token.type == "html_block":
            items.extend(html_items(token.content)[0])
    return items


def import_markdown(path: Path) -> ImportedBook:
    chapters = chapters_from_flow(markdown_items(read_script(path)))
    if not chapters:
        raise BookImportError(f"“{path.name}” has no text to narrate", "Check that it is the right file.")
    return ImportedBook(path, "markdown", tuple(chapters))
