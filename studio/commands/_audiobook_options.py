"""The audiobook part of ``narration-studio export``: where the output goes and its tags.

``narration-studio export SCRIPT out.m4b --cover FILE --author A --narrator N`` (or ``--out``):
the output's suffix chooses the container (:mod:`studio.core.audiobook.formats`): ``.m4b``,
``.mp3``, ``.zip``, a folder (a name with no suffix, or an existing folder) for one file per
chapter, or ``.wav``/``.flac``/``.ogg``. The tags become :class:`~studio.core.exporter.ExportOptions`
fields, so the command line and the export dialog write the same files.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from studio.errors import StudioError

__all__ = ["add_audiobook_arguments", "audiobook_options", "output_path"]

_YEAR = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")


def add_audiobook_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("output", type=Path, nargs="?", metavar="OUT",
                        help="what to write (or use --out): book.m4b (AAC, chapter marks), book.mp3 (ID3v2.4 tags and "
                             "chapters), a folder such as book/ or a .zip (one MP3 per chapter, numbered), or .wav, "
                             ".flac, .ogg")
    parser.add_argument("--cover", type=Path, metavar="FILE", help="cover picture (JPEG or PNG) for M4B and MP3")
    parser.add_argument("--author", help="author tag (default: --artist)")
    parser.add_argument("--narrator", help="narrator tag")
    parser.add_argument("--year", help="year tag, e.g. 2025")
    parser.add_argument("--description", help="description tag (the blurb)")


def output_path(args: argparse.Namespace) -> Path:
    given = [p for p in (getattr(args, "output", None), getattr(args, "out", None)) if p is not None]
    if not given:
        raise StudioError("No output was given", "Name what to write after the script (book.m4b, book.mp3, a folder) "
                                                 "or with --out.")
    if len(given) == 2 and given[0] != given[1]:
        raise StudioError(f"Two outputs were given ({given[0]} and --out {given[1]})", "Give only one of them.")
    return given[0].expanduser().absolute()


def audiobook_options(args: argparse.Namespace) -> dict[str, object]:
    """The ExportOptions fields for the tags (checked here; the cover is checked by the exporter)."""
    if args.year is not None and not _YEAR.fullmatch(args.year.strip()):
        raise StudioError(f"--year “{args.year}” is not a year", "Give it as 2025 (or 2025-03-14).")
    return {
        "author": args.author, "narrator": args.narrator, "year": args.year.strip() if args.year else None,
        "description": args.description, "cover": args.cover.expanduser().absolute() if args.cover else None,
    }
