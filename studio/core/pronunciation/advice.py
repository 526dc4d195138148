"""Phoneme rules a model cannot use: say so, and offer an alias instead.

Only some models speak phoneme rules (the capability table in
:mod:`studio.core.script.capabilities`); the API silently ignores them elsewhere, so the word
would be read as written. :func:`phoneme_advice` lists each such rule with a message naming the
rule, the model and the remedy, and a *suggested alias*: a rough English respelling of the
phonemes (:func:`respell`), which the narrator can accept or correct. The UI shows the advice;
the CLI prints it as a warning.

:func:`respell` is deliberately simple (one spelling per phoneme, syllables separated by a
space); it is also how the local server approximates a phoneme rule with the offline voice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from studio.core.pronunciation.matching import takes_phonemes
from studio.core.pronunciation.rules import AliasRule, PhonemeRule, PronunciationDictionary

_ARPABET = {
    "AA": "ah", "AE": "a", "AH": "uh", "AO": "aw", "AW": "ow", "AY": "eye", "EH": "e", "ER": "er",
    "EY": "ay", "IH": "i", "IY": "ee", "OW": "oh", "OY": "oy", "UH": "oo", "UW": "oo",
    "B": "b", "CH": "ch", "D": "d", "DH": "th", "F": "f", "G": "g", "HH": "h", "JH": "j", "K": "k",
    "L": "l", "M": "m", "N": "n", "NG": "ng", "P": "p", "R": "r", "S": "s", "SH": "sh", "T": "t",
    "TH": "th", "V": "v", "W": "w", "Y": "y", "Z": "z", "ZH": "zh",
}
_ARPABET_VOWELS = {"AA", "AE", "AH", "AO", "AW", "AY", "EH", "ER", "EY", "IH", "IY", "OW", "OY", "UH", "UW"}
#: Longest first: diphthongs and affricates before their parts.
_IPA = sorted({
    "aɪ": "eye", "eɪ": "ay", "oʊ": "oh", "əʊ": "oh", "aʊ": "ow", "ɔɪ": "oy", "tʃ": "ch", "dʒ": "j",
    "ʧ": "ch", "ʤ": "j", "iː": "ee", "uː": "oo", "ɑː": "ah", "ɔː": "aw", "ɜː": "er",
    "ə": "uh", "æ": "a", "ɑ": "ah", "ɒ": "o", "ɔ": "aw", "ɛ": "e", "e": "e", "ɪ": "i", "i": "ee",
    "ʊ": "oo", "u": "oo", "ʌ": "u", "ɜ": "er", "ɚ": "er", "ɝ": "er", "a": "a", "o": "o", "y": "ew",
    "ŋ": "ng", "ʃ": "sh", "ʒ": "zh", "θ": "th", "ð": "th", "ɹ": "r", "r": "r", "ɾ": "t", "j": "y",
    "ɡ": "g", "g": "g", "x": "kh", "χ": "kh", "ɲ": "ny", "ʎ": "ly", "ç": "h", "ɣ": "g", "β": "v",
    "b": "b", "d": "d", "f": "f", "h": "h", "k": "k", "l": "l", "ɫ": "l", "m": "m", "n": "n",
    "p": "p", "s": "s", "t": "t", "v": "v", "w": "w", "z": "z", "ʔ": "",
}.items(), key=lambda item: -len(item[0]))
_IPA_BREAKS = set(".ˈˌ' -")
_IPA_SILENT = set("/[]()ːˑ|‖‿ʰʷʲˠˤⁿˡʼ˞ˀ")


def respell(rule: PhonemeRule) -> str:
    """A rough English respelling of ``rule``'s phonemes ("ˈtaɪ.lænd" → "teye land")."""
    if rule.alphabet == "cmu":
        syllables: list[str] = []
        current = ""
        for symbol in rule.phoneme.split():
            base = symbol.upper().rstrip("012")
            if base in _ARPABET_VOWELS and current and any(c in "aeiou" for c in current):
                syllables.append(current)
                current = ""
            current += _ARPABET.get(base, "")
        syllables.append(current)
        return " ".join(s for s in syllables if s) or rule.grapheme
    out: list[str] = []
    text = rule.phoneme
    i = 0
    while i < len(text):
        char = text[i]
        if char in _IPA_BREAKS:
            out.append(" ")
            i += 1
            continue
        if char in _IPA_SILENT or not char.isprintable() or ord(char) in range(0x300, 0x370):
            i += 1
            continue
        for symbol, spelling in _IPA:
            if text.startswith(symbol, i):
                out.append(spelling)
                i += len(symbol)
                break
        else:
            i += 1
    return " ".join("".join(out).split()) or rule.grapheme


def as_alias(rule: PhonemeRule, alias: str | None = None) -> AliasRule:
    """The alias rule offered in place of ``rule`` (same grapheme and flags)."""
    return AliasRule(rule.grapheme, alias or respell(rule), case_sensitive=rule.case_sensitive,
                     word_boundaries=rule.word_boundaries)


@dataclass(frozen=True)
class PhonemeAdvice:
    dictionary: PronunciationDictionary
    rule: PhonemeRule
    #: The alias rule the studio offers instead (the narrator may edit its alias).
    alias: AliasRule
    message: str


def phoneme_advice(dictionaries: Sequence[PronunciationDictionary], capabilities: Any,
                   model_name: str | None = None) -> list[PhonemeAdvice]:
    """The phoneme rules ``capabilities``' model cannot use, each with an alias to use instead.
    Empty when the model takes phoneme rules (or there are none)."""
    if takes_phonemes(capabilities):
        return []
    model = model_name or getattr(capabilities, "model_id", None) or "this voice"
    advice = []
    for dictionary in dictionaries:
        for rule in dictionary.rules:
            if isinstance(rule, PhonemeRule):
                alias = as_alias(rule)
                advice.append(PhonemeAdvice(dictionary, rule, alias, (
                    f"{model} cannot use phoneme rules, so “{rule.grapheme}” ({dictionary.name}) will be "
                    f"read as written. Use an alias instead, for example “{rule.grapheme} = {alias.alias}”, "
                    "or choose a model that takes phoneme rules (Eleven Flash v2, Eleven Turbo v2, "
                    "Eleven English v1).")))
    return advice
