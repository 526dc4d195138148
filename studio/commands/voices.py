"""``narration-studio voices``: list the voices the account (or server) offers."""

from __future__ import annotations

import argparse
import json

NAME = "voices"
HELP = "list the ElevenLabs voices you can use (--offline: the voices on this computer)"

_LABELS = ("gender", "age", "accent", "use_case")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--search", metavar="S", help="words to look for in name, description and labels")
    parser.add_argument("--category", metavar="C", help="premade, cloned, generated or professional")
    parser.add_argument("--voice-type", metavar="T", dest="voice_type",
                        help="personal, community, default, workspace, non-default, non-community or saved")
    parser.add_argument("--sort", choices=["name", "created_at_unix"], help="sort by this field")
    parser.add_argument("--direction", choices=["asc", "desc"], help="sort direction")
    parser.add_argument("--page-size", metavar="N", type=int, default=None, dest="page_size",
                        help="voices per page, 1 to 100 (the first page may hold more)")
    parser.add_argument("--all", action="store_true", help="fetch every page, not just the first")
    parser.add_argument("--json", action="store_true", help="print a JSON array of voice objects")
    parser.add_argument("--offline", action="store_true",
                        help="list the offline voices instead (no account, no network): Joe, the voices "
                             "derived from it, and any Piper voice in your voices folder")


def _offline(args: argparse.Namespace) -> int:
    from studio.commands._api_common import table
    from studio.offline.voices import discover_voices

    voices, problems = discover_voices()
    for problem in problems:
        print(f"Note: {problem}")
    if args.json:
        print(json.dumps([v.to_api_dict() for v in voices], indent=2, ensure_ascii=False))
        return 0
    rows = [[v.name, v.voice_id, v.description if v.derived_from else ", ".join(v.labels().values())]
            for v in voices]
    print(table(["NAME", "VOICE ID", "ABOUT"], rows))
    return 0


def run(args: argparse.Namespace) -> int:
    if args.offline:
        return _offline(args)
    from studio.api.pages import iter_all_voices, unique_voices
    from studio.api.requests import VoiceSearch
    from studio.commands._api_common import client_from_environment, table

    fields = {
        "search": args.search, "category": args.category, "voice_type": args.voice_type,
        "sort": args.sort, "sort_direction": args.direction, "page_size": args.page_size,
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
