"""Which cues break a rule set, and the one-click fixes: re-break, merge, extend, trim.

The cue builder (:func:`~studio.core.subtitles.cues.build_cues`) already keeps every rule it
can without moving a cue off its speech; what it cannot keep is listed here by
:func:`check_cues`, each :class:`Violation` with a :class:`CueFix` when one works:

* **re-break** — a line too long, too many lines, or a cue too long: the builder cuts the
  cue's own words again (possibly into several cues), with the same rules;
* **extend** — too short or too fast to read: the cue takes silence around it, after it up
  to the next cue's gap and, if that is not enough, before its speech up to
  ``max_linger_ms`` earlier (BBC: do not anticipate speech by more than 1.5 s), never past
  the end of the audio;
* **merge** — too short and nothing to extend into: joined with its neighbour in the same
  paragraph, when the two fit the lines and the longest duration together;
* **trim** — too close to the next cue: its end moves back to leave the gap.

A fix is only offered when applying it makes that violation go away. Fixes name their cue by
the script span of its words, not its number, so :func:`apply_fixes` can replay them on the
cues an export builds from the same takes (what the export dialog does): a fix whose cue is
not there any more (its paragraph was spoken again) is skipped.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from studio.core.subtitles.cues import Cue, CueRules, fix_timing, paragraph_cues, break_lines

__all__ = ["CueFix", "Violation", "apply_fix", "apply_fixes", "check_cues", "cue_cps"]

#: Reading speed is judged to this many characters a second (the builder rounds to whole ms).
_CPS_SLACK = 0.05


@dataclass(frozen=True)
class CueFix:
    """One fix of one cue, by the script span of the cue's words (see the module notes)."""

    kind: str  # "re-break", "extend", "merge", "trim"
    script_start: int
    script_end: int
    #: For a merge: the neighbour it joins ("next" or "previous").
    partner: str = ""

    @property
    def label(self) -> str:
        return {"re-break": "Re-break", "extend": "Extend", "trim": "Trim",
                "merge": f"Merge with {self.partner}"}.get(self.kind, self.kind)


@dataclass(frozen=True)
class Violation:
    index: int
    kind: str  # "line-length", "lines", "too-short", "too-long", "too-fast", "gap"
    message: str
    fix: CueFix | None = None
    start_ms: int = 0
    text: str = ""


def cue_cps(cue: Cue) -> float:
    duration = cue.end_ms - cue.start_ms
    chars = len(cue.text.replace("\n", " "))
    return chars * 1000 / duration if duration > 0 else float("inf")


def _span(cue: Cue) -> tuple[int, int]:
    if not cue.words:
        return (-1 - cue.start_ms, -1 - cue.start_ms)  # a cue without words: never matched by text
    return cue.words[0].script_start, cue.words[-1].script_end


def _raw(cues: Sequence[Cue], index: int, rules: CueRules) -> list[tuple[str, str]]:
    """(kind, message) of every rule cue ``index`` breaks."""
    cue = cues[index]
    found: list[tuple[str, str]] = []
    longest = max((len(line) for line in cue.lines), default=0)
    if longest > rules.max_line_chars:
        found.append(("line-length", f"a line of {longest} characters (at most {rules.max_line_chars})"))
    if len(cue.lines) > rules.max_lines:
        found.append(("lines", f"{len(cue.lines)} lines (at most {rules.max_lines})"))
    duration = cue.end_ms - cue.start_ms
    if duration < rules.min_duration_ms:
        found.append(("too-short", f"shown {duration / 1000:.2f} s (at least {rules.min_duration_ms / 1000:g} s)"))
    if duration > rules.max_duration_ms:
        found.append(("too-long", f"shown {duration / 1000:.2f} s (at most {rules.max_duration_ms / 1000:g} s)"))
    cps = cue_cps(cue)
    if cps > rules.max_cps + _CPS_SLACK:
        found.append(("too-fast", f"{cps:.1f} characters a second (at most {rules.max_cps:g})"))
    if index + 1 < len(cues):
        gap = cues[index + 1].start_ms - cue.end_ms
        if gap < rules.min_gap_ms:
            found.append(("gap", f"{gap} ms before the next cue (at least {rules.min_gap_ms} ms)"))
    return found


def check_cues(cues: Sequence[Cue], rules: CueRules, sample_rate: int, *, audio_ms: int | None = None) -> list[Violation]:
    """Every rule every cue breaks, in order, each with a fix when one works."""
    violations: list[Violation] = []
    for index, cue in enumerate(cues):
        for kind, message in _raw(cues, index, rules):
            fix = _working_fix(cues, index, kind, rules, sample_rate, audio_ms)
            violations.append(Violation(index, kind, message, fix, cue.start_ms, cue.text.replace("\n", " ")))
    return violations


def _candidates(kind: str, cue: Cue, cues: Sequence[Cue], index: int) -> Iterable[CueFix]:
    start, end = _span(cue)
    if kind in ("line-length", "lines", "too-long"):
        yield CueFix("re-break", start, end)
    elif kind in ("too-short", "too-fast"):
        yield CueFix("extend", start, end)
        for partner, other in (("next", index + 1), ("previous", index - 1)):
            if 0 <= other < len(cues) and cues[other].paragraph_index == cue.paragraph_index:
                yield CueFix("merge", start, end, partner)
    elif kind == "gap":
        yield CueFix("trim", start, end)


def _working_fix(cues: Sequence[Cue], index: int, kind: str, rules: CueRules, rate: int,
                 audio_ms: int | None) -> CueFix | None:
    # A fix changes its cue and at most its neighbours: count what breaks around it only, so a
    # book's thousands of cues cost a few checks per violation, not a pass over all of them.
    before = _count_near(cues, index - 3, index + 4, rules)
    for fix in _candidates(kind, cues[index], cues, index):
        fixed = apply_fix(cues, fix, rules, rate, audio_ms=audio_ms, at=index)
        if fixed is None:
            continue
        grown = len(fixed) - len(cues)  # a re-break adds cues, a merge removes one
        if not _still_broken(fixed, fix, kind, rules, index) and \
                _count_near(fixed, index - 3, index + 4 + grown, rules) < before:
            return fix
    return None


def _count_near(cues: Sequence[Cue], low: int, high: int, rules: CueRules) -> int:
    return sum(len(_raw(cues, i, rules)) for i in range(max(0, low), min(len(cues), high)))


def _still_broken(cues: Sequence[Cue], fix: CueFix, kind: str, rules: CueRules, near: int) -> bool:
    for i in range(max(0, near - 2), len(cues)):
        cue = cues[i]
        if not cue.words or cue.words[0].script_start > fix.script_end:
            if cue.words:
                break  # cues are in script order: none further on can hold the fixed span
            continue
        start, end = _span(cue)
        if start <= fix.script_start and fix.script_end <= end or fix.script_start <= start and end <= fix.script_end:
            if any(k == kind for k, _ in _raw(cues, i, rules)):
                return True
    return False


def _copy(cue: Cue, **changes: object) -> Cue:
    return replace(cue, lines=list(cue.lines), words=list(cue.words), word_starts_ms=list(cue.word_starts_ms),
                   **changes)  # type: ignore[arg-type]


def apply_fix(cues: Sequence[Cue], fix: CueFix, rules: CueRules, sample_rate: int, *,
              audio_ms: int | None = None, at: int | None = None) -> list[Cue] | None:
    """``cues`` with ``fix`` applied (a new list; ``cues`` is untouched), or None if it cannot be.
    ``at``: where the cue probably is (it is looked for everywhere else if not there)."""
    wanted = (fix.script_start, fix.script_end)
    if at is not None and 0 <= at < len(cues) and _span(cues[at]) == wanted:
        index: int | None = at
    else:
        index = next((i for i, c in enumerate(cues) if _span(c) == wanted), None)
    if index is None:
        return None
    # Only the cues a fix may change are copied (a book has thousands; the others are shared).
    out = list(cues)
    for i in range(max(0, index - 1), min(len(out), index + 2)):
        out[i] = _copy(out[i])
    cue = out[index]
    if fix.kind == "re-break":
        if not cue.words:
            return None
        remade = paragraph_cues(cue.words, sample_rate, rules)
        out[index : index + 1] = remade
        low, high = max(0, index - 1), min(len(out), index + len(remade) + 1)
        region = out[low:high]
        fix_timing(region, rules)
        _cap(region, audio_ms)
        out[low:high] = region
        return out
    if fix.kind == "trim":
        if index + 1 >= len(out):
            return None
        cue.end_ms = out[index + 1].start_ms - rules.min_gap_ms
        return out if cue.end_ms > cue.start_ms else None
    if fix.kind == "extend":
        return out if _extend(out, index, rules, audio_ms) else None
    if fix.kind == "merge":
        other = index + 1 if fix.partner == "next" else index - 1
        if not 0 <= other < len(out) or out[other].paragraph_index != cue.paragraph_index:
            return None
        first, second = sorted((index, other))
        merged = _merged(out[first], out[second], rules)
        if merged is None:
            return None
        out[first : second + 1] = [merged]
        return out
    return None


def _cap(cues: list[Cue], audio_ms: int | None) -> None:
    if audio_ms is not None:
        for cue in cues:
            cue.end_ms = min(cue.end_ms, max(audio_ms, cue.start_ms + 1))


def _extend(cues: list[Cue], index: int, rules: CueRules, audio_ms: int | None) -> bool:
    cue = cues[index]
    chars = len(cue.text.replace("\n", " "))
    needed = max(rules.min_duration_ms, int(chars * 1000 / rules.max_cps + 0.999))
    latest = cues[index + 1].start_ms - rules.min_gap_ms if index + 1 < len(cues) else cue.start_ms + needed
    if audio_ms is not None:
        latest = min(latest, audio_ms)
    latest = min(latest, cue.start_ms + rules.max_duration_ms)
    earliest = max(0, cue.speech_start_ms - rules.max_linger_ms)
    if index > 0:
        earliest = max(earliest, cues[index - 1].end_ms + rules.min_gap_ms)
    earliest = min(earliest, cue.start_ms)
    end = max(cue.end_ms, min(latest, cue.start_ms + needed))
    start = cue.start_ms if end - cue.start_ms >= needed else max(earliest, end - needed)
    if end - start < needed:
        return False
    cue.start_ms, cue.end_ms = start, end
    return True


def _merged(a: Cue, b: Cue, rules: CueRules) -> Cue | None:
    text = f"{a.text.replace(chr(10), ' ')} {b.text.replace(chr(10), ' ')}"
    lines = break_lines(text, rules)
    if lines is None or len(lines) > rules.max_lines or b.end_ms - a.start_ms > rules.max_duration_ms:
        return None
    return Cue(a.start_ms, b.end_ms, lines, [*a.words, *b.words], a.speech_start_ms, b.speech_end_ms,
               [*a.word_starts_ms, *b.word_starts_ms])


def apply_fixes(cues: Sequence[Cue], fixes: Iterable[CueFix], rules: CueRules, sample_rate: int, *,
                audio_ms: int | None = None) -> list[Cue]:
    """``cues`` with every fix that still applies applied, in order (the export's last step)."""
    out = list(cues)
    for fix in fixes:
        fixed = apply_fix(out, fix, rules, sample_rate, audio_ms=audio_ms)
        if fixed is not None:
            out = fixed
    return out
