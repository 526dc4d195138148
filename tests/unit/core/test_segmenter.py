"""Segmenting: any length, natural seams, exact offsets, never inside a word."""

from __future__ import annotations

import random

import pytest

from studio.api.models import Model
from studio.core.segmenter import (
    DEFAULT_CHARACTER_LIMIT,
    is_speakable,
    split_script,
)

WORDS = "the quick brown fox jumps over a lazy dog while Dr. Smith, e.g. Mr. Jones, said: well; yes — no".split()


def _random_script(length: int, seed: int = 7) -> str:
    rng = random.Random(seed)
    paragraphs: list[str] = []
    total = 0
    while total < length:
        sentences = []
        for _ in range(rng.randint(1, 50)):
            words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 60)))
            sentences.append(words.capitalize() + rng.choice([".", "!", "?", "…", ".”", "?!"]))
        paragraph = " ".join(sentences)
        if rng.random() < 0.05:
            paragraph = " ".join(["word"] * rng.randint(400, 900))  # a run-on with no punctuation
        paragraphs.append(paragraph)
        total += len(paragraph)
    separators = ["\n\n", "\n \n", "\r\n\r\n", "\n\n\n  "]
    return "".join(p + rng.choice(separators) for p in paragraphs)


def _check_invariants(script: str, limit: int) -> None:
    segments = split_script(script, limit)
    covered = bytearray(len(script))
    for index, segment in enumerate(segments):
        assert segment.index == index
        assert script[segment.start : segment.end] == segment.text
        assert 0 < len(segment.text) <= limit
        assert not segment.text[0].isspace() and not segment.text[-1].isspace()
        # Never inside a word: the characters either side of a cut are not both word characters.
        if segment.start > 0:
            assert not (script[segment.start - 1].isalnum() and script[segment.start].isalnum())
        if segment.end < len(script):
            assert not (script[segment.end - 1].isalnum() and script[segment.end].isalnum())
        covered[segment.start : segment.end] = b"\x01" * (segment.end - segment.start)
    assert all(covered[i] or script[i].isspace() for i in range(len(script)))
    starts = [s.start for s in segments]
    assert starts == sorted(starts)
    assert all(a.end <= b.start for a, b in zip(segments, segments[1:]))


@pytest.mark.parametrize("limit", [120, 1000, 5000, 40000])
def test_200k_character_script_splits_exactly(limit: int) -> None:
    script = _random_script(200_000)
    assert len(script) >= 200_000
    _check_invariants(script, limit)


def test_paragraphs_are_never_joined_and_are_numbered() -> None:
    script = "First paragraph here.\n\nSecond one.\n   \n\nThird."
    segments = split_script(script, 1000)
    assert [s.text for s in segments] == ["First paragraph here.", "Second one.", "Third."]
    assert [s.paragraph_index for s in segments] == [0, 1, 2]


def test_single_newline_does_not_break_a_paragraph() -> None:
    segments = split_script("A line\nwrapped by hand.", 1000)
    assert [s.text for s in segments] == ["A line\nwrapped by hand."]


def test_sentences_are_preferred_over_clauses_and_words() -> None:
    script = "One two three, four five. Six seven, eight nine ten. Eleven."
    segments = split_script(script, 30)
    assert [s.text for s in segments] == ["One two three, four five.", "Six seven, eight nine ten.", "Eleven."]


def test_abbreviations_do_not_end_a_sentence() -> None:
    script = "Dr. Smith met Mr. Jones at noon. Then they left."
    texts = [s.text for s in split_script(script, 35)]
    assert texts == ["Dr. Smith met Mr. Jones at noon.", "Then they left."]


def test_a_long_sentence_splits_at_clauses() -> None:
    script = "alpha beta gamma, delta epsilon zeta; eta theta iota: kappa lambda"
    texts = [s.text for s in split_script(script, 40)]
    assert texts == ["alpha beta gamma, delta epsilon zeta;", "eta theta iota: kappa lambda"]


def test_a_long_clause_splits_between_words() -> None:
    script = " ".join(["word"] * 50)
    segments = split_script(script, 23)
    assert all(s.text.replace("word", "").strip() == "" or set(s.text.split()) == {"word"} for s in segments)
    assert all(len(s) <= 23 for s in segments)
    _check_invariants(script, 23)


def test_a_word_longer_than_the_limit_is_split_because_it_must() -> None:
    script = "short " + "x" * 25 + " end"
    segments = split_script(script, 10)
    assert "".join(s.text for s in segments if "x" in s.text) == "x" * 25
    assert all(len(s) <= 10 for s in segments)


def test_empty_and_whitespace_scripts_give_nothing() -> None:
    assert split_script("", 100) == []
    assert split_script(" \n\n\t ", 100) == []


def test_speakable() -> None:
    assert is_speakable("Hello.")
    assert is_speakable("42")
    assert not is_speakable("… — !!! * * *")
    # The studio's one rule (studio.text_rules), as the offline engine and the server apply it.
    assert is_speakable("€")
    assert not is_speakable("♥")


def test_sentence_cuts_follow_the_shared_rule() -> None:
    # A lone lower-case letter is not an initial: the sentence ends there.
    script = "She got an a. Then it rained."
    assert [s.text for s in split_script(script, 20)] == ["She got an a.", "Then it rained."]
    _check_invariants(script, 20)
    # "Approx." is an abbreviation: no request ends on it as if the sentence were over.
    script = "Approx. ten minutes later it rained."
    segments = split_script(script, 30)
    assert all(not s.text.endswith("Approx.") for s in segments)
    _check_invariants(script, 30)


def test_real_2023_models_response_limits(data_dir) -> None:  # type: ignore[no-untyped-def]
    import json

    payload = json.loads((data_dir / "api_samples" / "models_v1_real_2023.json").read_text())
    models = {m["model_id"]: Model.model_validate(m) for m in payload["models"]}
    v1 = models["eleven_monolingual_v1"]
    # The one place that reads a model's limits: the render plan's capabilities.
    from studio.core.script import Capabilities

    assert Capabilities("elevenlabs", v1.model_id, v1, "creator").request_limit() == 5000
    assert Capabilities("elevenlabs", v1.model_id, v1, "free").request_limit() == 2500
