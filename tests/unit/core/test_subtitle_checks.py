"""Subtitle rule sets, the checks, and each one-click fix, on crafted cues (rate 1000: samples are ms)."""

from __future__ import annotations

import pytest

from studio.core.subtitles import Cue, CueRules, build_cues
from studio.core.subtitles.checks import CueFix, apply_fix, apply_fixes, check_cues
from studio.core.subtitles.rule_sets import PRESETS, custom_rule_set, rule_set_named
from studio.core.timeline import Word

RATE = 1000


def words(spec: list[tuple[str, int, int]], paragraph: int = 0, offset: int = 0) -> list[Word]:
    """Words laid out one space apart in the script: (text, start ms, end ms)."""
    out = []
    position = offset
    for text, start, end in spec:
        out.append(Word(text, position, position + len(text), start, end, paragraph))
        position += len(text) + 1
    return out


def cue(ws: list[Word], start: int | None = None, end: int | None = None, lines: list[str] | None = None) -> Cue:
    text = " ".join(w.text for w in ws)
    s = ws[0].start_sample if start is None else start
    e = ws[-1].end_sample if end is None else end
    return Cue(s, e, lines or [text], ws, ws[0].start_sample, ws[-1].end_sample, [w.start_sample for w in ws])


def kinds(cues: list[Cue], rules: CueRules, audio_ms: int | None = None) -> list[tuple[int, str]]:
    return [(v.index, v.kind) for v in check_cues(cues, rules, RATE, audio_ms=audio_ms)]


def test_presets_carry_the_published_figures_and_netflix_is_the_builders_default() -> None:
    netflix, bbc = PRESETS["netflix-en"], PRESETS["bbc"]
    assert (netflix.max_line_chars, netflix.max_lines, netflix.min_duration_ms, netflix.max_duration_ms) == (42, 2, 834, 7000)
    assert netflix.min_gap_ms == 84  # two frames at 24 fps, rounded up
    assert netflix.cue_rules() == CueRules()
    assert (bbc.max_line_chars, bbc.max_lines, bbc.min_gap_ms) == (37, 2, 80)
    custom = custom_rule_set({"max_line_chars": 20, "min_gap_frames": 3, "frame_rate": 30})
    assert custom.cue_rules().max_line_chars == 20 and custom.min_gap_ms == 100
    with pytest.raises(ValueError, match="max cps"):
        custom_rule_set({"max_cps": 500})
    with pytest.raises(ValueError, match="unknown subtitle rules"):
        rule_set_named("hollywood")


def test_the_builder_keeps_the_rule_sets_limits() -> None:
    text = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu".split()
    ws = words([(t, i * 300, i * 300 + 250) for i, t in enumerate(text)])
    rules = custom_rule_set({"max_line_chars": 20, "max_lines": 1}).cue_rules()
    cues = build_cues(ws, RATE, rules)
    assert len(cues) > 1
    assert all(len(c.lines) == 1 and len(c.lines[0]) <= 20 for c in cues)
    # Layout rules the builder keeps by itself; speech this dense it cannot make slower.
    found = {kind for _i, kind in kinds(cues, rules)}
    assert not found & {"line-length", "lines", "too-long", "gap"}
    assert "too-fast" in found


def test_re_break_splits_a_cue_that_is_too_long_for_the_rules() -> None:
    rules = CueRules(max_line_chars=20, max_lines=1)
    ws = words([("one", 0, 300), ("two", 400, 700), ("three", 800, 1100), ("four", 1200, 1500), ("five", 1600, 1900),
                ("six", 2000, 2300)])
    long = cue(ws, end=2400, lines=["one two three four five six"])
    assert kinds([long], rules) == [(0, "line-length")]
    violation = check_cues([long], rules, RATE)[0]
    assert violation.fix == CueFix("re-break", 0, len("one two three four five six"))
    fixed = apply_fix([long], violation.fix, rules, RATE)
    assert fixed is not None and len(fixed) >= 2
    assert all(len(c.lines) == 1 and len(c.lines[0]) <= 20 for c in fixed)
    assert " ".join(c.text for c in fixed) == "one two three four five six"


def test_a_single_word_too_long_for_a_line_has_no_fix() -> None:
    rules = CueRules(max_line_chars=10, max_lines=1)
    only = cue(words([("incomprehensibilities", 0, 2000)]))
    [violation] = check_cues([only], rules, RATE)
    assert violation.kind == "line-length" and violation.fix is None


def test_extend_takes_the_silence_after_a_short_cue() -> None:
    rules = CueRules(min_duration_ms=2000)
    first = cue(words([("Yes.", 0, 400)]), end=600)
    second = cue(words([("Later", 5000, 5400)], offset=5), end=5600)
    assert kinds([first, second], rules) == [(0, "too-short"), (1, "too-short")]
    violation = check_cues([first, second], rules, RATE)[0]
    assert violation.fix is not None and violation.fix.kind == "extend"
    fixed = apply_fix([first, second], violation.fix, rules, RATE)
    assert fixed is not None and fixed[0].end_ms - fixed[0].start_ms >= 2000 and fixed[0].start_ms == 0
    # The last cue may only extend up to the end of the audio.
    last = check_cues([first, second], rules, RATE, audio_ms=6000)[1]
    assert last.fix is not None
    fixed = apply_fix([first, second], last.fix, rules, RATE, audio_ms=6000)
    assert fixed is not None and fixed[1].end_ms <= 6000 and fixed[1].end_ms - fixed[1].start_ms >= 2000 - 1
    assert fixed[1].start_ms < 5000  # it starts before its speech (within 1.5 s) to get the time


def test_merge_when_a_short_cue_cannot_extend() -> None:
    rules = CueRules(min_duration_ms=1500)
    a = cue(words([("Go", 0, 300)]), end=400)
    b = cue(words([("now", 484, 900)], offset=3), end=2500)
    violations = check_cues([a, b], rules, RATE)
    assert [(v.index, v.kind) for v in violations] == [(0, "too-short")]
    fix = violations[0].fix
    assert fix is not None and fix.kind == "merge" and fix.partner == "next"
    merged = apply_fix([a, b], fix, rules, RATE)
    assert merged is not None and len(merged) == 1
    assert merged[0].text == "Go now" and (merged[0].start_ms, merged[0].end_ms) == (0, 2500)
    assert kinds(merged, rules) == []


def test_no_merge_across_a_paragraph_break() -> None:
    rules = CueRules(min_duration_ms=1500)
    a = cue(words([("Go", 0, 300)]), end=400)
    b = cue(words([("now", 484, 900)], paragraph=1, offset=4), end=2500)
    [violation] = check_cues([a, b], rules, RATE)
    assert violation.kind == "too-short" and violation.fix is None


def test_trim_restores_the_gap_and_extend_gives_reading_time() -> None:
    rules = CueRules()
    a = cue(words([("Hello", 0, 500)]), end=1000)
    b = cue(words([("there", 1040, 1500)], offset=6), end=2400)
    [gap] = [v for v in check_cues([a, b], rules, RATE) if v.kind == "gap"]
    assert gap.fix is not None and gap.fix.kind == "trim"
    fixed = apply_fix([a, b], gap.fix, rules, RATE)
    assert fixed is not None and fixed[1].start_ms - fixed[0].end_ms == 84
    fast = cue(words([("Extraordinarily", 3000, 3300), ("quick", 3300, 3500)], offset=12))
    [too_fast] = [v for v in check_cues([fast], rules, RATE) if v.kind == "too-fast"]
    assert too_fast.fix is not None and too_fast.fix.kind == "extend"
    [after] = apply_fixes([fast], [too_fast.fix], rules, RATE)
    assert len(after.text) * 1000 / (after.end_ms - after.start_ms) <= rules.max_cps + 0.05


def test_fixes_are_replayed_by_script_span_and_skipped_when_the_cue_is_gone() -> None:
    rules = CueRules(min_duration_ms=2000)
    first = cue(words([("Yes.", 0, 400)]), end=600)
    fix = check_cues([first], rules, RATE)[0].fix
    assert fix is not None
    rebuilt = cue(words([("Yes.", 0, 400)]), end=600)  # the same cue, built again by an export
    assert apply_fixes([rebuilt], [fix], rules, RATE)[0].end_ms == 2000
    other = cue(words([("No.", 0, 400)], offset=50), end=600)
    assert apply_fixes([other], [fix], rules, RATE)[0].end_ms == 600
