"""Benchmark of the export dialog's subtitle check on a long book. Prints ONE JSON line.

A synthetic book (500 paragraphs of 60 quickly spoken words, about 2,500 cues) under rules it
cannot keep (12 characters a second, 1.5 s shortest cue), so every cue is a violation whose
fixes are tried: ``check_seconds`` is what the check worker spends (the dialog never runs it
on the GUI thread); ``build_seconds`` the cue builder alone, for comparison.

Usage: ``.venv/bin/python bench/subtitle_checks.py``.
"""

from __future__ import annotations

import json
import time

from studio.core.subtitles import CueRules, build_cues
from studio.core.subtitles.checks import check_cues
from studio.core.timeline import Word


def main() -> None:
    words: list[Word] = []
    position = at_ms = 0
    for paragraph in range(500):
        for i in range(60):
            text = f"word{i}"
            words.append(Word(text, position, position + len(text), at_ms, at_ms + 250, paragraph))
            position += len(text) + 1
            at_ms += 280
        at_ms += 500
    rules = CueRules(max_cps=12, min_duration_ms=1500)
    started = time.perf_counter()
    cues = build_cues(words, 1000, rules)
    built = time.perf_counter()
    violations = check_cues(cues, rules, 1000)
    checked = time.perf_counter()
    print(json.dumps({"cues": len(cues), "violations": len(violations),
                      "with_fix": sum(1 for v in violations if v.fix is not None),
                      "build_seconds": round(built - started, 3), "check_seconds": round(checked - built, 3)}))


if __name__ == "__main__":
    main()
