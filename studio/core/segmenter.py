"""Split a script of any length into requests a model accepts, with exact script offsets.

Boundaries are tried in order of how natural a seam they make in speech: paragraphs (a blank
line), then sentences, then clauses (``, ; : — –``), then words. Sentence and clause ends come
from :mod:`studio.text_rules`, the rules the offline engine and the server use too. A segment never crosses a
paragraph, so a paragraph pause falls between segments and editing one paragraph leaves the
others' cache entries valid. A segment never splits a word, except a single "word" longer than
the whole limit (which no model could speak in one request anyway).

Every :class:`Segment` satisfies ``script[seg.start:seg.end] == seg.text``; segments are trimmed
of surrounding whitespace and together cover every non-whitespace character of the script.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

# Where sentences and clauses end, and "is there anything to speak", are the studio's one set
# of text rules (shared with the offline engine and the server); is_speakable is re-exported
# for the planners that import it from here.
from studio.markup import tag_spans
from studio.text_rules import clause_ends, is_speakable, sentence_ends

if TYPE_CHECKING:
    from studio.core.script.spoken import SpokenText

__all__ = ["DEFAULT_CHARACTER_LIMIT", "Segment", "is_speakable", "split_script"]


#: The smallest per-request limit any known model has: what the render plan uses for a model
#: /v1/models does not describe (studio.core.script.capabilities reads the real figures).
DEFAULT_CHARACTER_LIMIT = 2_500


@dataclass(frozen=True, slots=True)
class Segment:
    index: int
    start: int
    end: int
    #: What the engine is sent (the script's text here, unless ``spoken`` says otherwise).
    text: str
    paragraph_index: int
    #: When the request text differs from the script (pause tags, pronunciation rules): the
    #: map back to the script's ``start:end`` (:mod:`studio.core.script.spoken`).
    spoken: SpokenText | None = None

    def __len__(self) -> int:
        return self.end - self.start


# A blank line (possibly holding spaces) separates paragraphs.
_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n\s*")
_WHITESPACE = re.compile(r"\s+")


def split_script(text: str, limit: int) -> list[Segment]:
    """Split ``text`` into segments of at most ``limit`` characters (see the module notes)."""
    if limit < 1:
        raise ValueError("limit must be at least 1")
    segments: list[Segment] = []
    for paragraph_index, (p_start, p_end) in enumerate(_paragraphs(text)):
        for start, end in _split_span(text, p_start, p_end, limit):
            segments.append(Segment(len(segments), start, end, text[start:end], paragraph_index))
    return segments


def _paragraphs(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    position = 0
    for match in _PARAGRAPH_BREAK.finditer(text):
        spans.append((position, match.start()))
        position = match.end()
    spans.append((position, len(text)))
    trimmed = [_trim(text, start, end) for start, end in spans]
    return [span for span in trimmed if span[0] < span[1]]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _split_span(text: str, start: int, end: int, limit: int) -> list[tuple[int, int]]:
    """Split [start, end) into trimmed pieces of at most ``limit``, at the most natural seams."""
    if end - start <= limit:
        return [(start, end)]
    for cuts in (sentence_ends, clause_ends, _word_cuts):
        pieces = _pieces(text, start, end, cuts(text, start, end))
        if len(pieces) > 1:
            return _pack(text, pieces, limit)
    # One unbroken run of characters longer than the limit: split it where we must.
    return [(s, min(s + limit, end)) for s in range(start, end, limit)]


def _pack(text: str, pieces: list[tuple[int, int]], limit: int) -> list[tuple[int, int]]:
    """Greedily join consecutive pieces while they fit; split pieces that are too long."""
    packed: list[tuple[int, int]] = []
    current: tuple[int, int] | None = None
    for piece in pieces:
        if piece[1] - piece[0] > limit:
            if current is not None:
                packed.append(current)
                current = None
            packed.extend(_split_span(text, piece[0], piece[1], limit))
            continue
        if current is None:
            current = piece
        elif piece[1] - current[0] <= limit:
            current = (current[0], piece[1])
        else:
            packed.append(current)
            current = piece
    if current is not None:
        packed.append(current)
    return packed


def _pieces(text: str, start: int, end: int, cuts: list[int]) -> list[tuple[int, int]]:
    pieces = []
    position = start
    for cut in cuts + [end]:
        span = _trim(text, position, cut)
        if span[0] < span[1]:
            pieces.append(span)
        position = cut
    return pieces


def _word_cuts(text: str, start: int, end: int) -> list[int]:
    # Never inside a pause tag (``<break time="1s" />`` has spaces): half a tag is no tag.
    inside = tag_spans(text[start:end])
    return [m.start() for m in _WHITESPACE.finditer(text, start, end)
            if not any(s < m.start() - start < e for s, e in inside)]
