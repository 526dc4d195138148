"""Split text into sentences ourselves, with exact offsets.

espeak-ng ends a sentence after "Dr." and "Mr." (DESIGN.md, offline facts), so the engine
never lets espeak decide: it hands Piper one of these spans at a time. The spans tile the
text exactly (span i ends where span i+1 starts), so every character, spaces included,
belongs to exactly one sentence and gets a time.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Words that end in a period without ending a sentence (compared lower-case, no period).
ABBREVIATIONS = frozenset(
    """
    mr mrs ms mx dr prof sr jr st mt ft vs etc e.g i.e cf al approx dept est fig no nos
    vol ch pp ed eds gen col capt lt sgt cmdr adm gov sen rep rev hon pres supt insp
    jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thurs fri sat sun
    inc ltd co corp bros assn ave blvd rd hwy a.m p.m u.s u.k
    """.split()
)

_TERMINATORS = ".!?…。！？｡"
_CLOSERS = "\"'”’)]}»›」』"
# A terminator run, closing quotes/brackets, then whitespace (or the end).
_BOUNDARY = re.compile(rf"[{re.escape(_TERMINATORS)}]+[{re.escape(_CLOSERS)}]*(?=\s|$)")
# CJK full stops end a sentence even with no space after them.
_CJK_BOUNDARY = re.compile(r"[。！？｡]+[」』”’)]*")
_CLAUSE = re.compile(r"[,;:—–]\s|\s[-–—]\s")


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str


def is_speakable(text: str) -> bool:
    """Whether ``text`` holds anything a voice could say (a letter, digit or symbol)."""
    for char in text:
        category = unicodedata.category(char)
        if category[0] in "LN" or category in ("Sc", "Sm", "So"):
            return True
    return False


def _ends_with_abbreviation(text: str, dot_index: int) -> bool:
    """Whether the period at ``dot_index`` closes an abbreviation or an initial."""
    head = text[:dot_index]
    match = re.search(r"([\w.]+)$", head)
    if not match:
        return False
    word = match.group(1).lower().strip(".")
    if word in ABBREVIATIONS:
        return True
    # A single capital letter: an initial ("J. R. R. Tolkien").
    return len(word) == 1 and word.isalpha() and head[-1].isupper()


def _boundaries(text: str) -> list[int]:
    cuts: set[int] = set()
    for match in _BOUNDARY.finditer(text):
        run = match.group(0)
        if run[0] == "." and len(run.rstrip(_CLOSERS)) == 1 and _ends_with_abbreviation(text, match.start()):
            continue
        cuts.add(match.end())
    for match in _CJK_BOUNDARY.finditer(text):
        cuts.add(match.end())
    # A line break always ends a sentence: scripts put headings and dialogue on lines.
    for match in re.finditer(r"\n", text):
        cuts.add(match.start())
    return sorted(cuts)


# Words that lean on the next one: a cut right after them sounds broken ("the | house").
_LEANING = frozenset(
    "a an the and or but nor of to in on at by for with from as than that this these those "
    "my your his her its our their is are was were be been has have had will would can could "
    "very so not no".split()
)


def _space_cut(window: str, limit: int) -> int:
    """A cut at a space in ``window``, avoiding one right after a leaning word."""
    floor = limit // 3
    space = window.rfind(" ", floor)
    if space <= 0:
        return limit
    candidate = space
    while candidate > floor:
        previous_word = window[:candidate].rsplit(" ", 1)[-1].strip(",;:").lower()
        if previous_word not in _LEANING:
            return candidate + 1
        earlier = window.rfind(" ", floor, candidate)
        if earlier <= 0:
            break
        candidate = earlier
    return space + 1


def _split_long(text: str, start: int, end: int, limit: int) -> list[int]:
    """Cut points inside text[start:end] so no piece is longer than ``limit`` characters."""
    cuts: list[int] = []
    piece_start = start
    while end - piece_start > limit:
        window = text[piece_start : piece_start + limit]
        best = None
        for match in _CLAUSE.finditer(window):
            if match.end() > limit // 3:
                best = match.end()
        if best is None:
            best = _space_cut(window, limit)
        piece_start += best
        cuts.append(piece_start)
    return cuts


def split_sentences(text: str, *, max_chars: int = 400, first_max_chars: int | None = None) -> list[Sentence]:
    """Sentences tiling ``text``; pieces without speech are merged into a neighbour.

    ``max_chars`` bounds a piece (long run-on sentences are cut at a clause, else a space);
    ``first_max_chars`` bounds the first piece more tightly so playback can start sooner.
    """
    if not text:
        return []
    cuts = [0, *(_c for _c in _boundaries(text) if 0 < _c < len(text)), len(text)]
    cuts = sorted(set(cuts))
    # Whitespace after a terminator belongs to the sentence it ends.
    spans: list[tuple[int, int]] = []
    for a, b in zip(cuts, cuts[1:]):
        spans.append((a, b))
    spans = _attach_whitespace(text, spans)
    spans = _merge_unspeakable(text, spans)
    pieces: list[tuple[int, int]] = []
    for index, (a, b) in enumerate(spans):
        limit = first_max_chars if (index == 0 and first_max_chars) else max_chars
        inner = _split_long(text, a, b, limit)
        if index == 0 and first_max_chars and inner:
            # Only the first piece needs to be short; the rest of the sentence may be long.
            rest = _split_long(text, inner[0], b, max_chars)
            inner = [inner[0], *rest]
        points = [a, *inner, b]
        pieces.extend(zip(points, points[1:]))
    pieces = _merge_unspeakable(text, pieces)
    return [Sentence(a, b, text[a:b]) for a, b in pieces if b > a]


def _attach_whitespace(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in spans:
        if out:
            prev_a, prev_b = out[-1]
            stripped = len(text[a:b]) - len(text[a:b].lstrip())
            if stripped:
                out[-1] = (prev_a, a + stripped)
                a = a + stripped
        if b > a:
            out.append((a, b))
    return out


def _merge_unspeakable(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    pending_start: int | None = None
    for a, b in spans:
        if pending_start is not None:
            a = pending_start
            pending_start = None
        if not is_speakable(text[a:b]):
            if out:
                out[-1] = (out[-1][0], b)
            else:
                pending_start = a
            continue
        out.append((a, b))
    if pending_start is not None:
        if out:
            out[-1] = (out[-1][0], len(text))
        else:
            out.append((pending_start, len(text)))
    return out
