"""``narration-studio voices``: list the voices the account (or server) offers.

``--library`` lists the shared voice library instead, and ``voices add PUBLIC_USER_ID VOICE_ID``
adds one of its voices to the account (:mod:`studio.commands._voice_library`).
"""

from __future__ import annotations

import argparse
import json

NAME = "voices"
HELP = "list the ElevenLabs voices you can use, or the shared voice library (--library)"

_LABELS = ("gender", "age", "accent", "use_case")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--search", metavar="S", help="words to look for in name, description and labels")
    parser.add_argument("--library", action="store_true",
                        help="list the shared voice library instead of your own voices")
    parser.add_argument("--category", metavar="C", help="premade, cloned, generated or professional "
                        "(library: professional, famous or high_quality)")
    parser.add_argument("--voice-type", metavar="T", dest="voice_type",
                        help="personal, community, default, workspace, non-default, non-community or saved")
    parser.add_argument("--sort", choices=["name", "created_at_unix", "created_date", "usage_character_count_1y",
                                           "trending", "cloned_by_count"],
                        help="sort by this (your voices: name, created_at_unix; the library: the others)")
    parser.add_argument("--direction", choices=["asc", "desc"], help="sort direction")
    parser.add_argument("--page-size", metavar="N", type=int, default=None, dest="page_size",
                        help="voices per page, 1 to 100 (the first page may hold more)")
    parser.add_argument("--all", action="store_true", help="fetch every page, not just the first")
    parser.add_argument("--json", action="store_true", help="print a JSON array of voice objects")
    library = parser.add_argument_group("library filters (with --library)")
    library.add_argument("--language", metavar="L", help="language code, e.g. en")
    library.add_argument("--accent", metavar="A", help="e.g. british")
    library.add_argument("--gender", metavar="G", help="female, male or neutral")
    library.add_argument("--age", metavar="A", help="young, middle_aged or old")
    library.add_argument("--use-case", metavar="U", action="append", dest="use_cases",
                         help="e.g. narrative_story (repeat for several)")
    library.add_argument("--featured", action="store_true", help="featured voices only")
    library.add_argument("--page", metavar="N", type=int, default=None, help="library page number, from 0")
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    add = actions.add_parser("add", help="add a library voice to your voices")
    add.add_argument("public_user_id", metavar="PUBLIC_USER_ID", help="the library voice's public owner id")
    add.add_argument("voice_id", metavar="VOICE_ID", help="the library voice's id")
    add.add_argument("--name", help="the name it gets in your voices (default: its library name)")


def run(args: argparse.Namespace) -> int:
    from studio.commands import _voice_library

    if getattr(args, "action", None) == "add":
        return _voice_library.add_voice(args)
    if args.library:
        return _voice_library.list_library(args)
    return _my_voices(args)


def _my_voices(args: argparse.Namespace) -> int:
    from studio.api.pages import iter_all_voices, unique_voices
    from studio.api.requests import VoiceSearch
    from studio.commands._api_common import client_from_environment, table

    if args.featured or args.page is not None:
        from studio.errors import StudioError

        raise StudioError("--featured and --page are for the shared voice library",
                          "Add --library to browse it; nothing was sent.")
    fields = {
        "search": args.search, "category": args.category, "voice_type": args.voice_type,
        "sort": args.sort, "sort_direction": args.direction, "page_size": args.page_size,
        "gender": args.gender, "age": args.age, "accent": args.accent,
        "language": (args.language,) if args.language else None,
        "use_cases": tuple(args.use_cases) if args.use_cases else None,
    }
    # Validated before the client exists: a bad --page-size never reaches the network.
    search = VoiceSearch(**{k: v for k, v in fields.items() if v is not None})
    with client_from_environment() as client:
        first = client.search_voices(search)
        voices = list(iter_all_voices(first) if args.all else unique_voices(first.voices))
    if args.json:
        print(json.dumps([v.model_dump(mode="json") for v in voices], indent=2, ensure_ascii=False))
        return 0
    if not voices:
        print("No voices found.")
        return 0
    rows = [
        [v.name, v.voice_id, v.category or "", ", ".join(v.labels[k] for k in _LABELS if v.labels.get(k))]
        for v in voices
    ]
    print(table(["NAME", "VOICE ID", "CATEGORY", "LABELS"], rows))
    if not args.all and first.has_next_page():
        print(f"\nShowing {len(voices)} voices; more are available (use --all).")
    return 0
