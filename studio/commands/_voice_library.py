"""``narration-studio voices --library`` and ``voices add``: the shared voice library, headless.

Kept apart from :mod:`studio.commands.voices` (the account's own voices) so each lists one
kind: "my voices" and "library" are never mixed in one table.
"""

from __future__ import annotations

import argparse
import json

_LABELS = ("gender", "age", "accent", "use_case")


def library_query(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    """The SharedVoiceQuery the options describe (validated: a bad value sends nothing)."""
    from studio.api.shared_voices import SharedVoiceQuery

    fields = {
        "search": args.search, "category": args.category, "language": args.language, "accent": args.accent,
        "gender": args.gender, "age": args.age, "use_cases": tuple(args.use_cases) if args.use_cases else None,
        "featured": True if args.featured else None, "sort": args.sort, "page_size": args.page_size,
        "page": args.page,
    }
    return SharedVoiceQuery(**{k: v for k, v in fields.items() if v is not None})


def list_library(args: argparse.Namespace) -> int:
    from studio.commands._api_common import client_from_environment, table

    query = library_query(args)
    with client_from_environment() as client:
        first = client.search_shared_voices(query)
        voices = list(client.iter_shared_voices(query) if args.all else first.voices)
    if args.json:
        print(json.dumps([v.model_dump(mode="json") for v in voices], indent=2, ensure_ascii=False))
        return 0
    if not voices:
        print("No library voices found.")
        return 0
    rows = [[v.name, v.public_owner_id, v.voice_id, v.category or "", v.language or "",
             ", ".join(v.labels[k] for k in _LABELS if v.labels.get(k))] for v in voices]
    print(table(["NAME", "PUBLIC OWNER ID", "VOICE ID", "CATEGORY", "LANGUAGE", "LABELS"], rows))
    total = f" of {first.total_count}" if first.total_count else ""
    if not args.all and first.has_next_page():
        print(f"\nShowing {len(voices)}{total} library voices; more are available (use --all or --page).")
    print("Add one to your voices with: narration-studio voices add PUBLIC_OWNER_ID VOICE_ID")
    return 0


def _library_name(client, public_user_id: str, voice_id: str) -> str | None:  # type: ignore[no-untyped-def]
    from studio.api.shared_voices import SharedVoiceQuery

    for voice in client.iter_shared_voices(SharedVoiceQuery(owner_id=public_user_id, page_size=100), limit=1000):
        if voice.voice_id == voice_id:
            return voice.name
    return None


def add_voice(args: argparse.Namespace) -> int:
    from studio.commands._api_common import client_from_environment

    with client_from_environment() as client:
        # The API needs a name; without --name the library's own is used.
        name = args.name or _library_name(client, args.public_user_id, args.voice_id) or args.voice_id
        added = client.add_shared_voice(args.public_user_id, args.voice_id, name)
    print(f"Added “{name}” to your voices (voice id {added.voice_id}).")
    return 0
