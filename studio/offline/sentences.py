"""Split text into the pieces Piper speaks one at a time, with exact offsets.

espeak-ng ends a sentence after "Dr." and "Mr." (DESIGN.md, offline facts), so the engine
never lets espeak decide: it hands Piper one of these spans at a time. Where a sentence ends
(and what is speakable) is :mod:`studio.text_rules`, the rule the segmenter uses too; this
module only tiles the text, merges pieces with nothing to say, and cuts long ones.

The spans tile the text exactly (span i ends where span i+1 starts), so every character,
spaces included, belongs to exactly one sentence and gets a time.
"""

from __future__ import annotations

from dataclasses import dataclass

# Where sentences and clauses end and what is speakable are the studio's one set of text
# rules, shared with the segmenter and the server.
from studio.text_rules import clause_ends, is_speakable, sentence_ends


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str


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
        window_end = piece_start + limit
        best = None
        for cut in clause_ends(text, piece_start, window_end):
            # The spaces after a clause mark stay with it, as after a sentence.
            while cut < window_end and text[cut].isspace():
                cut += 1
            if cut - piece_start > limit // 3:
                best = cut - piece_start
        if best is None:
            best = _space_cut(text[piece_start:window_end], limit)
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
    cuts = [0, *sentence_ends(text), len(text)]
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
