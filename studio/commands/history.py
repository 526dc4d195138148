"""``narration-studio history``: the account's generations — list, download, delete.

    narration-studio history [--search S] [--voice ID] [--model M] [--all] [--json]
    narration-studio history download ID... --out DIR|FILE.zip [--wav]
    narration-studio history delete ID [--yes]

Listing and downloading cost no credits. A download is written whole or not at all
(:mod:`studio.core.history_files`). Deleting cannot be undone (the API has none): on a terminal
it asks first, unless ``--yes``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

NAME = "history"
HELP = "list, download or delete what your account generated (costs no credits)"

_TEXT_WIDTH = 60


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--search", metavar="S", help="words to look for in the text")
    parser.add_argument("--voice", metavar="ID", help="only this voice id")
    parser.add_argument("--model", metavar="M", help="only this model id")
    parser.add_argument("--page-size", metavar="N", type=int, default=20, dest="page_size",
                        help="items per page, 1 to 1000 (default 20)")
    parser.add_argument("--all", action="store_true", help="every page, not just the newest")
    parser.add_argument("--json", action="store_true", help="print a JSON array of history items")
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    download = actions.add_parser("download", help="save items' audio (several: one ZIP, or unpacked into DIR)")
    download.add_argument("ids", nargs="+", metavar="ID", help="history item ids")
    download.add_argument("--out", type=Path, required=True, metavar="DIR|FILE.zip",
                          help="a folder for the audio files, or a .zip file")
    download.add_argument("--wav", action="store_true", help="WAV files instead of the default MP3")
    delete = actions.add_parser("delete", help="delete an item for good (there is no undo)")
    delete.add_argument("id", metavar="ID", help="history item id")
    delete.add_argument("--yes", action="store_true", help="do not ask first")


def run(args: argparse.Namespace) -> int:
    if args.action == "download":
        return _download(args)
    if args.action == "delete":
        return _delete(args)
    return _list(args)


def _when(date_unix: int | None) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.gmtime(date_unix)) if date_unix else ""


def _short(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= _TEXT_WIDTH else line[: _TEXT_WIDTH - 1] + "…"


def _list(args: argparse.Namespace) -> int:
    from studio.api.requests import HistoryQuery
    from studio.commands._api_common import client_from_environment, table

    # Validated before the client exists: a bad --page-size never reaches the network.
    query = HistoryQuery(page_size=args.page_size, search=args.search or None, voice_id=args.voice or None,
                         model_id=args.model or None)
    with client_from_environment() as client:
        if args.all:
            items, more = list(client.iter_history(query)), False
        else:
            page = client.list_history(query)
            items, more = page.history, page.has_more
    if args.json:
        print(json.dumps([i.model_dump(mode="json") for i in items], indent=2, ensure_ascii=False))
        return 0
    if not items:
        print("No history items found.")
        return 0
    rows = [[_when(i.date_unix), i.history_item_id, i.voice_name or i.voice_id or "", i.model_id or "",
             str(i.characters if i.characters is not None else ""), _short(i.spoken_text)] for i in items]
    print(table(["DATE (UTC)", "ID", "VOICE", "MODEL", "CHARS", "TEXT"], rows))
    if more:
        print(f"\nShowing the newest {len(items)}; more are available (use --all).")
    return 0


def _download(args: argparse.Namespace) -> int:
    from studio.commands._api_common import client_from_environment
    from studio.core.history_files import download_history_items

    with client_from_environment() as client:
        written = download_history_items(client, args.ids, args.out.expanduser(),
                                         output_format="wav" if args.wav else None)
    if len(written) == 1 and written[0].suffix.lower() == ".zip":
        print(f"Saved {written[0]} ({len(set(args.ids))} item{'s' if len(set(args.ids)) != 1 else ''}).")
    else:
        print(f"Saved {len(written)} file{'s' if len(written) != 1 else ''}: " + ", ".join(str(p) for p in written))
    return 0


def _delete(args: argparse.Namespace) -> int:
    from studio.commands._api_common import client_from_environment

    if not args.yes and sys.stdin.isatty():
        answer = input(f"Delete history item {args.id} for good? ElevenLabs has no undo. [y/N] ")
        if answer.strip().lower() not in ("y", "yes"):
            print("Nothing was deleted.")
            return 1
    with client_from_environment() as client:
        client.delete_history_item(args.id)
    print(f"Deleted history item {args.id} (this cannot be undone).")
    return 0
