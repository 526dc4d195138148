"""The studio's one set of text rules: sentence ends, clause ends, "anything to speak".

Each consumer pins the same cases with its own test (segmenter, offline sentences and
engine, server, subtitles); this file pins the rules themselves.
"""

from __future__ import annotations

import pytest

from studio.text_rules import clause_ends, ends_clause, ends_sentence, is_speakable, sentence_ends


def _sentences(text: str) -> list[str]:
    cuts = [0, *sentence_ends(text), len(text)]
    return [text[a:b].strip() for a, b in zip(cuts, cuts[1:]) if text[a:b].strip()]


@pytest.mark.parametrize("text,expected", [
    ("She got an a. Then it rained.", ["She got an a.", "Then it rained."]),
    ("Approx. ten minutes passed. Then it rained.", ["Approx. ten minutes passed.", "Then it rained."]),
    ("Dr. Smith met Mr. Jones and J. R. R. Tolkien. Then they left.",
     ["Dr. Smith met Mr. Jones and J. R. R. Tolkien.", "Then they left."]),
    ("So did I. Then we left.", ["So did I.", "Then we left."]),
    ("She said no. Then she left.", ["She said no.", "Then she left."]),
    ("See No. 5 and fig. 3 on p. 2, e.g. here.", ["See No. 5 and fig. 3 on p. 2, e.g. here."]),
    ("We sat in the sun. Then it rained.", ["We sat in the sun.", "Then it rained."]),
    ("It costs 3.50 at example.com today. Bye.", ["It costs 3.50 at example.com today.", "Bye."]),
    ('He said "Stop!" She ran? Yes... Done', ['He said "Stop!"', "She ran?", "Yes...", "Done"]),
    ("Heading\nA line of text", ["Heading", "A line of text"]),
    ("你好。世界！ok", ["你好。", "世界！", "ok"]),
    ("In the U.S. today. Next.", ["In the U.S. today.", "Next."]),
])
def test_sentence_ends(text: str, expected: list[str]) -> None:
    assert _sentences(text) == expected


def test_sentence_ends_within_a_span_only() -> None:
    text = "One. Two. Three. Four."
    assert sentence_ends(text, 5, 16) == [9]  # "Two. Three." : the cut after "Two."
    assert all(5 < cut < 16 for cut in sentence_ends(text, 5, 16))


def test_clause_ends() -> None:
    text = "First, second; third: fourth — fifth - sixth–seventh well-known"
    pieces = [text[a:b] for a, b in zip([0, *clause_ends(text)], [*clause_ends(text), len(text)])]
    assert [p.strip() for p in pieces] == [
        "First,", "second;", "third:", "fourth —", "fifth -", "sixth–", "seventh well-known"
    ]


@pytest.mark.parametrize("before,after,expected", [
    ("said.", "Then", True), ('Stop!"', "", True), ("Dr.", "Watson", False), ("approx.", "ten", False),
    ("a.", "Then", True), ("No.", "5", False), ("no.", "Then", True), ("word", "", False), ("Yes...", "", True),
])
def test_ends_sentence_word_by_word(before: str, after: str, expected: bool) -> None:
    assert ends_sentence(before, after) is expected


def test_ends_clause_word_by_word() -> None:
    assert ends_clause("well,") and ends_clause("so—") and ends_clause('this;"') and ends_clause("-")
    assert not ends_clause("word") and not ends_clause("said.")


@pytest.mark.parametrize("text,expected", [
    ("abc", True), ("42", True), ("²", True), ("你好", True), ("€", True), ("$", True), ("£", True),
    ("♥", False), ("😀", False), ("👨‍👩‍👧‍👦", False), ("* * *", False), ("… — !!!", False), ("→", False),
    ("", False), (" \n\t", False), ("\u200b\x00", False),
])
def test_is_speakable(text: str, expected: bool) -> None:
    assert is_speakable(text) is expected
