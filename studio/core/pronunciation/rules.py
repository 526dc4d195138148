"""Pronunciation rules and dictionaries: immutable values, valid from the moment they exist.

A rule says how one written form (the *grapheme*, the API's ``string_to_replace``) is spoken:
an :class:`AliasRule` by other words, a :class:`PhonemeRule` by an IPA or CMU (ARPAbet)
transcription. Both carry the API's ``case_sensitive`` and ``word_boundaries`` flags (default
true, as on the API). A rule that could not be used (empty grapheme or alias, a phoneme the
alphabet rejects) raises :class:`DictionaryError` naming the rule and the remedy when it is
built, so every later step (saving, uploading, synthesis) only ever sees good rules.

A :class:`PronunciationDictionary` is an ordered tuple of rules with at most one rule per
grapheme (the API's add-rules replaces a rule with the same ``string_to_replace``; we keep the
same meaning locally). Its :attr:`~PronunciationDictionary.content_version` is a hash of the
rules only: renaming a dictionary does not change what is spoken, so it neither re-uploads nor
re-voices anything.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from studio.core.pronunciation.alphabets import (
    ALPHABET_ALIASES, API_ALPHABET, arpabet_rejects, ipa_rejects)
from studio.core.pronunciation.errors import DictionaryError

Alphabet = Literal["ipa", "cmu"]


def _check_grapheme(grapheme: str) -> None:
    if not isinstance(grapheme, str) or not grapheme.strip():
        raise DictionaryError(
            "A pronunciation rule has no word to replace",
            "Type the word as it is written in the script, or delete the empty rule.")
    if grapheme != grapheme.strip():
        raise DictionaryError(
            f"The rule “{grapheme}” starts or ends with a space, so it would never match",
            "Remove the spaces around the word.", grapheme=grapheme)


@dataclass(frozen=True)
class AliasRule:
    """Speak ``grapheme`` as ``alias`` (other words the voice says right)."""

    grapheme: str
    alias: str
    case_sensitive: bool = True
    word_boundaries: bool = True

    def __post_init__(self) -> None:
        _check_grapheme(self.grapheme)
        if not isinstance(self.alias, str) or not self.alias.strip():
            raise DictionaryError(
                f"The rule for “{self.grapheme}” has no alias",
                "Type how the word should be said (for example “win” for “Nguyen”), "
                "or delete the rule.", grapheme=self.grapheme)

    kind = "alias"

    @property
    def spoken_as(self) -> str:
        return self.alias

    def to_api(self) -> dict[str, Any]:
        """The API's ``PronunciationDictionaryAliasRuleRequestModel``."""
        return {"string_to_replace": self.grapheme, "type": "alias", "alias": self.alias,
                "case_sensitive": self.case_sensitive, "word_boundaries": self.word_boundaries}


@dataclass(frozen=True)
class PhonemeRule:
    """Speak ``grapheme`` by the transcription ``phoneme`` in ``alphabet`` ('ipa' or 'cmu')."""

    grapheme: str
    phoneme: str
    alphabet: Alphabet = "ipa"
    case_sensitive: bool = True
    word_boundaries: bool = True

    def __post_init__(self) -> None:
        _check_grapheme(self.grapheme)
        alphabet = ALPHABET_ALIASES.get(str(self.alphabet).lower())
        if alphabet is None:
            raise DictionaryError(
                f"The rule for “{self.grapheme}” uses the alphabet “{self.alphabet}”, which the studio does not know",
                "Use IPA or CMU (ARPAbet).", grapheme=self.grapheme)
        object.__setattr__(self, "alphabet", alphabet)
        if not isinstance(self.phoneme, str) or not self.phoneme.strip():
            raise DictionaryError(
                f"The rule for “{self.grapheme}” has no phonemes",
                "Type the pronunciation in the chosen alphabet, or delete the rule.",
                grapheme=self.grapheme)
        if alphabet == "ipa":
            bad = ipa_rejects(self.phoneme)
            if bad:
                raise DictionaryError(
                    f"The IPA for “{self.grapheme}” (“{self.phoneme}”) has characters that are not IPA: "
                    + " ".join(f"“{c}”" for c in bad),
                    "Use IPA symbols only (for example /ˈtaɪ.lænd/); for ARPAbet such as "
                    "“M AE1 D IH0 S AH0 N” choose the CMU alphabet.", grapheme=self.grapheme)
        else:
            bad = arpabet_rejects(self.phoneme)
            if bad:
                raise DictionaryError(
                    f"The CMU phonemes for “{self.grapheme}” (“{self.phoneme}”) have symbols that are "
                    "not ARPAbet: " + " ".join(f"“{s}”" for s in bad),
                    "Separate ARPAbet symbols by spaces (for example “M AE1 D IH0 S AH0 N”); "
                    "stress digits 0–2 go on vowels only. For IPA choose the IPA alphabet.",
                    grapheme=self.grapheme)

    kind = "phoneme"

    @property
    def spoken_as(self) -> str:
        return self.phoneme

    def to_api(self) -> dict[str, Any]:
        """The API's ``PronunciationDictionaryPhonemeRuleRequestModel``."""
        return {"string_to_replace": self.grapheme, "type": "phoneme", "phoneme": self.phoneme,
                "alphabet": API_ALPHABET[self.alphabet],
                "case_sensitive": self.case_sensitive, "word_boundaries": self.word_boundaries}


Rule = AliasRule | PhonemeRule


def rule_from_api(body: Any) -> Rule:
    """A rule from the API's JSON form (request or response model; also our project file)."""
    if not isinstance(body, dict):
        raise DictionaryError("A pronunciation rule is not an object", "The data may be damaged.")
    grapheme = body.get("string_to_replace", "")
    flags = {"case_sensitive": bool(body.get("case_sensitive", True)),
             "word_boundaries": bool(body.get("word_boundaries", True))}
    kind = body.get("type")
    if kind == "alias":
        return AliasRule(grapheme, body.get("alias", ""), **flags)
    if kind == "phoneme":
        return PhonemeRule(grapheme, body.get("phoneme", ""), body.get("alphabet", "ipa"), **flags)
    raise DictionaryError(f"The rule for “{grapheme}” has the unknown type “{kind}”",
                          "Use an alias or a phoneme rule.", grapheme=grapheme or None)


def rules_signature(rules: tuple[Rule, ...] | list[Rule]) -> str:
    """A short stable hash of rules (order matters: earlier rules win)."""
    canonical = json.dumps([r.to_api() for r in rules], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class PronunciationDictionary:
    """An ordered set of rules, at most one per grapheme. ``id`` is ours (stable, local)."""

    id: str
    name: str
    rules: tuple[Rule, ...] = ()
    description: str | None = None
    #: Where a shared dictionary lives (a .pls or .txt file); None for a project's own rules.
    path: str | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "rules", tuple(self.rules))
        seen: set[str] = set()
        for rule in self.rules:
            if not isinstance(rule, (AliasRule, PhonemeRule)):
                raise DictionaryError(f"The dictionary “{self.name}” holds something that is not a rule",
                                      "The data may be damaged.")
            if rule.grapheme in seen:
                raise DictionaryError(
                    f"The dictionary “{self.name}” has two rules for “{rule.grapheme}”",
                    "Keep one of them (the API would keep only the last).", grapheme=rule.grapheme)
            seen.add(rule.grapheme)

    @property
    def content_version(self) -> str:
        """Hash of the rules: equal when, and only when, the dictionary speaks the same."""
        return rules_signature(self.rules)

    def rule_for(self, grapheme: str) -> Rule | None:
        return next((r for r in self.rules if r.grapheme == grapheme), None)

    def with_rule(self, rule: Rule) -> PronunciationDictionary:
        """A copy with ``rule`` added; a rule for the same grapheme is replaced in place."""
        rules = list(self.rules)
        for index, old in enumerate(rules):
            if old.grapheme == rule.grapheme:
                rules[index] = rule
                break
        else:
            rules.append(rule)
        return replace(self, rules=tuple(rules))

    def without(self, grapheme: str) -> PronunciationDictionary:
        """A copy without the rule for ``grapheme`` (unchanged if there is none)."""
        return replace(self, rules=tuple(r for r in self.rules if r.grapheme != grapheme))

    def renamed(self, name: str) -> PronunciationDictionary:
        return replace(self, name=name)

    def rules_to_api(self) -> list[dict[str, Any]]:
        return [rule.to_api() for rule in self.rules]
