"""Plain-text dictionaries: one ``word = alias`` per line, ``#`` starts a comment.

The format a person writes by hand. Phoneme rules have a prefix naming the alphabet
(``Madison = cmu: M AE1 D IH0 S AH0 N``, ``Thailand = ipa: /ˈtaɪ.lænd/``), so a plain file can
hold everything the editor makes except the two flags: every rule read from text is case
sensitive and matches whole words (the API's defaults); :func:`dump_plain` drops other flags
(use PLS to keep them).
"""

from __future__ import annotations

import os
from pathlib import Path

from studio.core.files import write_atomically
from studio.core.pronunciation.errors import DictionaryError
from studio.core.pronunciation.rules import AliasRule, PhonemeRule, PronunciationDictionary, Rule

_PHONEME_PREFIXES = {"ipa:": "ipa", "cmu:": "cmu"}


def parse_plain(text: str, source: str = "The word list", *, dictionary_id: str = "",
                name: str = "Word list") -> PronunciationDictionary:
    rules: list[Rule] = []
    seen: dict[str, int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        word, equals, said = (part.strip() for part in line.partition("="))
        if not equals:
            raise DictionaryError(
                f"{source}, line {number}: “{line}” has no “=”",
                "Write one rule per line as “word = how it is said” (for example “Nguyen = win”).",
                line=number)
        try:
            rule = _rule(word, said)
        except DictionaryError as error:
            raise error.at(source, number) from None
        if rule.grapheme in seen:
            raise DictionaryError(
                f"{source}, line {number}: “{rule.grapheme}” already has a rule (line {seen[rule.grapheme]})",
                "Keep one of the two lines.", line=number, grapheme=rule.grapheme)
        seen[rule.grapheme] = number
        rules.append(rule)
    return PronunciationDictionary(id=dictionary_id, name=name, rules=tuple(rules))


def _rule(word: str, said: str) -> Rule:
    lowered = said.lower()
    for prefix, alphabet in _PHONEME_PREFIXES.items():
        if lowered.startswith(prefix):
            return PhonemeRule(word, said[len(prefix):].strip(), alphabet)  # type: ignore[arg-type]
    return AliasRule(word, said)


def plain_text(dictionary: PronunciationDictionary) -> str:
    lines = [f"# {dictionary.name}: one rule per line, “word = how it is said”."]
    for rule in dictionary.rules:
        if isinstance(rule, PhonemeRule):
            lines.append(f"{rule.grapheme} = {rule.alphabet}: {rule.phoneme}")
        else:
            lines.append(f"{rule.grapheme} = {rule.alias}")
    return "\n".join(lines) + "\n"


def load_plain(path: str | os.PathLike[str], *, dictionary_id: str | None = None) -> PronunciationDictionary:
    source = Path(path)
    try:
        text = source.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or "it is not UTF-8 text"
        raise DictionaryError(f"Could not read the word list “{source.name}” ({reason})",
                              "Save it as UTF-8 text and try again.") from None
    parsed = parse_plain(text, f"“{source.name}”", dictionary_id=dictionary_id or f"file:{source.resolve()}",
                         name=source.stem)
    return PronunciationDictionary(parsed.id, parsed.name, parsed.rules, path=str(source))


def dump_plain(dictionary: PronunciationDictionary, path: str | os.PathLike[str]) -> Path:
    """Write the rules as text, atomically. Case and word-boundary flags are not kept."""
    target = Path(path)
    try:
        write_atomically(target, plain_text(dictionary).encode("utf-8"))
    except OSError as error:
        raise DictionaryError(f"Could not save the word list to {target} ({error.strerror or error})",
                              "Check that the folder exists and you may write to it.") from None
    return target
