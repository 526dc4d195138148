"""Pronunciation dictionaries: rules, PLS and plain-text files, where rules apply. Qt-free.

The UI (dictionary editor, "Pronounce as…") and the render path build on these names; keep
them stable. Account sync lives in :mod:`studio.core.pronunciation.sync`.
"""

from studio.core.pronunciation.attached import (
    ProjectPronunciation, check_count, is_pls, load_dictionary, resolve, save_dictionary)
from studio.core.pronunciation.context import Pronunciation
from studio.core.pronunciation.errors import DictionaryError
from studio.core.pronunciation.matching import rewrites, takes_phonemes
from studio.core.pronunciation.plain import dump_plain, load_plain, parse_plain, plain_text
from studio.core.pronunciation.pls import PLS_NAMESPACE, dump_pls, load_pls, parse_pls, pls_bytes
from studio.core.pronunciation.rules import (
    AliasRule, PhonemeRule, PronunciationDictionary, Rule, rule_from_api, rules_signature)

__all__ = [
    "PLS_NAMESPACE", "AliasRule", "DictionaryError", "PhonemeRule", "ProjectPronunciation",
    "Pronunciation", "PronunciationDictionary", "Rule", "check_count", "dump_plain", "dump_pls", "is_pls",
    "load_dictionary",
    "load_plain", "load_pls", "parse_plain", "parse_pls", "plain_text", "pls_bytes", "resolve",
    "rewrites", "rule_from_api", "rules_signature", "save_dictionary", "takes_phonemes",
]
