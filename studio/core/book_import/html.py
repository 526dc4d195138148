"""HTML (and the XHTML inside an EPUB) to a flow of headings and paragraphs (stdlib html.parser:
forgiving of broken markup, and fast enough for a whole novel).

Block-level elements end a paragraph; ``h1``–``h6`` are headings; ``<br>`` is a space (a
paragraph's lines are one paragraph); scripts, styles, the head and footnote references
(``epub:type="noteref"``) are not text. The first ``epub:type`` seen on ``body`` or a
``section`` is kept as a hint for front-matter recognition.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

from studio.core.book_import.flow import Item, chapters_from_flow
from studio.core.book_import.model import BookImportError, ImportedBook
from studio.core.script_io import read_script  # the one UTF-8 reading rule (BOM, bad bytes)

__all__ = ["html_items", "import_html"]

_BLOCKS = frozenset({
    "p", "div", "li", "ul", "ol", "blockquote", "pre", "dd", "dt", "dl", "td", "th", "tr", "table", "caption",
    "figcaption", "figure", "section", "article", "aside", "header", "footer", "main", "body", "hr", "address",
    "h1", "h2", "h3", "h4", "h5", "h6",
})
_SKIP = frozenset({"script", "style", "head", "title", "template", "noscript", "svg", "math"})
_VOID = frozenset({"br", "img", "hr", "meta", "link", "input", "wbr", "col", "area", "base", "source"})


class _Flow(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.items: list[Item] = []
        self.hint = ""
        self._text: list[str] = []
        self._level: int | None = None
        self._skip: list[str] = []  # the open elements whose content is not text

    def _flush(self) -> None:
        text = "".join(self._text).strip()
        if text:
            self.items.append(Item(text, self._level))
        self._text = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._skip:
            if tag not in _VOID:
                self._skip.append(tag)
            return
        values = dict(attrs)
        kind = values.get("epub:type") or ""
        if tag in _SKIP or "noteref" in kind.split() or values.get("hidden") is not None:
            if tag not in _VOID:
                self._skip.append(tag)
            return
        if tag in ("body", "section") and kind and not self.hint:
            self.hint = kind
        if tag == "br":
            self._text.append(" ")
        elif tag in _BLOCKS:
            self._flush()
            if len(tag) == 2 and tag[0] == "h" and tag[1].isdigit():
                self._level = int(tag[1])

    def handle_endtag(self, tag: str) -> None:
        if self._skip:
            if tag in self._skip:
                while self._skip and self._skip.pop() != tag:
                    pass
            return
        if tag in _BLOCKS:
            self._flush()
            self._level = None

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self._text.append(data)

    def close(self) -> None:
        super().close()
        self._flush()


def html_items(markup: str) -> tuple[list[Item], str]:
    """The headings and paragraphs of ``markup`` in order, and its ``epub:type`` hint."""
    parser = _Flow()
    parser.feed(markup)
    parser.close()
    return parser.items, parser.hint


def import_html(path: Path) -> ImportedBook:
    items, _ = html_items(read_script(path))
    chapters = chapters_from_flow(items)
    if not chapters:
        raise BookImportError(f"“{path.name}” has no text to narrate",
                              "Check that it is the right file; a page made only of images or scripts has no text.")
    return ImportedBook(path, "html", tuple(chapters))
