"""The pronunciation model: rules, dictionaries, PLS and plain-text files (issue 12, points 2 and 7)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from studio.core.pronunciation import (
    AliasRule, DictionaryError, PhonemeRule, PronunciationDictionary, dump_plain, dump_pls,
    load_plain, load_pls, parse_plain, parse_pls, rule_from_api)

DATA = Path(__file__).resolve().parents[3] / "data" / "pronunciation"
REAL_PLS = DATA / "elevenlabs_style.pls"


def test_real_pls_file_reads_alias_and_phoneme_lexemes() -> None:
    dictionary = load_pls(REAL_PLS)
    assert [r.grapheme for r in dictionary.rules] == [
        "tomato", "Tomato", "Claughton", "UN", "Nguyen", "Thailand", "Madison"]
    assert dictionary.rule_for("Nguyen") == AliasRule("Nguyen", "win")
    assert dictionary.rule_for("tomato") == PhonemeRule("tomato", "/tə'meɪtoʊ/", "ipa")
    assert dictionary.rule_for("Madison") == PhonemeRule("Madison", "M AE1 D IH0 S AH0 N", "cmu")
    assert dictionary.name == "elevenlabs_style"


def test_pls_round_trip_keeps_every_rule_and_flag(tmp_path: Path) -> None:
    original = load_pls(REAL_PLS).with_rule(AliasRule("gif", "jif", case_sensitive=False, word_boundaries=False))
    written = dump_pls(original, tmp_path / "out.pls")
    again = load_pls(written)
    assert again.rules == original.rules
    assert again.content_version == original.content_version
    # and a second trip writes the same bytes
    dump_pls(again, tmp_path / "out2.pls")
    assert (tmp_path / "out2.pls").read_bytes() == written.read_bytes()
    assert b'xmlns="http://www.w3.org/2005/01/pronunciation-lexicon"' in written.read_bytes()


def test_plain_text_round_trip(tmp_path: Path) -> None:
    text = "# names\nNguyen = win   # the family name\n\nThailand = ipa: /ˈtaɪ.lænd/\nMadison = cmu: M AE1 D IH0 S AH0 N\n"
    dictionary = parse_plain(text)
    assert dictionary.rules == (AliasRule("Nguyen", "win"), PhonemeRule("Thailand", "/ˈtaɪ.lænd/", "ipa"),
                                PhonemeRule("Madison", "M AE1 D IH0 S AH0 N", "cmu"))
    path = dump_plain(dictionary, tmp_path / "words.txt")
    assert load_plain(path).rules == dictionary.rules


def test_content_version_follows_rules_not_name() -> None:
    a = PronunciationDictionary("d", "A", (AliasRule("Nguyen", "win"),))
    assert a.renamed("B").content_version == a.content_version
    assert a.with_rule(AliasRule("Nguyen", "nwin")).content_version != a.content_version
    assert a.with_rule(AliasRule("Nguyen", "nwin")).rules == (AliasRule("Nguyen", "nwin"),)  # replaced in place
    assert a.with_rule(AliasRule("Lê", "lay")).without("Lê").content_version == a.content_version
    assert a.without("absent") == a


def test_api_form_round_trip() -> None:
    for rule in (AliasRule("UN", "United Nations", case_sensitive=False),
                 PhonemeRule("Madison", "M AE1 D IH0 S AH0 N", "cmu", word_boundaries=False)):
        assert rule_from_api(rule.to_api()) == rule
    assert PhonemeRule("x", "M AE1", "cmu").to_api()["alphabet"] == "cmu-arpabet"


# --- point 7: bad input names the rule or line and the remedy -------------------------------

def test_malformed_pls_names_the_line(tmp_path: Path) -> None:
    broken = tmp_path / "broken.pls"
    lines = REAL_PLS.read_text(encoding="utf-8").splitlines()
    lines[11] = "    <grapheme>Tomato</graphme>"  # line 12: mismatched tag
    broken.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(DictionaryError) as caught:
        load_pls(broken)
    assert caught.value.line == 12
    assert "“broken.pls”, line 12" in str(caught.value) and "not well-formed" in str(caught.value)
    assert caught.value.remedy


def test_bad_lexeme_in_wellformed_pls_names_its_line() -> None:
    data = REAL_PLS.read_bytes().replace(b"<alias>win</alias>", b"<alias> </alias>")
    with pytest.raises(DictionaryError) as caught:
        parse_pls(data, "“x.pls”")
    assert caught.value.line == 25 and "Nguyen" in str(caught.value) and "alias" in str(caught.value)


def test_pls_with_entities_is_refused() -> None:
    evil = (b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
            b'<lexicon xmlns="http://www.w3.org/2005/01/pronunciation-lexicon"><lexeme><grapheme>a</grapheme>'
            b'<alias>&e;</alias></lexeme></lexicon>')
    with pytest.raises(DictionaryError, match="entities"):
        parse_pls(evil)


def test_not_a_lexicon() -> None:
    with pytest.raises(DictionaryError, match="not a PLS lexicon"):
        parse_pls(b"<html><body/></html>")


@pytest.mark.parametrize("make", [lambda: AliasRule("", "x"), lambda: AliasRule("   ", "x"),
                                  lambda: AliasRule("Nguyen", ""), lambda: PhonemeRule("Nguyen", "", "ipa")])
def test_empty_rule_is_refused_with_a_remedy(make) -> None:
    with pytest.raises(DictionaryError) as caught:
        make()
    assert caught.value.remedy


def test_ipa_the_alphabet_rejects_names_rule_and_characters() -> None:
    with pytest.raises(DictionaryError) as caught:
        PhonemeRule("Madison", "M AE1 D IH0 S AH0 N", "ipa")
    message = str(caught.value)
    assert "Madison" in message and "“M”" in message and "“1”" in message and "CMU" in message
    PhonemeRule("Nguyen", "/ŋwiən/", "ipa")  # real IPA with combining marks is fine
    PhonemeRule("naïve", "naˈiːv", "ipa")


def test_cmu_rejects_non_arpabet_symbols() -> None:
    with pytest.raises(DictionaryError, match="“Q”.*|.*“AE5”"):
        PhonemeRule("x", "Q AE5", "cmu")
    with pytest.raises(DictionaryError, match="ARPAbet"):
        PhonemeRule("Thailand", "ˈtaɪ.lænd", "cmu")


def test_plain_text_errors_name_the_line() -> None:
    with pytest.raises(DictionaryError) as caught:
        parse_plain("Nguyen = win\nThailand\n", "“w.txt”")
    assert caught.value.line == 2 and "“w.txt”, line 2" in str(caught.value) and "=" in caught.value.remedy
    with pytest.raises(DictionaryError) as caught:
        parse_plain("Nguyen = win\n\nNguyen = nwin\n", "“w.txt”")
    assert caught.value.line == 3 and "line 1" in str(caught.value)
    with pytest.raises(DictionaryError, match="line 1.*not IPA"):
        parse_plain("Nguyen = ipa: W IH1 N\n", "“w.txt”")


def test_duplicate_grapheme_in_a_dictionary_is_refused() -> None:
    with pytest.raises(DictionaryError, match="two rules"):
        PronunciationDictionary("d", "D", (AliasRule("a", "b"), AliasRule("a", "c")))


def test_copied_file_keeps_its_own_id(tmp_path: Path) -> None:
    copy = tmp_path / "copy.pls"
    shutil.copy(REAL_PLS, copy)
    assert load_pls(copy).id != load_pls(REAL_PLS).id
    assert load_pls(copy).content_version == load_pls(REAL_PLS).content_version


def test_save_and_load_by_suffix(tmp_path: Path) -> None:
    from studio.core.pronunciation import load_dictionary, save_dictionary

    dictionary = load_pls(REAL_PLS)
    for name in ("shared.pls", "shared.XML", "shared.txt"):
        assert load_dictionary(save_dictionary(dictionary, tmp_path / name)).rules == dictionary.rules
    assert (tmp_path / "shared.txt").read_text(encoding="utf-8").startswith("#")
    assert (tmp_path / "shared.pls").read_bytes().startswith(b"<?xml")
