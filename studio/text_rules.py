"""The text rules the whole studio shares: where sentences and clauses end, and whether a
piece of text has anything in it to speak.

One copy, used by the segmenter (what goes in one request), the offline engine (Piper is fed
one sentence at a time), the local server (which text is a 422 ``text_empty``) and the
subtitles (where a cue may break), so they never disagree about "Approx. ten minutes" or a
lone "€". It lives at the top of the package and imports nothing from the studio, so every
layer (api, offline, core, server) may use it.

Decisions, each pinned by tests in every consumer:

* A full stop after an abbreviation ("Dr.", "approx.", "e.g.") or an initial (one capital
  letter: "J. R. R. Tolkien") does not end a sentence. A single lower-case letter does
  ("She got an a. Then it rained."), and so does "I" ("So did I. Then…"), which is far more
  often the pronoun than an initial.
* "No.", "fig.", "vol.", "ch.", "p.", "pp." are abbreviations only before a number ("No. 5");
  elsewhere they are words ending a sentence ("She said no. Then…"). Words that are also
  common English words ("sun", "sat", "wed", "ed") are not treated as abbreviations at all.
* Something to speak means a letter, a digit or a currency sign. A currency sign stands for
  a word the way a digit does (espeak reads "€" as "euros"); punctuation and other symbols
  ("* * *", "♥", "→", emoji) are decoration: espeak would read a lone one by its Unicode name
  ("heart suit", "symbol two seven zero five"), which is never what a narrator wrote it for.
  Inside a sentence with words they are still sent along and read as the engine reads them.
"""

from __future__ import annotations

import re
import unicodedata

#: Words that end in a period without ending a sentence (lower case, final period removed).
ABBREVIATIONS = frozenset(
    """
    mr mrs ms mx dr prof sr jr st mt ft vs etc e.g i.e cf al approx dept est fig figs no nos p
    vol vols ch pp gen col capt lt sgt cmdr adm gov sen rep rev hon pres supt insp
    jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues thu thurs fri
    inc ltd co corp bros assn ave blvd rd hwy a.m p.m u.s u.k
    """.split()
)
#: Abbreviations only when a number follows ("No. 5", "fig. 3"); otherwise ordinary words.
NUMBER_ABBREVIATIONS = frozenset("no nos fig figs vol vols ch p pp".split())

#: Characters that end a sentence (Latin and CJK).
TERMINATORS = ".!?…。！？｡"
#: Closing quotes and brackets that belong to the sentence before them.
CLOSERS = "\"'”’)]}»›」』"
#: Punctuation that ends a clause; a dash does too (a hyphen only when spaced: " - ").
CLAUSE_MARKS = ",;:"
DASHES = "—–"

_SENTENCE_END = re.compile(rf"[{re.escape(TERMINATORS)}]+[{re.escape(CLOSERS)}]*(?=\s|$)")
# CJK full stops end a sentence even with no space after them.
_CJK_END = re.compile(r"[。！？｡]+[」』”’)]*")
_CLAUSE_END = re.compile(
    rf"[{CLAUSE_MARKS}]+[{re.escape(CLOSERS)}]*(?=\s|$)|(?<=\s)-+(?=\s)|[{DASHES}]+[{re.escape(CLOSERS)}]*"
)
#: No abbreviation is longer than this, so looking further back for the word is wasted work.
_LONGEST_ABBREVIATION = 10


def is_speakable(text: str) -> bool:
    """Whether ``text`` holds anything a voice should say: a letter, a digit or a currency sign."""
    for char in text:
        category = unicodedata.category(char)
        if category[0] in "LN" or category == "Sc":
            return True
    return False


def _word_before(text: str, floor: int, dot: int) -> str:
    """The word (letters, digits and inner periods) that ends at ``dot``, at most a few long."""
    start = dot
    while start > floor and dot - start <= _LONGEST_ABBREVIATION:
        if not (text[start - 1].isalnum() or text[start - 1] in "._"):
            break
        start -= 1
    return text[start:dot].strip(".")


def _number_follows(text: str, position: int) -> bool:
    while position < len(text) and text[position].isspace():
        position += 1
    return position < len(text) and text[position].isdigit()


def _is_abbreviation(text: str, floor: int, dot: int) -> bool:
    """Whether the full stop at ``dot`` closes an abbreviation or an initial (no sentence end)."""
    word = _word_before(text, floor, dot)
    lower = word.lower()
    if lower in NUMBER_ABBREVIATIONS:
        return _number_follows(text, dot + 1)
    if lower in ABBREVIATIONS:
        return True
    # One capital letter is an initial ("J. R. R. Tolkien"), except the pronoun "I".
    return len(word) == 1 and word.isalpha() and word.isupper() and word != "I"


def sentence_ends(text: str, start: int = 0, end: int | None = None) -> list[int]:
    """Offsets inside ``text[start:end]`` where a sentence ends, in order.

    Each is just after a terminator run and its closing quotes/brackets (the following space
    belongs to neither side: callers trim it or attach it), or at a line break: scripts put
    headings and dialogue on lines of their own.
    """
    end = len(text) if end is None else end
    cuts: set[int] = set()
    for match in _SENTENCE_END.finditer(text, start, end):
        run = match.group()
        if run[0] == "." and len(run.rstrip(CLOSERS)) == 1 and _is_abbreviation(text, start, match.start()):
            continue
        cuts.add(match.end())
    for match in _CJK_END.finditer(text, start, end):
        cuts.add(match.end())
    newline = text.find("\n", start, end)
    while newline >= 0:
        cuts.add(newline)
        newline = text.find("\n", newline + 1, end)
    return sorted(cut for cut in cuts if start < cut < end)


def clause_ends(text: str, start: int = 0, end: int | None = None) -> list[int]:
    """Offsets inside ``text[start:end]`` just after a clause mark (``, ; :`` or a dash), in order."""
    end = len(text) if end is None else end
    return [m.end() for m in _CLAUSE_END.finditer(text, start, end) if start < m.end() < end]


def ends_sentence(before: str, after: str = "") -> bool:
    """Whether a sentence ends where ``before`` ends (``after`` is the text that follows).

    For word-by-word callers (subtitle cues): "said." and 'Stop!"' end one, "Dr." does not.
    """
    stripped = before.rstrip(CLOSERS)
    if not stripped or stripped[-1] not in TERMINATORS:
        return False
    if stripped.endswith(".") and not stripped.endswith(".."):
        return not _is_abbreviation(stripped + " " + after, 0, len(stripped) - 1)
    return True


def ends_clause(word: str) -> bool:
    """Whether ``word`` (as written, with its punctuation) ends a clause: "well," or "so—"."""
    stripped = word.rstrip(CLOSERS)
    return bool(stripped) and stripped[-1] in CLAUSE_MARKS + DASHES + "-"
