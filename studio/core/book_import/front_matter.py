"""Recognising front (and back) matter the narrator may not want read: copyright page,
contents, dedication, title page, "also by", acknowledgements, about the author.

It is only *offered* for skipping (the preview ticks it; the narrator decides), so the rule
may be generous. Evidence, most reliable first: the EPUB's semantic ``epub:type`` or its file
name (``hint``), the chapter's title, and for short chapters the tell-tale copyright lines.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["FRONT_MATTER_KINDS", "front_matter_kind"]

#: Kind → the words that name it (in an epub:type, a file name or a title).
FRONT_MATTER_KINDS: dict[str, str] = {
    "copyright": r"copyright(?:[ -]?page)?|copyrights?|imprint|colophon|legal",
    "contents": r"(?:table[ -]of[ -])?contents|toc|nav|landmarks",
    "dedication": r"dedication",
    "title page": r"title[ -]?page|titlepage|half[ -]?title(?:page)?|halftitlepage|cover",
    "also by": r"(?:also|other books|more books) by.*|also[ -]?by|adcard",
    "acknowledgements": r"acknowledge?ments?",
    "about the author": r"about the authors?|about[ -]the[ -]author|contributors",
}
_BY_NAME = [(kind, re.compile(rf"(?:{words})", re.IGNORECASE)) for kind, words in FRONT_MATTER_KINDS.items()]
_COPYRIGHT_LINES = re.compile(r"all rights reserved|\bISBN\b|©|\(c\) \d{4}|first published", re.IGNORECASE)
#: Copyright lines only count in a chapter shorter than this (a novel may say "first published").
_SHORT = 2_000


def front_matter_kind(title: str, paragraphs: Sequence[str], hint: str = "") -> str | None:
    """The kind of front matter a chapter looks like, or None for the body of the book."""
    for word in re.split(r"[\s/_.]+", hint.lower()):
        for kind, pattern in _BY_NAME:
            if word and pattern.fullmatch(word.rstrip("0123456789-")):
                return kind
    for kind, pattern in _BY_NAME:
        if title and pattern.fullmatch(title.strip(" .:")):
            return kind
    if sum(len(p) for p in paragraphs) < _SHORT and any(_COPYRIGHT_LINES.search(p) for p in paragraphs):
        return "copyright"
    return None
