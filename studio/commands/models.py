"""``narration-studio models``: the models that can turn text into speech."""

from __future__ import annotations

import argparse
import json

NAME = "models"
HELP = "list the ElevenLabs models that can do text to speech"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print a JSON array of model objects")


def run(args: argparse.Namespace) -> int:
    from studio.commands._api_common import client_from_environment, table

    with client_from_environment() as client:
        models = [m for m in client.list_models() if m.can_do_text_to_speech]
    if args.json:
        print(json.dumps([m.model_dump(mode="json") for m in models], indent=2, ensure_ascii=False))
        return 0
    if not models:
        print("No text-to-speech models found.")
        return 0
    rows = []
    for m in models:
        limit = m.character_limit(subscribed=True)
        rows.append([
            m.model_id, m.name, f"{limit:,}" if limit else "?", str(len(m.languages)),
            f"{m.credits_per_character():g}",
        ])
    print(table(["MODEL ID", "NAME", "MAX CHARACTERS", "LANGUAGES", "CREDITS/CHAR"], rows))
    return 0
