"""Where rules apply in a text: :func:`rewrites`, the one matcher (our side and the local server).

ElevenLabs checks the dictionaries in the order of the locators and uses the first
replacement that applies (ENDPOINTS-NARRATION.md §1.2, controls.mdx). We match the same way,
left to right over the text: at each place the **longest** grapheme that matches wins, and
between equally long matches the earlier dictionary (then the earlier rule) wins. Matches never
overlap and a replacement is never matched again.

* ``case_sensitive=False`` compares case-insensitively (Unicode casefolding by ``re``).
* ``word_boundaries=True`` needs no word character right before and after the match, so
  “Nguyen” does not fire inside “Nguyens” and “AI” not inside “SAID”.

A phoneme rule only applies where the model can speak phonemes (``capabilities``); then its
replacement is the inline tag ElevenLabs documents, ``<phoneme alphabet="ipa" ph="…">word</phoneme>``.
Elsewhere it is skipped (as the API ignores it) and :func:`studio.core.pronunciation.advice`
tells the narrator to use an alias instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING
from xml.sax.saxutils import quoteattr

from studio.core.pronunciation.alphabets import API_ALPHABET
from studio.core.pronunciation.rules import AliasRule, PhonemeRule, PronunciationDictionary, Rule, rules_signature

from studio.core.script.spoken import Rewrite

if TYPE_CHECKING:
    from studio.core.script.capabilities import Capabilities


def takes_phonemes(capabilities: Capabilities | None) -> bool:
    """Whether the model speaks phoneme rules (the one capability table; None: no)."""
    return bool(capabilities is not None and capabilities.phoneme_rules)


@lru_cache(maxsize=8192)
def rule_id(rule: Rule) -> str:
    """The id of a rule in a :class:`Rewrite`: its content hash, so an edited rule is a new id."""
    return f"{rule.kind}:{rules_signature([rule])}"


def replacement(rule: Rule, matched: str) -> str:
    if isinstance(rule, AliasRule):
        return rule.alias
    return (f"<phoneme alphabet={quoteattr(API_ALPHABET[rule.alphabet])} "
            f"ph={quoteattr(rule.phoneme)}>{matched}</phoneme>")


@lru_cache(maxsize=4096)
def _pattern(grapheme: str, case_sensitive: bool, word_boundaries: bool) -> re.Pattern[str]:
    # The literal comes first so ``re`` searches for it quickly (a leading look-behind would
    # make it try every position); the boundary before it is checked in _matches.
    body = re.escape(grapheme) + (r"(?!\w)" if word_boundaries else "")
    return re.compile(body, 0 if case_sensitive else re.IGNORECASE)


_WORD_CHAR = re.compile(r"\w")


@lru_cache(maxsize=8192)
def _folded(grapheme: str) -> str:
    return grapheme.casefold()


def _matches(text: str, folded: str, rule: Rule) -> list[tuple[int, int]]:
    # Most rules are not in most paragraphs: one substring test says so (casefolding is at
    # least as generous as re's IGNORECASE, so it never hides a match).
    if rule.grapheme not in text if rule.case_sensitive else _folded(rule.grapheme) not in folded:
        return []
    pattern = _pattern(rule.grapheme, rule.case_sensitive, rule.word_boundaries)
    found = []
    position = 0
    while (match := pattern.search(text, position)) is not None:
        start = match.start()
        if rule.word_boundaries and start > 0 and _WORD_CHAR.match(text, start - 1):
            position = start + 1  # inside a word: look again just after its start
            continue
        found.append((start, match.end()))
        position = match.end()
    return found


def _candidates(text: str, rules: Iterable[tuple[int, int, Rule]]) -> list[tuple[int, int, int, int, Rule]]:
    found = []
    folded = text.casefold()
    for dict_index, rule_index, rule in rules:
        for start, end in _matches(text, folded, rule):
            found.append((start, start - end, dict_index, rule_index, rule))
    found.sort(key=lambda c: c[:4])
    return found


def rewrites(text: str, dictionaries: Sequence[PronunciationDictionary],
             capabilities: Capabilities | None = None) -> list[Rewrite]:
    """The rewrites the rules of ``dictionaries`` (in order) make to ``text``, by position."""
    phonemes = takes_phonemes(capabilities)
    usable = [
        (d, r, rule)
        for d, dictionary in enumerate(dictionaries)
        for r, rule in enumerate(dictionary.rules)
        if isinstance(rule, AliasRule) or (phonemes and isinstance(rule, PhonemeRule))
    ]
    if not usable or not text:
        return []
    out = []
    taken_until = 0
    for start, negative_length, _d, _r, rule in _candidates(text, usable):
        if start < taken_until:
            continue
        end = start - negative_length
        out.append(Rewrite(start, end, replacement(rule, text[start:end]), rule_id(rule)))
        taken_until = end
    return out
