"""The ACX report in words (one block per chapter) and as one JSON line."""

from __future__ import annotations

import json

from studio.core.acx.check import ChapterReport


def format_report(reports: list[ChapterReport]) -> str:
    lines: list[str] = []
    for report in reports:
        verdict = "passes ACX" if report.passed else f"fails {len(report.failures())} of {len(report.results)} ACX rules"
        lines.append(f"{report.path.name}: {verdict}")
        for r in report.results:
            lines.append(f"  {'ok  ' if r.passed else 'FAIL'} {r.label}: {r.value}")
        for r in report.failures():
            lines.append(f"  To fix ({r.label.lower()}): {r.advice}")
    passed = sum(r.passed for r in reports)
    lines.append(f"{passed} of {len(reports)} file(s) pass ACX's audio requirements.")
    return "\n".join(lines)


def json_report(reports: list[ChapterReport]) -> str:
    """One JSON line: {"passed": bool, "files": [...]} (levels that are silence are null)."""
    return json.dumps({"passed": all(r.passed for r in reports), "files": [r.to_json() for r in reports]},
                      ensure_ascii=False, default=str)
