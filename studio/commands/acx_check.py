"""``narration-studio acx-check FILE… [--json]``: check chapter files against ACX's audio rules.

Prints each file's figures, pass or fail per rule and what to change (``--json``: one JSON
line). Exit code 0 when every file passes, 1 when any fails, 2 when a file cannot be checked
(missing, unreadable, not audio): then nothing is printed for the others, so a typo in one
name is not mistaken for a verdict.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

NAME = "acx-check"
HELP = "Check chapter files (MP3) against ACX/Audible's audio submission requirements."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", type=Path, nargs="+", metavar="FILE", help="chapter audio files")
    parser.add_argument("--json", action="store_true", help="print the report as one JSON line")


def run(args: argparse.Namespace) -> int:
    from studio.core.acx.check import AcxInputError, check_file
    from studio.core.acx.report import format_report, json_report

    try:
        reports = [check_file(path) for path in args.files]
    except AcxInputError as error:
        print(f"narration-studio: {error}", file=sys.stderr)
        return 2
    print(json_report(reports) if args.json else format_report(reports))
    return 0 if all(r.passed for r in reports) else 1
