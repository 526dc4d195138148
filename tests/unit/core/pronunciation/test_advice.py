"""Phoneme rules on a model that cannot use them: the studio says so and offers an alias (point 3)."""

from __future__ import annotations

from studio.core.pronunciation import AliasRule, PhonemeRule, PronunciationDictionary
from studio.core.pronunciation.advice import phoneme_advice, respell
from studio.core.script.capabilities import Capabilities

PLACES = PronunciationDictionary("d", "Places", (
    AliasRule("Nguyen", "win"), PhonemeRule("Thailand", "ˈtaɪ.lænd", "ipa"),
    PhonemeRule("Madison", "M AE1 D IH0 S AH0 N", "cmu", case_sensitive=False)))


def test_model_without_phoneme_rules_gets_advice_with_an_alias() -> None:
    advice = phoneme_advice([PLACES], Capabilities("elevenlabs", "eleven_multilingual_v2"), "Eleven Multilingual v2")
    assert [a.rule.grapheme for a in advice] == ["Thailand", "Madison"]
    first = advice[0]
    assert "Eleven Multilingual v2 cannot use phoneme rules" in first.message
    assert "“Thailand”" in first.message and "alias" in first.message and "Places" in first.message
    assert first.alias == AliasRule("Thailand", "teye land")
    assert advice[1].alias.case_sensitive is False  # the flags carry over
    assert phoneme_advice([PLACES], Capabilities("offline", "offline_piper"))  # offline voice: advice too


def test_model_with_phoneme_rules_needs_no_advice() -> None:
    assert phoneme_advice([PLACES], Capabilities("elevenlabs", "eleven_flash_v2")) == []
    assert phoneme_advice([PLACES], Capabilities("elevenlabs", "eleven_turbo_v2")) == []


def test_respelling_is_rough_english() -> None:
    assert respell(PhonemeRule("Madison", "M AE1 D IH0 S AH0 N", "cmu")) == "mad is uhn"
    assert respell(PhonemeRule("tomato", "/tə'meɪtoʊ/", "ipa")) == "tuh maytoh"
