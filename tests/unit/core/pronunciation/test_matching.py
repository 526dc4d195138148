"""Where rules apply: longest match, dictionary order, case and word boundaries (issue 12, point 3/4)."""

from __future__ import annotations

from studio.core.pronunciation import AliasRule, PhonemeRule, PronunciationDictionary, rewrites
from studio.core.script.capabilities import Capabilities

PHONEMES = Capabilities("elevenlabs", "eleven_flash_v2")
NO_PHONEMES = Capabilities("elevenlabs", "eleven_multilingual_v2")


def _d(*rules, id="d") -> PronunciationDictionary:
    return PronunciationDictionary(id, id, tuple(rules))


def spans(text, found):
    return [(text[r.start:r.end], r.replacement) for r in found]


def test_alias_rule_matches_whole_words_only() -> None:
    text = "Mr Nguyen met the Nguyens and NGUYEN."
    found = rewrites(text, [_d(AliasRule("Nguyen", "win"))])
    assert spans(text, found) == [("Nguyen", "win")]
    assert (found[0].start, found[0].end) == (3, 9)


def test_case_insensitive_and_no_boundaries() -> None:
    text = "NGUYEN and nguyen; ABCxyz"
    found = rewrites(text, [_d(AliasRule("nguyen", "win", case_sensitive=False),
                               AliasRule("xyz", "ex why zed", word_boundaries=False))])
    assert spans(text, found) == [("NGUYEN", "win"), ("nguyen", "win"), ("xyz", "ex why zed")]


def test_longest_match_wins_then_dictionary_order() -> None:
    text = "New York is new."
    first = _d(AliasRule("New", "Noo"), id="a")
    second = _d(AliasRule("New York", "Noo Yawk"), AliasRule("new", "nyoo"), id="b")
    assert spans(text, rewrites(text, [first, second])) == [("New York", "Noo Yawk"), ("new", "nyoo")]
    same = _d(AliasRule("York", "Yak"), id="c")
    later = _d(AliasRule("York", "Yoke"), id="e")
    assert spans(text, rewrites(text, [later, same])) == [("York", "Yoke")]
    assert spans(text, rewrites(text, [same, later])) == [("York", "Yak")]


def test_replacement_is_not_matched_again() -> None:
    text = "a b"
    assert spans(text, rewrites(text, [_d(AliasRule("a", "b"), AliasRule("b", "c"))])) == [("a", "b"), ("b", "c")]


def test_phoneme_rules_only_where_the_model_takes_them() -> None:
    text = "Visit Thailand."
    rules = [_d(PhonemeRule("Thailand", "ˈtaɪ.lænd", "ipa"))]
    assert rewrites(text, rules, capabilities=None) == []
    assert rewrites(text, rules, capabilities=NO_PHONEMES) == []
    assert rewrites(text, rules, capabilities=Capabilities("offline", "offline")) == []
    found = rewrites(text, rules, capabilities=PHONEMES)
    assert spans(text, found) == [("Thailand", '<phoneme alphabet="ipa" ph="ˈtaɪ.lænd">Thailand</phoneme>')]


def test_rule_id_changes_with_the_rule() -> None:
    text = "Nguyen"
    one = rewrites(text, [_d(AliasRule("Nguyen", "win"))])[0].rule_id
    assert one == rewrites(text, [_d(AliasRule("Nguyen", "win"), id="other")])[0].rule_id
    assert one != rewrites(text, [_d(AliasRule("Nguyen", "nwin"))])[0].rule_id


def test_boundaries_after_a_match_inside_a_word_and_unicode_case() -> None:
    text = "xa-a-a and Ärger, ÄRGER."
    found = rewrites(text, [_d(AliasRule("a-a", "ay"), AliasRule("ärger", "air gear", case_sensitive=False))])
    # "a-a" at 1 is inside "xa…"; the next one, at 3, starts after "-" and is a whole word.
    assert [(r.start, r.end) for r in found][:1] == [(3, 6)]
    assert spans(text, found)[1:] == [("Ärger", "air gear"), ("ÄRGER", "air gear")]
