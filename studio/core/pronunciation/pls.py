"""W3C Pronunciation Lexicon (PLS 1.0) files: read and write, with line numbers in every complaint.

We read the shape ElevenLabs documents and produces: ``<lexicon alphabet="ipa">`` holding
``<lexeme>`` elements, each with one or more ``<grapheme>`` and either an ``<alias>`` or a
``<phoneme>`` (whose own ``alphabet`` attribute overrides the lexicon's). Every grapheme of a
lexeme becomes one rule. The API's ``case_sensitive`` / ``word_boundaries`` flags have no PLS
form, so we write them, only when they differ from the default (true), as attributes in our
own namespace on ``<lexeme>``; other readers ignore them and we read them back.

Parsing uses the standard library's expat directly (ElementTree keeps no line numbers): it never
fetches external entities, and we refuse any DTD entity declaration outright (the "billion
laughs" and external-entity tricks both need one; a lexicon never does).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from xml.parsers import expat
from xml.sax.saxutils import escape, quoteattr

from studio.core.files import write_atomically
from studio.core.pronunciation.alphabets import API_ALPHABET
from studio.core.pronunciation.errors import DictionaryError
from studio.core.pronunciation.rules import AliasRule, PhonemeRule, PronunciationDictionary, Rule

PLS_NAMESPACE = "http://www.w3.org/2005/01/pronunciation-lexicon"
STUDIO_NAMESPACE = "urn:narration-studio:pls"
_SEP = "}"  # expat namespace separator: "uri}local"


@dataclass
class _Element:
    tag: str  # local name when in the PLS namespace, else "uri}name"
    attrs: dict[str, str]
    line: int
    children: list[_Element] = field(default_factory=list)
    text: str = ""


class _Refused(Exception):
    pass


def _local(name: str) -> str:
    uri, _, local = name.rpartition(_SEP)
    return local if uri == PLS_NAMESPACE else name


def _parse(data: bytes, source: str) -> _Element:
    parser = expat.ParserCreate(namespace_separator=_SEP)
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    stack: list[_Element] = []
    root: list[_Element] = []

    def start(name: str, attrs: dict[str, str]) -> None:
        element = _Element(_local(name), {_local(k): v for k, v in attrs.items()}, parser.CurrentLineNumber)
        (stack[-1].children if stack else root).append(element)
        stack.append(element)

    def end(_name: str) -> None:
        stack.pop()

    def chars(text: str) -> None:
        if stack:
            stack[-1].text += text

    def refuse_entity(*_args: object) -> None:
        raise _Refused(parser.CurrentLineNumber)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    parser.EntityDeclHandler = refuse_entity
    parser.ExternalEntityRefHandler = refuse_entity  # type: ignore[assignment]
    try:
        parser.Parse(data, True)
    except _Refused as refused:
        raise DictionaryError(
            f"{source}, line {refused.args[0]}: the file declares XML entities, which a lexicon never needs",
            "Remove the <!DOCTYPE …> / <!ENTITY …> part, or export the lexicon again.",
            line=refused.args[0]) from None
    except expat.ExpatError as error:
        reason = expat.errors.messages.get(error.code, str(error)) if error.code else str(error)
        raise DictionaryError(
            f"{source}, line {error.lineno}: the file is not well-formed XML ({reason})",
            "Fix that line in a text editor, or export the lexicon again from the tool that made it.",
            line=error.lineno) from None
    if not root:
        raise DictionaryError(f"{source} is empty", "Choose a PLS lexicon file.")
    return root[0]


def parse_pls(data: bytes, source: str = "The lexicon", *, dictionary_id: str = "",
              name: str | None = None) -> PronunciationDictionary:
    """Rules from PLS bytes. Raises DictionaryError naming the file line and the remedy."""
    lexicon = _parse(data, source)
    if lexicon.tag != "lexicon":
        raise DictionaryError(
            f"{source}, line {lexicon.line}: this is not a PLS lexicon (it starts with <{lexicon.tag.split(_SEP)[-1]}>, "
            f"not <lexicon xmlns=\"{PLS_NAMESPACE}\">)",
            "Choose a W3C pronunciation lexicon (.pls) file.", line=lexicon.line)
    default_alphabet = lexicon.attrs.get("alphabet", "ipa")
    rules: list[Rule] = []
    seen: dict[str, int] = {}
    for lexeme in lexicon.children:
        if lexeme.tag != "lexeme":
            continue  # <meta>, <metadata> and foreign elements carry no rules
        try:
            lexeme_rules = _lexeme_rules(lexeme, default_alphabet)
        except DictionaryError as error:
            raise error.at(source, lexeme.line) from None
        for rule in lexeme_rules:
            if rule.grapheme in seen:
                raise DictionaryError(
                    f"{source}, line {lexeme.line}: “{rule.grapheme}” already has a rule (line {seen[rule.grapheme]})",
                    "Keep one of the two lexemes.", line=lexeme.line, grapheme=rule.grapheme)
            seen[rule.grapheme] = lexeme.line
            rules.append(rule)
    title = name or Path(source).stem or "Lexicon"
    return PronunciationDictionary(id=dictionary_id, name=title, rules=tuple(rules))


def _lexeme_rules(lexeme: _Element, default_alphabet: str) -> list[Rule]:
    graphemes = [c.text.strip() for c in lexeme.children if c.tag == "grapheme"]
    if not graphemes or not all(graphemes):
        raise DictionaryError("a lexeme has no (or an empty) <grapheme>",
                              "Give every <lexeme> the word it is for in <grapheme>…</grapheme>.")
    flags = {
        "case_sensitive": lexeme.attrs.get(f"{STUDIO_NAMESPACE}{_SEP}case-sensitive", "true") != "false",
        "word_boundaries": lexeme.attrs.get(f"{STUDIO_NAMESPACE}{_SEP}word-boundaries", "true") != "false",
    }
    for child in lexeme.children:  # the first pronunciation wins, as in PLS
        if child.tag == "alias":
            return [AliasRule(g, child.text.strip(), **flags) for g in graphemes]
        if child.tag == "phoneme":
            alphabet = child.attrs.get("alphabet", default_alphabet)
            return [PhonemeRule(g, child.text.strip(), alphabet, **flags) for g in graphemes]  # type: ignore[arg-type]
    raise DictionaryError(f"the lexeme for “{graphemes[0]}” has neither <alias> nor <phoneme>",
                          "Add how the word is said, or delete the lexeme.", grapheme=graphemes[0])


def load_pls(path: str | os.PathLike[str], *, dictionary_id: str | None = None) -> PronunciationDictionary:
    """Read a .pls file. Its id defaults to the file's absolute path (stable across projects)."""
    source = Path(path)
    try:
        data = source.read_bytes()
    except OSError as error:
        raise DictionaryError(f"Could not read the lexicon “{source.name}” ({error.strerror or error})",
                              "Check that the file exists and you may read it.") from None
    dictionary = parse_pls(data, f"“{source.name}”", dictionary_id=dictionary_id or f"file:{source.resolve()}",
                           name=source.stem)
    return _with_path(dictionary, source)


def _with_path(dictionary: PronunciationDictionary, source: Path) -> PronunciationDictionary:
    return PronunciationDictionary(dictionary.id, dictionary.name, dictionary.rules,
                                   dictionary.description, path=str(source))


def pls_bytes(dictionary: PronunciationDictionary, lang: str = "en-US") -> bytes:
    """The dictionary as a PLS document. One lexeme per rule; alphabet per phoneme."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<lexicon version="1.0" xmlns="{PLS_NAMESPACE}" xmlns:ns="{STUDIO_NAMESPACE}"',
        '    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"',
        f'    xsi:schemaLocation="{PLS_NAMESPACE} http://www.w3.org/TR/2007/CR-pronunciation-lexicon-20071212/pls.xsd"',
        f'    alphabet="ipa" xml:lang={quoteattr(lang)}>',
    ]
    for rule in dictionary.rules:
        attrs = ""
        if not rule.case_sensitive:
            attrs += ' ns:case-sensitive="false"'
        if not rule.word_boundaries:
            attrs += ' ns:word-boundaries="false"'
        lines.append(f"  <lexeme{attrs}>")
        lines.append(f"    <grapheme>{escape(rule.grapheme)}</grapheme>")
        if isinstance(rule, AliasRule):
            lines.append(f"    <alias>{escape(rule.alias)}</alias>")
        else:
            alphabet = "" if rule.alphabet == "ipa" else f" alphabet={quoteattr(API_ALPHABET[rule.alphabet])}"
            lines.append(f"    <phoneme{alphabet}>{escape(rule.phoneme)}</phoneme>")
        lines.append("  </lexeme>")
    lines.append("</lexicon>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def dump_pls(dictionary: PronunciationDictionary, path: str | os.PathLike[str]) -> Path:
    """Write ``dictionary`` to ``path`` as PLS, atomically."""
    target = Path(path)
    try:
        write_atomically(target, pls_bytes(dictionary))
    except OSError as error:
        raise DictionaryError(f"Could not save the lexicon to {target} ({error.strerror or error})",
                              "Check that the folder exists and you may write to it.") from None
    return target
