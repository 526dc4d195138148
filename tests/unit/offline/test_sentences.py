"""The sentence splitter: exact tiling, abbreviations, CJK, long sentences."""

from __future__ import annotations

import pytest

from studio.offline.sentences import split_sentences


def texts(text: str, **kwargs: int) -> list[str]:
    sentences = split_sentences(text, **kwargs)
    assert "".join(s.text for s in sentences) == text
    for sentence in sentences:
        assert text[sentence.start : sentence.end] == sentence.text
    for a, b in zip(sentences, sentences[1:]):
        assert a.end == b.start
    return [s.text for s in sentences]


def test_titles_and_initials_do_not_end_a_sentence() -> None:
    assert texts("Dr. Smith met Mr. Jones and J. R. R. Tolkien. Then they left.") == [
        "Dr. Smith met Mr. Jones and J. R. R. Tolkien. ",
        "Then they left.",
    ]


def test_terminators_closing_quotes_and_whitespace_stay_with_their_sentence() -> None:
    assert texts('He said "Stop!"  She ran? Yes...\n\nNext line') == [
        'He said "Stop!"  ',
        "She ran? ",
        "Yes...\n\n",
        "Next line",
    ]


def test_decimal_numbers_and_urls_are_not_cut() -> None:
    assert texts("It costs 3.50 dollars at example.com today. Bye.") == [
        "It costs 3.50 dollars at example.com today. ",
        "Bye.",
    ]


def test_cjk_full_stops_end_sentences_without_spaces() -> None:
    assert texts("你好。世界！ok") == ["你好。", "世界！", "ok"]


def test_pieces_without_speech_join_a_neighbour() -> None:
    assert texts("... Hello. --- ") == ["... Hello. --- "]
    assert texts("!!! ???") == ["!!! ???"]


def test_long_sentences_are_cut_at_a_clause_or_a_space() -> None:
    text = ("word " * 15).strip() + ", " + ("more " * 200).strip() + "."
    pieces = texts(text, max_chars=120)
    assert all(len(p) <= 120 for p in pieces)
    assert pieces[0].endswith(", ")  # cut after the comma, not mid-clause
    assert pieces[1].startswith("more")


def test_first_piece_can_be_shorter_than_the_rest() -> None:
    text = "This opening sentence rambles on, and on, and on for quite a while before it ends. Short."
    pieces = texts(text, first_max_chars=40)
    assert len(pieces[0]) <= 40
    assert pieces[-1] == "Short."


@pytest.mark.parametrize("text,expected", [
    ("She got an a. Then it rained.", ["She got an a. ", "Then it rained."]),
    ("Approx. ten minutes passed. Then it rained.", ["Approx. ten minutes passed. ", "Then it rained."]),
    ("So did I. Then she said no. No. 5 won.", ["So did I. ", "Then she said no. ", "No. 5 won."]),
])
def test_sentences_follow_the_shared_rule(text: str, expected: list[str]) -> None:
    assert texts(text) == expected


def test_pieces_with_only_symbols_join_a_neighbour() -> None:
    # "♥" has nothing to speak (studio.text_rules); a lone "€" does ("euros").
    assert texts("Hello there. ♥. Then.") == ["Hello there. ♥. ", "Then."]
    assert texts("It costs. €. Then.") == ["It costs. ", "€. ", "Then."]


def test_empty_text_has_no_sentences() -> None:
    assert split_sentences("") == []


def test_a_forced_cut_never_leaves_a_leaning_word_dangling() -> None:
    text = "Once upon a time in a land far away there lived a very old king who had three daughters."
    first = texts(text, first_max_chars=50)[0]
    assert first == "Once upon a time in a land far away there lived "
