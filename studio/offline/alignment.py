"""Map Piper's per-phoneme durations back to the characters of the text.

The pieces, each testable on synthetic data:

1. :func:`phoneme_ids_with_owners` — Piper's id layout (``^ _ p1 _ p2 _ … $``) with, for
   each id, the phoneme it belongs to, so the model's per-id sample counts become
   per-phoneme sample ranges.
2. :func:`map_phonemes_to_words` — a sequence alignment between espeak-ng's word events
   (each word with its phonemes) and Piper's phoneme stream (the same espeak, asked a
   different way), giving each Piper phoneme the word it belongs to.
3. :func:`spans_for_text` — words with times become groups of characters (words that overlap
   in the text, as "$1,200" → "one thousand two hundred dollars" does, merge into one group
   that spans the whole time); characters between groups (spaces, punctuation, unspoken
   symbols) share the pauses between them. The spans tile the text, so every character gets
   a time, and times never go backwards.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from studio.offline.espeak_events import WordEvent

BOS, EOS, PAD = "^", "$", "_"
LEAD = -1  # owner of the ids before the first phoneme (BOS + pad): leading silence
TAIL = -2  # owner of EOS: trailing silence
# Piper phonemes that separate words rather than being spoken sounds.
SEPARATORS = frozenset(" .,!?;:-…—'\"()")


@dataclass
class TimedSpan:
    """Characters ``text[start:end]`` spoken (or, if not ``spoken``, passed over) in [t0, t1] s."""

    start: int
    end: int
    t0: float
    t1: float
    spoken: bool


def phoneme_ids_with_owners(
    phonemes: Sequence[str], id_map: Mapping[str, Sequence[int]]
) -> tuple[list[int], list[int]]:
    """Piper's phoneme ids for ``phonemes`` and, per id, the index of its phoneme.

    Mirrors ``piper.phoneme_ids.phonemes_to_ids`` (phonemes missing from the map are
    dropped, as Piper does), but keeps track of who owns each id.
    """
    ids: list[int] = []
    owners: list[int] = []
    pad = list(id_map[PAD])
    ids.extend(id_map[BOS])
    ids.extend(pad)
    owners.extend([LEAD] * (len(ids)))
    for index, phoneme in enumerate(phonemes):
        mapped = id_map.get(phoneme)
        if mapped is None:
            continue
        ids.extend(mapped)
        ids.extend(pad)
        owners.extend([index] * (len(mapped) + len(pad)))
    eos = list(id_map[EOS])
    ids.extend(eos)
    owners.extend([TAIL] * len(eos))
    return ids, owners


def phoneme_sample_ranges(
    owners: Sequence[int], id_samples: Sequence[int], phoneme_count: int
) -> tuple[list[tuple[int, int] | None], int, int]:
    """Per phoneme ``(first_sample, end_sample)`` (None if it produced no id), lead end, total."""
    ranges: list[tuple[int, int] | None] = [None] * phoneme_count
    position = 0
    lead_end = 0
    for owner, count in zip(owners, id_samples):
        count = int(count)
        if owner >= 0:
            current = ranges[owner]
            ranges[owner] = (position if current is None else current[0], position + count)
        elif owner == LEAD:
            lead_end = position + count
        position += count
    return ranges, lead_end, position


def map_phonemes_to_words(phonemes: Sequence[str], words: Sequence[WordEvent]) -> list[int]:
    """For each Piper phoneme, the index of the espeak word it belongs to (or -1)."""
    word_chars: list[str] = []
    word_owner: list[int] = []
    for index, word in enumerate(words):
        for char in word.phonemes:
            word_chars.append(char)
            word_owner.append(index)
    piper_chars: list[str] = []
    piper_owner: list[int] = []
    for index, phoneme in enumerate(phonemes):
        for char in unicodedata.normalize("NFD", phoneme):
            piper_chars.append(char)
            piper_owner.append(index)
    result = [-1] * len(phonemes)
    matcher = SequenceMatcher(None, "".join(word_chars), "".join(piper_chars), autojunk=False)
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            phoneme_index = piper_owner[block.b + k]
            if result[phoneme_index] == -1:
                result[phoneme_index] = word_owner[block.a + k]
    _fill_unmatched(phonemes, result)
    return result


def _fill_unmatched(phonemes: Sequence[str], result: list[int]) -> None:
    """Unmatched sounds inside a word take the word of their matched neighbour."""
    segment: list[int] = []

    def settle() -> None:
        known = [result[i] for i in segment if result[i] >= 0]
        if known:
            last = known[0]
            for i in segment:
                if result[i] >= 0:
                    last = result[i]
                else:
                    result[i] = last
        segment.clear()

    for index, phoneme in enumerate(phonemes):
        if phoneme in SEPARATORS:
            settle()
            continue
        segment.append(index)
    settle()


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char in "'’" or unicodedata.category(char) in ("Mn", "Mc")


def word_groups(
    text: str,
    words: Sequence[WordEvent],
    word_times: Mapping[int, tuple[float, float]],
    abbreviations: frozenset[str] = frozenset(),
) -> list[TimedSpan]:
    """Spoken groups: words with times, merged where they overlap in text or run out of order."""
    text_length = len(text)
    raw: list[TimedSpan] = []
    for index, word in enumerate(words):
        times = word_times.get(index)
        if times is None:
            continue
        start = min(word.start, text_length - 1) if text_length else 0
        end = min(max(word.start + word.length, start + 1), text_length)
        # espeak stops a word at an apostrophe ("didn" of "didn't"): take the rest too.
        while end < text_length and _is_word_char(text[end]) and _is_word_char(text[end - 1]):
            end += 1
        # An abbreviation's period was spoken as part of it ("Dr." → "doctor").
        if end < text_length and text[end] == "." and text[start:end].lower() in abbreviations:
            end += 1
        raw.append(TimedSpan(start, end, times[0], times[1], True))
    raw.sort(key=lambda span: (span.start, span.t0))
    groups: list[TimedSpan] = []
    for span in raw:
        if groups:
            last = groups[-1]
            # Overlapping or touching: one written token read as several words ("$1,200",
            # "3/4/2021", an emoji's name). The whole token spans the whole time.
            if span.start <= last.end:
                last.end = max(last.end, span.end)
                last.t0 = min(last.t0, span.t0)
                last.t1 = max(last.t1, span.t1)
                continue
        groups.append(TimedSpan(span.start, span.end, span.t0, span.t1, True))
    # Merging can make a group reach back over earlier ones' time: fold those in too.
    merged: list[TimedSpan] = []
    for group in groups:
        while merged and group.t0 < merged[-1].t1 - 1e-9:
            previous = merged.pop()
            group = TimedSpan(
                min(previous.start, group.start), max(previous.end, group.end),
                min(previous.t0, group.t0), max(previous.t1, group.t1), True,
            )
        merged.append(group)
    return merged


def spans_for_text(text_length: int, groups: Sequence[TimedSpan], lead: float, total: float) -> list[TimedSpan]:
    """Spans tiling ``[0, text_length)``: the spoken groups and the gaps between them."""
    if text_length == 0:
        return []
    if not groups:
        return [TimedSpan(0, text_length, lead, max(lead, total), True)]
    spans: list[TimedSpan] = []
    cursor_char = 0
    cursor_time = 0.0
    for group in groups:
        if group.start > cursor_char:
            spans.append(TimedSpan(cursor_char, group.start, cursor_time, max(cursor_time, group.t0), False))
        t0 = max(group.t0, cursor_time)
        spans.append(TimedSpan(max(group.start, cursor_char), group.end, t0, max(t0, group.t1), True))
        cursor_char = max(cursor_char, group.end)
        cursor_time = max(t0, group.t1)
    if cursor_char < text_length:
        spans.append(TimedSpan(cursor_char, text_length, cursor_time, max(cursor_time, total), False))
    spans = [span for span in spans if span.end > span.start]
    # The last characters hold until the audio ends (the trailing silence is theirs).
    spans[-1].t1 = max(spans[-1].t1, total)
    return spans


def spread(count: int, t0: float, t1: float) -> tuple[list[float], list[float]]:
    """Start and end times of ``count`` characters sharing [t0, t1] evenly."""
    if count <= 0:
        return [], []
    step = (t1 - t0) / count
    starts = [t0 + step * k for k in range(count)]
    ends = [t0 + step * (k + 1) for k in range(count)]
    ends[-1] = t1
    return starts, ends


def make_monotonic(starts: list[float], ends: list[float]) -> None:
    """Force start and end times to never go backwards (rounding can nudge them)."""
    previous_start = 0.0
    previous_end = 0.0
    for i in range(len(starts)):
        start = max(starts[i], previous_start)
        end = max(ends[i], start, previous_end)
        starts[i], ends[i] = start, end
        previous_start, previous_end = start, end
