"""Group timed words into subtitle cues the way professional subtitlers do.

Rules (Netflix English and BBC guidelines, DESIGN.md): at most 42 characters a line and two
lines a cue; a cue lasts at most 7 s and, where the gap to the next line allows, at least 5/6 s
and long enough to read at 17 characters a second; at least two frames between cues; a cue
never lingers more than 1.5 s after its speech; breaks fall at sentence ends first, then clause
punctuation, then anywhere between words; no cue spans a paragraph break; no cue is shown
after the audio has ended (a player would show it over silence, or not at all).

Cuts are chosen per paragraph by dynamic programming over word boundaries (cheapest total
cost), so a good break a few words later beats a greedy fill. All times are integer
milliseconds derived from integer sample positions.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from studio.core.timeline import Word
# Where a sentence or clause ends is the studio's one rule ("Dr." ends none), shared with the
# segmenter and the offline engine.
from studio.text_rules import ends_clause, ends_sentence


@dataclass(frozen=True)
class CueRules:
    max_line_chars: int = 42
    max_lines: int = 2
    max_duration_ms: int = 7000
    min_duration_ms: int = 834  # 5/6 s
    max_cps: float = 17.0
    min_gap_ms: int = 84  # two frames at 24 fps (and at 25 and 30)
    max_linger_ms: int = 1500
    max_words: int = 40  # search bound for the optimiser


@dataclass
class Cue:
    start_ms: int
    end_ms: int
    lines: list[str]
    words: list[Word] = field(default_factory=list)
    #: When the cue's speech starts and ends (display times may extend past it for reading).
    speech_start_ms: int = 0
    speech_end_ms: int = 0
    #: Each word's spoken start in ms (karaoke and LRC).
    word_starts_ms: list[int] = field(default_factory=list)
    #: Who says it (None: the narrator); see :mod:`studio.core.subtitles.speakers`.
    speaker: str | None = None

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    @property
    def paragraph_index(self) -> int:
        return self.words[0].paragraph_index if self.words else 0


def _ms(sample: int, rate: int) -> int:
    return (sample * 1000 + rate // 2) // rate


def break_lines(text: str, rules: CueRules = CueRules()) -> list[str] | None:
    """Lay ``text`` out in at most two lines of ``max_line_chars``; None if it cannot fit."""
    if len(text) <= rules.max_line_chars:
        return [text]
    if rules.max_lines < 2:
        return None
    best: tuple[float, int] | None = None
    for position, char in enumerate(text):
        if char != " ":
            continue
        left, right = text[:position], text[position + 1 :]
        if len(left) > rules.max_line_chars or len(right) > rules.max_line_chars:
            continue
        if ends_sentence(left, right):
            score = 0.0
        elif ends_clause(left):
            score = 1.0
        else:
            score = 3.0
        # Balanced lines read best; a slightly longer bottom line (a pyramid) is preferred.
        score += abs(len(left) - len(right)) / 8 + (0.5 if len(left) > len(right) else 0.0)
        if best is None or score < best[0]:
            best = (score, position)
    if best is None:
        return None
    return [text[: best[1]], text[best[1] + 1 :]]


def build_cues(
    words: list[Word], sample_rate: int, rules: CueRules = CueRules(), *, audio_samples: int | None = None
) -> list[Cue]:
    """Cues for ``words``; with ``audio_samples`` (the audio's length) no cue ends after the audio."""
    cues: list[Cue] = []
    paragraph: list[Word] = []
    for word in words:
        if paragraph and word.paragraph_index != paragraph[-1].paragraph_index:
            cues.extend(paragraph_cues(paragraph, sample_rate, rules))
            paragraph = []
        paragraph.append(word)
    if paragraph:
        cues.extend(paragraph_cues(paragraph, sample_rate, rules))
    fix_timing(cues, rules)
    if audio_samples is not None:
        _end_with_the_audio(cues, audio_samples * 1000 // sample_rate)  # floor: never past it
    return cues


def paragraph_cues(words: list[Word], rate: int, rules: CueRules) -> list[Cue]:
    n = len(words)
    starts = [_ms(w.start_sample, rate) for w in words]
    ends = [max(_ms(w.end_sample, rate), s) for w, s in zip(words, starts, strict=True)]
    max_chars = rules.max_line_chars * rules.max_lines
    inf = float("inf")
    best = [inf] * (n + 1)
    back = [0] * (n + 1)
    best[0] = 0.0
    for j in range(1, n + 1):
        length = -1
        for i in range(j - 1, max(-1, j - 1 - rules.max_words), -1):
            length += len(words[i].text) + 1
            duration = ends[j - 1] - starts[i]
            single = i == j - 1
            if not single and (length > max_chars or duration > rules.max_duration_ms):
                break
            if best[i] == inf:
                continue
            if not single and length > rules.max_line_chars:
                text = " ".join(w.text for w in words[i:j])
                if break_lines(text, rules) is None:
                    continue
            cost = best[i] + _cue_cost(words, i, j, length, duration, rules)
            if cost < best[j]:
                best[j], back[j] = cost, i
    cuts = []
    j = n
    while j > 0:
        cuts.append((back[j], j))
        j = back[j]
    cuts.reverse()
    cues = []
    for i, j in cuts:
        text = " ".join(w.text for w in words[i:j])
        lines = break_lines(text, rules) or [text]
        cues.append(
            Cue(starts[i], ends[j - 1], lines, list(words[i:j]), starts[i], ends[j - 1], starts[i:j])
        )
    return cues


def _cue_cost(words: list[Word], i: int, j: int, length: int, duration: int, rules: CueRules) -> float:
    cost = 10.0  # per cue: fewer, fuller cues read better than many flashes
    if j < len(words):
        last = words[j - 1].text
        if ends_sentence(last, words[j].text):
            cost += 0.0
        elif ends_clause(last):
            cost += 5.0
        else:
            cost += 14.0
    if duration < rules.min_duration_ms:
        cost += (rules.min_duration_ms - duration) / 100
    if duration > 0 and length * 1000 / duration > rules.max_cps:
        cost += (length * 1000 / duration - rules.max_cps) * 0.5
    return cost


def fix_timing(cues: list[Cue], rules: CueRules) -> None:
    """Keep a two-frame gap, then extend short or dense cues into the silence after them."""
    for a, b in zip(cues, cues[1:], strict=False):
        if b.start_ms - a.end_ms < rules.min_gap_ms:
            a.end_ms = b.start_ms - rules.min_gap_ms
            floor = a.start_ms + min(200, max(1, a.speech_end_ms - a.start_ms))
            if a.end_ms < floor:
                a.end_ms = floor
                b.start_ms = a.end_ms + rules.min_gap_ms
                if b.end_ms <= b.start_ms:
                    b.end_ms = b.start_ms + 1
    for index, cue in enumerate(cues):
        chars = len(cue.text.replace("\n", " "))
        reading_ms = int(chars * 1000 / rules.max_cps + 0.999)
        wanted = max(cue.end_ms, cue.start_ms + rules.min_duration_ms, cue.start_ms + reading_ms)
        cap = min(cue.speech_end_ms + rules.max_linger_ms, cue.start_ms + rules.max_duration_ms)
        if index + 1 < len(cues):
            cap = min(cap, cues[index + 1].start_ms - rules.min_gap_ms)
        if wanted > cue.end_ms and cap > cue.end_ms:
            cue.end_ms = min(wanted, cap)
        cue.end_ms = min(cue.end_ms, cue.start_ms + rules.max_duration_ms)


def _end_with_the_audio(cues: list[Cue], audio_ms: int) -> None:
    """The reading time added after the last words must not run past the end of the file."""
    for cue in cues:
        if cue.end_ms > audio_ms:
            # A cue starting at the very end still keeps one millisecond (SRT needs end > start).
            cue.end_ms = max(audio_ms, cue.start_ms + 1)
