"""The TTS routes' pronunciation dictionaries: locators → rules → the text the voice speaks.

Like ElevenLabs, the locators (at most 3, schema-checked) are applied in order; an unknown
dictionary or version is a 404 before anything is charged. The rules are matched by the
studio's own matcher (:func:`studio.core.pronunciation.rewrites`), so server and studio agree
on what a rule matches. Alias rules replace the word. Phoneme rules only apply to models that
take them (the capability table, as on the API, which ignores them elsewhere); the offline
voice cannot read phonemes, so they are **approximated** by the rough English respelling
:func:`studio.core.pronunciation.advice.respell` ("ˈtaɪ.lænd" is said as "teye land").

The answer keeps the API's two alignments: ``normalized_alignment`` is on what was spoken
(the engine's own), ``alignment`` on the characters of the INPUT text. :class:`InputAlignment`
maps each chunk's engine alignment back to input characters through the
:class:`~studio.core.script.spoken.SpokenText` (the matcher of :mod:`studio.core.alignment_map`);
a rewritten word's characters share its spoken time evenly, so "Nguyen" is timed as one word
while "win" is heard.
"""

from __future__ import annotations

from typing import Any

from studio.core.alignment_map import ScriptMatcher
from studio.core.pronunciation import AliasRule, PhonemeRule, PronunciationDictionary, rewrites
from studio.core.pronunciation.advice import as_alias
from studio.core.script.capabilities import Capabilities
from studio.core.script.spoken import Rewrite, SpokenText
from studio.markup import MarkupError
from studio.server.dictionaries import DictionaryStore
from studio.server.schemas import DictionaryLocator


def dictionaries_for(store: DictionaryStore, locators: list[DictionaryLocator] | None
                     ) -> list[PronunciationDictionary]:
    """The dictionaries the locators name, in order (404 for an unknown id or version)."""
    return [store.get(loc.pronunciation_dictionary_id).as_dictionary(loc.version_id) for loc in locators or ()]


def _as_spoken_here(dictionary: PronunciationDictionary, phonemes: bool) -> PronunciationDictionary:
    rules = tuple(
        rule if isinstance(rule, AliasRule) else as_alias(rule)
        for rule in dictionary.rules
        if isinstance(rule, AliasRule) or (phonemes and isinstance(rule, PhonemeRule))
    )
    return PronunciationDictionary(dictionary.id, dictionary.name, rules)


def spoken_text(text: str, dictionaries: list[PronunciationDictionary], model_id: str
                ) -> tuple[SpokenText, list[Rewrite]]:
    """What the offline voice is given for ``text`` with ``dictionaries`` applied."""
    if not dictionaries:
        return SpokenText.plain(text), []
    phonemes = Capabilities("elevenlabs", model_id).phoneme_rules
    found = rewrites(text, [_as_spoken_here(d, phonemes) for d in dictionaries])
    if not found:
        return SpokenText.plain(text), []
    try:
        # No capabilities: pause tags go to the engine as written, exactly as without rules.
        return SpokenText.build(text, None, found), found
    except MarkupError:
        return SpokenText.plain(text), []  # the engine reads a malformed tag as before


class InputAlignment:
    """Engine alignments over the spoken text → alignments over the input text, chunk by chunk."""

    def __init__(self, spoken: SpokenText, rewritten: list[Rewrite]) -> None:
        self.script = spoken.script
        self.matcher = ScriptMatcher(spoken.script)
        self.matcher.continue_at(0, spoken)
        self.words = [(r.start, r.end) for r in rewritten]
        self.done = 0  # input characters already given out

    def __call__(self, alignment: dict[str, list[Any]] | None) -> dict[str, list[Any]] | None:
        if alignment is None:
            return None
        found = self.matcher.match(alignment["characters"])
        mapped = [i for i in found if i is not None and i >= self.done]
        lo = self.done
        hi = max(mapped) + 1 if mapped else lo
        for start, end in self.words:  # never cut a rewritten word between two chunks
            if start < hi < end:
                hi = end
        n = hi - lo
        starts: list[float | None] = [None] * n
        ends: list[float | None] = [None] * n
        for k, index in enumerate(found):
            if index is None or not lo <= index < hi:
                continue
            p = index - lo
            t0, t1 = alignment["character_start_times_seconds"][k], alignment["character_end_times_seconds"][k]
            starts[p] = t0 if starts[p] is None else min(starts[p], t0)
            ends[p] = t1 if ends[p] is None else max(ends[p], t1)
        self._spread_words(lo, hi, starts, ends)
        _fill_gaps(starts, ends)
        self.done = hi
        return {"characters": list(self.script[lo:hi]),
                "character_start_times_seconds": [round(t or 0.0, 4) for t in starts],
                "character_end_times_seconds": [round(t or 0.0, 4) for t in ends]}

    def _spread_words(self, lo: int, hi: int, starts: list[float | None], ends: list[float | None]) -> None:
        """A rewritten word's characters share the time its replacement was heard, evenly."""
        for start, end in self.words:
            if start < lo or end > hi:
                continue
            span = range(start - lo, end - lo)
            known_starts = [starts[p] for p in span if starts[p] is not None]
            known_ends = [ends[p] for p in span if ends[p] is not None]
            if not known_starts:
                continue
            t0, t1 = min(known_starts), max(known_ends)
            step = (t1 - t0) / len(span)
            for r, p in enumerate(span):
                starts[p], ends[p] = t0 + r * step, t0 + (r + 1) * step


def _fill_gaps(starts: list[float | None], ends: list[float | None]) -> None:
    """Characters the engine did not time (dropped punctuation): between their neighbours."""
    n = len(starts)
    p = 0
    while p < n:
        if starts[p] is not None:
            p += 1
            continue
        q = p
        while q < n and starts[q] is None:
            q += 1
        before = ends[p - 1] if p > 0 else (starts[q] if q < n else 0.0)
        after = starts[q] if q < n else before
        step = ((after or 0.0) - (before or 0.0)) / (q - p)
        for r in range(p, q):
            starts[r] = (before or 0.0) + (r - p) * step
            ends[r] = (before or 0.0) + (r - p + 1) * step
        p = q
