"""The cast options of ``narration-studio export``: ``--cast`` and ``--speaker-prefix`` (issue 11, 8).

They make the same :class:`~studio.core.cast.Cast` the studio keeps in a project, so the
command line plans each paragraph with the voice the Cast panel would give it (the one
render plan: same requests, same cache keys).
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from studio.errors import StudioError

if TYPE_CHECKING:
    from studio.core.cast import Cast
    from studio.core.project import Project
    from studio.core.script import Script

__all__ = ["add_cast_arguments", "cast_from_args", "document_for"]


def add_cast_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--cast", action="append", default=[], metavar="NAME=VOICE_ID[,NAME=VOICE_ID…]",
                        help="the voice of each speaker (paragraphs starting 'NAME: ' or given a speaker in the "
                             "studio); repeat or separate with commas; over a project's cast. "
                             "Narrator=VOICE_ID sets the voice of paragraphs with no speaker")
    parser.add_argument("--speaker-prefix", choices=("on", "off"), default=None,
                        help="read 'NAME: line' at a paragraph's start as its speaker, not spoken "
                             "(default: the project's choice, else on)")
    parser.add_argument("--srt-speaker-names", action="store_true",
                        help="in SRT subtitles, put 'NAME:' before the first line of each new speaker's cue "
                             "(WebVTT always marks speakers with <v NAME>, the JSON timings with \"speaker\")")


def cast_from_args(args: argparse.Namespace, project: Project | None) -> Cast:
    """The project's cast (or the default one) with ``--speaker-prefix`` and ``--cast`` applied."""
    from dataclasses import replace

    from studio.core.cast import Cast, parse_cast_option

    cast = project.the_cast if project is not None else Cast()
    if args.speaker_prefix is not None:
        cast = replace(cast, speaker_prefix=args.speaker_prefix == "on")
    try:
        return parse_cast_option(args.cast, cast)
    except ValueError as error:
        raise StudioError(f"--cast: {error}",
                          "Write each speaker as NAME=VOICE_ID, e.g. --cast \"Alice=VOICE_ID,Bob=VOICE_ID\" "
                          "(list voices with: narration-studio voices). Nothing was sent.") from None


def document_for(text: str, project: Project | None, cast: Cast, book: Script | None = None) -> Script:
    """The script document as the studio opens it: a project's blocks (their speakers as saved),
    or the text's (or an imported ``book``'s) paragraphs with speakers read from ``NAME:``
    prefixes (when ``cast`` reads them)."""
    from studio.core.cast import apply_speaker_prefixes
    from studio.core.script import Script

    if project is not None:
        return project.document()
    document = book if book is not None else Script.from_text(text)
    apply_speaker_prefixes(document, cast)
    return document
