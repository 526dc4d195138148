"""Named subtitle rule sets: the figures published style guides give, as the cue builder's parameters.

A :class:`RuleSet` is what a person picks (Netflix English, BBC, or their own numbers); its
:meth:`RuleSet.cue_rules` is the one :class:`~studio.core.subtitles.cues.CueRules` the builder,
the checker and the fixes all read, so there is no second copy of any limit.

Sources (each figure says where it comes from):

* **Netflix English** — Netflix Partner Help Center, "English Template Timed Text Style Guide"
  and "Timed Text Style Guide: General Requirements": 42 characters a line, 2 lines at most,
  5/6 s to 7 s a subtitle event, 17 characters a second (200 words a minute) for adult
  programmes, a frame gap of at least 2 frames whatever the frame rate. (The English (USA)
  guide allows adult programmes up to 20 characters a second; the template's 17 is the stricter
  and is what the studio always used.)
* **BBC** — BBC Subtitle Guidelines (bbc.github.io/subtitle-guidelines): 37 fixed-width
  characters a line (the Teletext figure; elsewhere 68 % of a 16:9 picture, which is about the
  same), 2 lines (3 only when nothing important is covered), 160–180 words a minute (180 wpm at
  about five characters a word with its space is 15 characters a second), and a subtitle should
  not hang on more than 1.5 s after the speech. The guideline gives no numbers for the shortest
  and longest subtitle or the gap; the studio uses 1 s, 7 s and 2 frames at 25 fps (UK video).
* **Custom** — every number chosen by the person, the gap in frames at their frame rate.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

from studio.core.subtitles.cues import CueRules

__all__ = ["PRESETS", "RuleSet", "custom_rule_set", "parse_rule_spec", "rule_set_named", "DEFAULT_RULE_SET"]


@dataclass(frozen=True)
class RuleSet:
    """The limits a subtitle file must keep, by name (see the module notes for the sources)."""

    name: str
    label: str
    max_line_chars: int = 42
    max_lines: int = 2
    min_duration_ms: int = 834
    max_duration_ms: int = 7000
    max_cps: float = 17.0
    min_gap_frames: int = 2
    frame_rate: float = 24.0
    source: str = ""

    @property
    def min_gap_ms(self) -> int:
        """The gap in whole milliseconds, rounded up: 2 frames at 24 fps is 84 ms, never 83."""
        return math.ceil(self.min_gap_frames * 1000 / self.frame_rate - 1e-9)

    def cue_rules(self) -> CueRules:
        return CueRules(
            max_line_chars=self.max_line_chars,
            max_lines=self.max_lines,
            max_duration_ms=self.max_duration_ms,
            min_duration_ms=self.min_duration_ms,
            max_cps=self.max_cps,
            min_gap_ms=self.min_gap_ms,
        )

    def summary(self) -> str:
        """One line a person can check the rule set by."""
        return (
            f"{self.max_line_chars} characters a line, {self.max_lines} line{'s' if self.max_lines != 1 else ''}, "
            f"{self.min_duration_ms / 1000:g}–{self.max_duration_ms / 1000:g} s a cue, "
            f"{self.max_cps:g} characters a second, {self.min_gap_frames} frame{'s' if self.min_gap_frames != 1 else ''} "
            f"between cues at {self.frame_rate:g} fps"
        )

    def custom_values(self) -> dict[str, Any]:
        """The numbers, as saved in the preferences for a custom rule set."""
        return {
            "max_line_chars": self.max_line_chars, "max_lines": self.max_lines,
            "min_duration_ms": self.min_duration_ms, "max_duration_ms": self.max_duration_ms,
            "max_cps": self.max_cps, "min_gap_frames": self.min_gap_frames, "frame_rate": self.frame_rate,
        }


NETFLIX_EN = RuleSet(
    "netflix-en", "Netflix English", 42, 2, 834, 7000, 17.0, 2, 24.0,
    source="Netflix English Template Timed Text Style Guide; Timed Text Style Guide: General Requirements",
)
BBC = RuleSet(
    "bbc", "BBC", 37, 2, 1000, 7000, 15.0, 2, 25.0,
    source="BBC Subtitle Guidelines (line length, 160–180 wpm, 1.5 s hang-on)",
)
PRESETS: dict[str, RuleSet] = {r.name: r for r in (NETFLIX_EN, BBC)}
DEFAULT_RULE_SET = NETFLIX_EN.name

#: What a person may type for each number of a custom rule set: (lowest, highest).
CUSTOM_LIMITS: dict[str, tuple[float, float]] = {
    "max_line_chars": (10, 200), "max_lines": (1, 4), "min_duration_ms": (0, 10_000),
    "max_duration_ms": (500, 60_000), "max_cps": (5, 60), "min_gap_frames": (0, 50), "frame_rate": (10, 120),
}


def custom_rule_set(values: dict[str, Any] | None = None) -> RuleSet:
    """A custom rule set from ``values`` (missing numbers: Netflix English's). Raises ValueError
    naming the first number that is out of range."""
    rules = replace(NETFLIX_EN, name="custom", label="Custom", source="chosen by you")
    for key, value in (values or {}).items():
        if key not in CUSTOM_LIMITS:
            continue  # a value from another version: ignored, as the preferences do
        low, high = CUSTOM_LIMITS[key]
        number = float(value)
        if not low <= number <= high:
            raise ValueError(f"{key.replace('_', ' ')} must be from {low:g} to {high:g}, not {number:g}")
        rules = replace(rules, **{key: number if key in ("max_cps", "frame_rate") else int(number)})
    if rules.min_duration_ms > rules.max_duration_ms:
        raise ValueError("the shortest cue cannot be longer than the longest")
    return rules


def rule_set_named(name: str, custom: dict[str, Any] | None = None) -> RuleSet:
    """The preset ``name``, or the custom set from ``custom``. Raises ValueError for an unknown name."""
    if name == "custom":
        return custom_rule_set(custom)
    try:
        return PRESETS[name]
    except KeyError:
        raise ValueError(f"unknown subtitle rules {name!r} (use {', '.join([*PRESETS, 'custom'])})") from None


def parse_rule_spec(spec: str) -> RuleSet:
    """A rule set from the command line: ``netflix-en``, ``bbc``, or ``custom:max_line_chars=32,max_cps=15``.

    Raises ValueError naming what is wrong.
    """
    name, _, rest = spec.strip().partition(":")
    values: dict[str, Any] = {}
    for pair in filter(None, (p.strip() for p in rest.split(","))):
        key, equals, value = pair.partition("=")
        key = key.strip().replace("-", "_")
        if not equals or key not in CUSTOM_LIMITS:
            raise ValueError(f"“{pair}” is not a rule (use any of: {', '.join(CUSTOM_LIMITS)}, as name=number)")
        try:
            values[key] = float(value)
        except ValueError:
            raise ValueError(f"“{value.strip()}” is not a number (in “{pair}”)") from None
    if values and name != "custom":
        raise ValueError(f"only custom rules take numbers (custom:{rest})")
    return rule_set_named(name, values)
