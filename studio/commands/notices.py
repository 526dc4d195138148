"""``narration-studio notices``: the licences of every part the studio is built from."""

from __future__ import annotations

import argparse

NAME = "notices"
HELP = "print the third-party licence notices"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--summary", action="store_true", help="one line per part, without licence texts")


def run(args: argparse.Namespace) -> int:
    from studio.licenses import collect_notices, notices_text, summary_lines

    if args.summary:
        print("\n".join(summary_lines(collect_notices())))
    else:
        print(notices_text(), end="")
    return 0
