"""Writing out numbers and abbreviations for normalized_alignment."""

from __future__ import annotations

import pytest

from studio.offline.normalize import cardinal, normalize_span, ordinal


@pytest.mark.parametrize(
    "number,words",
    [(0, "zero"), (7, "seven"), (42, "forty-two"), (100, "one hundred"), (1200, "one thousand two hundred"),
     (2_000_017, "two million seventeen")],
)
def test_cardinal(number: int, words: str) -> None:
    assert cardinal(number) == words


@pytest.mark.parametrize("number,words", [(1, "first"), (22, "twenty-second"), (30, "thirtieth"), (105, "one hundred fifth")])
def test_ordinal(number: int, words: str) -> None:
    assert ordinal(number) == words


@pytest.mark.parametrize(
    "text,spoken",
    [
        ("$1,200", "one thousand two hundred dollars"),
        ("$3.50", "three dollars and fifty cents"),
        ("2.5%", "two point five percent"),
        ("3/4", "three slash four"),
        ("Dr.", "doctor"),
        ("1999", "nineteen ninety-nine"),
        ("Tom & Jerry", "Tom and Jerry"),
        ("didn't", "didn't"),
        ("😀", "grinning face"),
    ],
)
def test_normalize_span(text: str, spoken: str) -> None:
    assert normalize_span(text) == spoken
