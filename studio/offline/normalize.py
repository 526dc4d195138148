"""Write out what a span of text sounds like: "$1,200" → "one thousand two hundred dollars".

Only for ``normalized_alignment`` (the text as spoken): Piper/espeak do their own reading of
numbers and abbreviations, and espeak's word events tell us *when* each group of characters
was spoken but not *which words* it said. This module gives a readable English rendering of
the common cases (numbers, money, percentages, ordinals, common abbreviations, symbols);
anything else is passed through unchanged. It never affects the audio.
"""

from __future__ import annotations

import re
import unicodedata

_ONES = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen"
).split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
_SCALES = ["", "thousand", "million", "billion", "trillion"]
_ORDINAL_WORDS = {
    "one": "first", "two": "second", "three": "third", "five": "fifth", "eight": "eighth",
    "nine": "ninth", "twelve": "twelfth",
}
ABBREVIATIONS = {
    "dr.": "doctor", "mr.": "mister", "mrs.": "missus", "ms.": "miz", "prof.": "professor",
    "st.": "saint", "jr.": "junior", "sr.": "senior", "vs.": "versus", "etc.": "et cetera",
    "e.g.": "for example", "i.e.": "that is", "no.": "number", "mt.": "mount", "ft.": "feet",
    "approx.": "approximately", "dept.": "department", "&": "and", "%": "percent",
    "+": "plus", "=": "equals", "@": "at", "/": "slash", "#": "number",
}
_CURRENCIES = {"$": ("dollar", "dollars", "cent", "cents"), "£": ("pound", "pounds", "penny", "pence"),
               "€": ("euro", "euros", "cent", "cents")}
_NUMBER = re.compile(r"^(?P<cur>[$£€])?(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<frac>\d+))?(?P<suffix>%|st|nd|rd|th)?$")


def _under_thousand(n: int) -> list[str]:
    words: list[str] = []
    if n >= 100:
        words += [_ONES[n // 100], "hundred"]
        n %= 100
    if n >= 20:
        words.append(_TENS[n // 10] + (f"-{_ONES[n % 10]}" if n % 10 else ""))
    elif n or not words:
        words.append(_ONES[n])
    return words


def cardinal(n: int) -> str:
    """English words for a whole number (below 10**15), e.g. 1200 → "one thousand two hundred"."""
    if n == 0:
        return "zero"
    if n < 0:
        return "minus " + cardinal(-n)
    groups: list[str] = []
    scale = 0
    while n and scale < len(_SCALES):
        n, part = divmod(n, 1000)
        if part:
            groups.insert(0, " ".join(_under_thousand(part) + ([_SCALES[scale]] if _SCALES[scale] else [])))
        scale += 1
    if n:  # beyond trillions: read the digits
        return " ".join(_ONES[int(d)] for d in str(n)) + " " + " ".join(groups)
    return " ".join(groups)


def ordinal(n: int) -> str:
    words = cardinal(n)
    head, _, last = words.rpartition(" ")
    base, hyphen, unit = last.rpartition("-")
    target = unit if hyphen else last
    if target in _ORDINAL_WORDS:
        target = _ORDINAL_WORDS[target]
    elif target.endswith("y"):
        target = target[:-1] + "ieth"
    else:
        target += "th"
    last = f"{base}-{target}" if hyphen else target
    return f"{head} {last}".strip()


def _year(n: int) -> str | None:
    if 1100 <= n <= 1999:  # espeak reads 2021 as "two thousand twenty one"
        high, low = divmod(n, 100)
        if low == 0:
            return f"{cardinal(high)} hundred"
        return f"{cardinal(high)} {'oh ' if low < 10 else ''}{cardinal(low)}"
    return None


def _number(token: str) -> str | None:
    match = _NUMBER.match(token)
    if not match:
        return None
    digits = match.group("int").replace(",", "")
    value = int(digits)
    frac = match.group("frac")
    suffix = match.group("suffix")
    currency = match.group("cur")
    if currency:
        one, many, sub_one, sub_many = _CURRENCIES[currency]
        words = f"{cardinal(value)} {one if value == 1 else many}"
        if frac:
            cents = int((frac + "0")[:2])
            if cents:
                words += f" and {cardinal(cents)} {sub_one if cents == 1 else sub_many}"
        return words
    if suffix in ("st", "nd", "rd", "th"):
        return ordinal(value)
    if frac is None and "," not in match.group("int") and len(digits) == 4 and suffix is None:
        year = _year(value)
        if year:
            return year
    words = cardinal(value)
    if frac:
        words += " point " + " ".join(_ONES[int(d)] for d in frac)
    if suffix == "%":
        words += " percent"
    return words


_TOKEN = re.compile(r"[$£€]?\d[\d,]*(?:\.\d+)?(?:%|st|nd|rd|th)?|[A-Za-z]+\.(?:[A-Za-z]+\.)*|[&%+=@/#]")


def normalize_span(text: str) -> str:
    """``text`` with numbers, money and known abbreviations written out as words."""

    def replace(match: re.Match[str]) -> str:
        token = match.group(0)
        spoken = _number(token)
        if spoken is not None:
            return spoken
        # "1," inside "1,200" can reach here as a fragment: keep the comma out of the way.
        lowered = token.lower()
        if lowered in ABBREVIATIONS:
            return ABBREVIATIONS[lowered]
        stripped = token.rstrip(",")
        if stripped != token:
            spoken = _number(stripped)
            if spoken is not None:
                return spoken + token[len(stripped):]
        return token

    marked = _TOKEN.sub(lambda match: f"\0{replace(match)}\0", text)

    def join(match: re.Match[str]) -> str:
        # A written-out token needs a space where it touches another word ("3/4" → "three slash four").
        before = marked[match.start() - 1] if match.start() > 0 else " "
        after = marked[match.end()] if match.end() < len(marked) else " "
        return " " if before.isalnum() and after.isalnum() else ""

    return _name_symbols(re.sub("\0+", join, marked))


def _name_symbols(text: str) -> str:
    """Emoji and other pictographs by their Unicode names ("😀" → "grinning face")."""
    if text.isascii():
        return text
    out: list[str] = []
    for char in text:
        category = unicodedata.category(char)
        if char in "\u200d\ufe0f\ufe0e":
            continue  # joiners and emoji presentation selectors are not spoken
        if category == "So":
            name = unicodedata.name(char, "").lower()
            if name:
                if out and out[-1] not in " ":
                    out.append(" ")
                out.append(name)
                continue
        out.append(char)
    return "".join(out)
