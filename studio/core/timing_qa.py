"""Timing QA: is a take's alignment trustworthy, how fast is it read, and what did the engine expand?

For every paragraph's chosen take (its parts' alignments, from the speech cache) and for the
whole script, :func:`analyse_script` reports:

* **zero-length** characters (a letter whose end is not after its start) and **duplicate**
  timestamps (a character starting exactly when the one before it started): the highlight
  and the subtitles cannot place such characters in time;
* **non-monotonic** times (a character starting before the one before it, or ending before
  it starts): the engine's clock went backwards;
* **silences** over :data:`LONG_SILENCE_S` (2 s) between two characters, or at the start or
  end of a part's audio;
* **reading speed**: characters a second (every character of the written paragraph, as
  subtitle reading speed counts them) and words a minute (the words as spoken: the
  ``normalized_alignment`` when the engine sent one, so "$4,250" counts as the six words said),
  over the time from the first character spoken to the last, per paragraph and in total;
* **expanded** text: where ``normalized_alignment`` (the text as spoken) differs from
  ``alignment`` (the text as written), word by word — "$4,250" → "four thousand two hundred
  fifty dollars" — with the written span in the paragraph and when it is spoken.

Every item names its paragraph and a span in that paragraph's text, so a view can select it
in the editor (block *i* is ``paragraph_spans(editor_text)[i]``). Pure Python; the script
analysis reads the cache, so run it in a worker.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from difflib import SequenceMatcher
from typing import TYPE_CHECKING, Any

from studio.api.models import CharacterAlignment
from studio.core.alignment_map import map_alignment_to_text

if TYPE_CHECKING:
    from studio.core.cache import SpeechCache
    from studio.core.script.document import Block, Script

__all__ = ["LONG_SILENCE_S", "ParagraphQa", "PartTiming", "QaItem", "ScriptQa", "analyse_paragraph",
           "analyse_script"]

LONG_SILENCE_S = 2.0
_EPSILON = 1e-6
_TOKEN = re.compile(r"\S+")
_WORD = re.compile(r"\w+(?:['’]\w+)*")
#: Item kinds, in the order a view lists them.
KINDS = ("no-take", "stale", "no-timing", "non-monotonic", "zero-length", "duplicate", "silence", "expanded")


@dataclass(frozen=True)
class PartTiming:
    """One part of a take: its text, where that text starts in the paragraph, and its timings."""

    text: str
    text_start: int
    alignment: CharacterAlignment | None
    normalized: CharacterAlignment | None = None
    audio_seconds: float = 0.0
    #: Where this part's audio starts in the paragraph's take.
    offset_seconds: float = 0.0
    #: Its audio has left the speech cache (so there is nothing to check).
    missing: bool = False


@dataclass(frozen=True)
class QaItem:
    kind: str
    paragraph: int
    #: The span in the paragraph's text (start == end: a place, not a stretch).
    start: int
    end: int
    #: When it happens, in seconds from the start of the paragraph's take.
    seconds: float
    message: str
    #: For "expanded": the text as written and as spoken.
    written: str = ""
    spoken: str = ""


class _Rates:
    """Reading speed, the same way for a paragraph and for the whole script."""

    if TYPE_CHECKING:
        characters: int
        words: int
        spoken_seconds: float

    @property
    def chars_per_second(self) -> float | None:
        return self.characters / self.spoken_seconds if self.spoken_seconds > 0 else None

    @property
    def words_per_minute(self) -> float | None:
        return self.words * 60 / self.spoken_seconds if self.spoken_seconds > 0 else None


@dataclass
class ParagraphQa(_Rates):
    index: int
    block_id: str = ""
    characters: int = 0
    #: Words as spoken (see the module notes).
    words: int = 0
    #: From the first character spoken to the last, summed over the parts.
    spoken_seconds: float = 0.0
    audio_seconds: float = 0.0
    items: list[QaItem] = field(default_factory=list)


@dataclass
class ScriptQa(_Rates):
    paragraphs: list[ParagraphQa] = field(default_factory=list)

    @property
    def items(self) -> list[QaItem]:
        return [item for p in self.paragraphs for item in p.items]

    @property
    def characters(self) -> int:
        return sum(p.characters for p in self.paragraphs if p.spoken_seconds > 0)

    @property
    def words(self) -> int:
        return sum(p.words for p in self.paragraphs if p.spoken_seconds > 0)

    @property
    def spoken_seconds(self) -> float:
        return sum(p.spoken_seconds for p in self.paragraphs)

    def to_json(self) -> dict[str, Any]:
        def rates(obj: Any) -> dict[str, Any]:
            cps, wpm = obj.chars_per_second, obj.words_per_minute
            return {"chars_per_second": round(cps, 2) if cps is not None else None,
                    "words_per_minute": round(wpm, 1) if wpm is not None else None}

        return {
            "script": {"characters": self.characters, "words": self.words,
                       "spoken_seconds": round(self.spoken_seconds, 3), **rates(self), "items": len(self.items)},
            "paragraphs": [
                {"index": p.index, "characters": p.characters, "words": p.words,
                 "spoken_seconds": round(p.spoken_seconds, 3), **rates(p),
                 "items": [asdict(item) for item in p.items]}
                for p in self.paragraphs
            ],
        }


# -- one paragraph ----------------------------------------------------------------------------


def analyse_paragraph(index: int, text: str, parts: Sequence[PartTiming], block_id: str = "") -> ParagraphQa:
    """The QA of one paragraph's take, made of ``parts`` (see the module notes)."""
    qa = ParagraphQa(index, block_id, characters=len(text))
    spoken_words = 0
    for part in parts:
        qa.audio_seconds += part.audio_seconds
        timing = part.alignment or part.normalized
        if timing is None or not timing.characters:
            why = ("This part's audio has left the speech cache: make it again to check it." if part.missing
                   else "The engine sent no timings for this part.")
            qa.items.append(QaItem("no-timing", index, part.text_start, part.text_start + len(part.text),
                                   part.offset_seconds, why))
            spoken_words += len(_WORD.findall(part.text))
            continue
        chars, starts, ends = _arrays(timing)
        local = [None if o is None else part.text_start + o for o in map_alignment_to_text(chars, part.text)]
        qa.items.extend(_clock_items(index, chars, starts, ends, local, part))
        if starts:
            qa.spoken_seconds += max(ends) - min(starts)
        said = part.normalized or part.alignment
        spoken_words += len(_WORD.findall("".join(said.characters))) if said is not None else 0
        if part.alignment is not None and part.normalized is not None:
            qa.items.extend(_expanded_items(index, part, local))
    qa.words = spoken_words
    qa.items.sort(key=lambda item: (item.start, KINDS.index(item.kind) if item.kind in KINDS else 99))
    return qa


def _arrays(alignment: CharacterAlignment) -> tuple[list[str], list[float], list[float]]:
    count = min(len(alignment.characters), len(alignment.character_start_times_seconds),
                len(alignment.character_end_times_seconds))
    return (list(alignment.characters[:count]), [float(t) for t in alignment.character_start_times_seconds[:count]],
            [float(t) for t in alignment.character_end_times_seconds[:count]])


def _span(local: Sequence[int | None], first: int, last: int, fallback: int) -> tuple[int, int]:
    """The paragraph span of alignment characters ``first..last`` (inclusive)."""
    found = [o for o in local[first : last + 1] if o is not None]
    if not found:
        before = [o for o in local[:first] if o is not None]
        place = before[-1] + 1 if before else fallback
        return place, place
    return min(found), max(found) + 1


def _runs(flags: Sequence[bool]) -> list[tuple[int, int]]:
    """(first, last) of every run of True."""
    runs: list[tuple[int, int]] = []
    start: int | None = None
    for i, flag in enumerate([*flags, False]):
        if flag and start is None:
            start = i
        elif not flag and start is not None:
            runs.append((start, i - 1))
            start = None
    return runs


def _clock_items(index: int, chars: list[str], starts: list[float], ends: list[float],
                 local: list[int | None], part: PartTiming) -> list[QaItem]:
    items: list[QaItem] = []
    offset, base = part.offset_seconds, part.text_start
    n = len(chars)
    backwards = [i > 0 and (starts[i] < starts[i - 1] - _EPSILON) or ends[i] < starts[i] - _EPSILON for i in range(n)]
    zero = [not chars[i].isspace() and not backwards[i] and ends[i] - starts[i] <= _EPSILON for i in range(n)]
    duplicate = [i > 0 and not backwards[i] and not zero[i] and abs(starts[i] - starts[i - 1]) <= _EPSILON
                 for i in range(n)]
    for kind, flags, what in (("non-monotonic", backwards, "start{s} before the character{s2} before"),
                              ("zero-length", zero, "{have} no duration"),
                              ("duplicate", duplicate, "start{s} at the same moment as the character before")):
        for first, last in _runs(flags):
            count = last - first + 1
            text = what.format(s="" if count > 1 else "s", s2="s" if count > 1 else "",
                               have="have" if count > 1 else "has")
            start, end = _span(local, first, last, base)
            chars_word = f"{count} characters" if count > 1 else f"“{chars[first]}”"
            items.append(QaItem(kind, index, start, end, offset + starts[first],
                                f"{chars_word} {text} (at {offset + starts[first]:.2f} s)."))
    # Silences: before the first character, between characters, and after the last.
    latest_end, latest_index = 0.0, -1
    for i in range(n):
        gap = starts[i] - latest_end
        if gap > LONG_SILENCE_S:
            start, end = _span(local, max(latest_index, 0), i, base)
            where = "before the first word" if latest_index < 0 else "here"
            items.append(QaItem("silence", index, start, end, offset + latest_end,
                                f"{gap:.1f} s of silence {where} (at {offset + latest_end:.2f} s)."))
        if ends[i] >= latest_end:
            latest_end = ends[i]
            if not chars[i].isspace():
                latest_index = i  # the span runs from the last word's end to the next word
    if part.audio_seconds - latest_end > LONG_SILENCE_S and n:
        place = _span(local, n - 1, n - 1, base)[1]
        items.append(QaItem("silence", index, place, place, offset + latest_end,
                            f"{part.audio_seconds - latest_end:.1f} s of silence after the last word "
                            f"(at {offset + latest_end:.2f} s)."))
    return items


def _tokens(text: str) -> list[tuple[str, int, int]]:
    """Words of ``text`` compared loosely (case and surrounding punctuation ignored), with their spans."""
    out = []
    for match in _TOKEN.finditer(text):
        key = match.group().lower().strip(".,;:!?\"'“”‘’()[]…-—")
        out.append((key or match.group(), match.start(), match.end()))
    return out


def _expanded_items(index: int, part: PartTiming, local: list[int | None]) -> list[QaItem]:
    assert part.alignment is not None and part.normalized is not None
    written_chars = list(part.alignment.characters)
    spoken_chars, spoken_starts, spoken_ends = _arrays(part.normalized)
    written_text, spoken_text = "".join(written_chars), "".join(spoken_chars)
    if written_text == spoken_text:
        return []
    a, b = _tokens(written_text), _tokens(spoken_text)
    # Character positions within the joined strings are alignment indexes only when every
    # entry is one character (always, for the API and the offline engine).
    if len(written_text) != len(written_chars) or len(spoken_text) != len(spoken_chars):
        return []
    _, written_starts, _ = _arrays(part.alignment)
    items: list[QaItem] = []
    matcher = SequenceMatcher(None, [t[0] for t in a], [t[0] for t in b], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        w0, w1 = (a[i1][1], a[i2 - 1][2]) if i2 > i1 else (0, 0)
        s0, s1 = (b[j1][1], b[j2 - 1][2]) if j2 > j1 else (0, 0)
        # Punctuation both sides share ("$4,250." / "… dollars.") is not part of what was expanded.
        while w1 > w0 and s1 > s0 and written_text[w1 - 1] == spoken_text[s1 - 1] and not written_text[w1 - 1].isalnum():
            w1, s1 = w1 - 1, s1 - 1
        while w1 > w0 and s1 > s0 and written_text[w0] == spoken_text[s0] and not written_text[w0].isalnum():
            w0, s0 = w0 + 1, s0 + 1
        written, spoken = written_text[w0:w1], spoken_text[s0:s1]
        if i2 > i1:
            start, end = _span(local, w0, w1 - 1, part.text_start)
        else:
            at = a[i1][1] if i1 < len(a) else len(written_chars)
            start, end = _span(local, at, at - 1, part.text_start) if at else (part.text_start, part.text_start)
        if j2 > j1 and s0 < len(spoken_starts):
            seconds = spoken_starts[s0]
        elif i2 > i1 and w0 < len(written_starts):
            seconds = written_starts[w0]
        else:
            seconds = 0.0
        seconds += part.offset_seconds
        if not written:
            message = f"Spoken but not written: “{spoken}” (at {seconds:.2f} s)."
        elif not spoken:
            message = f"Written but not spoken: “{written}” (at {seconds:.2f} s)."
        else:
            message = f"“{written}” is spoken as “{spoken}” (at {seconds:.2f} s)."
        items.append(QaItem("expanded", index, start, end, seconds, message, written, spoken))
    return items


# -- the script -------------------------------------------------------------------------------


def analyse_script(script: Script, cache: SpeechCache | None) -> ScriptQa:
    """The QA of every paragraph's chosen take, from the speech cache (blocking: a worker)."""
    return ScriptQa([_analyse_block(i, block, cache) for i, block in enumerate(script.blocks)])


def _analyse_block(index: int, block: Block, cache: SpeechCache | None) -> ParagraphQa:
    take = block.chosen_take
    if take is None:
        return ParagraphQa(index, block.id, len(block.text), items=[
            QaItem("no-take", index, 0, len(block.text), 0.0, "No take yet: play or export it to check its timing.")])
    parts: list[PartTiming] = []
    offset = 0.0
    for part in take.parts:
        speech = cache.get(part.cache_key) if cache is not None else None
        text = take.text[part.start : part.end]
        if speech is None:
            parts.append(PartTiming(text, part.start, None, None, 0.0, offset, missing=True))
            continue
        seconds = speech.n_samples / speech.sample_rate if speech.sample_rate else 0.0
        parts.append(PartTiming(text, part.start, speech.alignment, speech.normalized_alignment, seconds, offset))
        offset += seconds
    qa = analyse_paragraph(index, take.text, parts, block.id)
    if take.text != block.text:
        # The spans point into the words the take was made of, not the paragraph as it is now.
        qa.items = [QaItem("stale", index, 0, len(block.text), 0.0,
                           "The chosen take was made for other words; make it again to check it.")]
        qa.characters = len(take.text)
    return qa
