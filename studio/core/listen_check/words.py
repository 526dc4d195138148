"""Script words and heard words in one spoken form, so they can be compared word by word.

Both sides go through the same rules: numbers, money and the common abbreviations are
written out by the offline engine's one reader (:func:`studio.offline.normalize.normalize_span`:
"7" → "seven", "Dr." → "doctor", "$4,250" → "four thousand two hundred fifty dollars"), then
cut into the recogniser's words (:func:`studio.offline.recognizer.words_of`: lower case,
letters, digits, inner apostrophes). A pronunciation alias (``{"Nguyen": "win"}``, written
form → what the voice says, case-insensitive) is applied first, on both sides, so a name the
voice is told to say differently is not flagged.

A script *word* is a run of non-space characters; it may speak as several tokens ("1,200" →
four, "well-known" → two), each remembering which script word it came from, and its span is
that run without the punctuation around it (what the editor underlines).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from studio.offline.normalize import ABBREVIATIONS, normalize_span
from studio.offline.recognizer import words_of
from studio.text_rules import NUMBER_ABBREVIATIONS

Aliases = Mapping[str, str]
_RUN = re.compile(r"\S+")
_EDGE_PUNCTUATION = "\"'“”‘’()[]{}«»,.;:!?…—–-*_"


@dataclass(frozen=True)
class ScriptWord:
    """A word as written: its span in the text and the tokens it is spoken as."""

    index: int
    start: int
    end: int
    written: str
    spoken: tuple[str, ...]


@dataclass(frozen=True)
class Token:
    """One spoken token of a script word (``word`` is its ScriptWord.index)."""

    text: str
    word: int


def _alias_table(aliases: Aliases | None) -> dict[str, str]:
    return {key.lower(): value for key, value in (aliases or {}).items()}


def _spoken(written: str, table: dict[str, str]) -> tuple[str, ...]:
    core = written.strip(_EDGE_PUNCTUATION)
    if core.lower() in table:
        written = table[core.lower()]
    return tuple(words_of(normalize_span(written)))


def script_words(text: str, aliases: Aliases | None = None) -> list[ScriptWord]:
    """Every word of ``text`` with its span (punctuation trimmed) and spoken tokens."""
    table = _alias_table(aliases)
    words: list[ScriptWord] = []
    for match in _RUN.finditer(text):
        run = match.group()
        spoken = _spoken(run, table)
        if not spoken:
            continue  # "—" or "* * *": nothing a voice says
        left = len(run) - len(run.lstrip(_EDGE_PUNCTUATION))
        right = len(run.rstrip(_EDGE_PUNCTUATION))
        if right <= left:
            left, right = 0, len(run)
        words.append(ScriptWord(len(words), match.start() + left, match.start() + right, run, spoken))
    return words


def tokens_of(words: Sequence[ScriptWord]) -> list[Token]:
    return [Token(text, word.index) for word in words for text in word.spoken]


def heard_tokens(heard: str, aliases: Aliases | None = None) -> tuple[str, ...]:
    """A heard word in spoken form (the recogniser may write "mr" or "dr" for "mister")."""
    table = _alias_table(aliases)
    if heard in table:
        return tuple(words_of(normalize_span(table[heard])))
    # "dr" → "doctor"; but "no" stays "no" ("No." is an abbreviation only before a number).
    if heard + "." in ABBREVIATIONS and heard not in NUMBER_ABBREVIATIONS:
        return tuple(words_of(ABBREVIATIONS[heard + "."]))
    return tuple(words_of(normalize_span(heard))) or (heard,)
