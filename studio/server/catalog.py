"""Voice metadata the server offers, and a generator of realistic synthetic catalogs.

The server always offers the offline Piper voices (``studio.offline.voices``). A catalog file
(``--catalog FILE``: a JSON list of API voice objects) adds more, so paging, search and
filters can be exercised with thousands of voices; every catalog voice is *spoken* by the
bundled offline voice, since that is the only engine here. ``generate_voices`` makes such a
catalog (``python -m studio.server.catalog 5000 > voices.json``); nothing here downloads or
refers to real people's voices.
"""

from __future__ import annotations

import json
import random
import string
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from studio.errors import StudioError


class CatalogError(StudioError):
    """A catalog file could not be used."""


@dataclass(frozen=True)
class CatalogEntry:
    #: The voice as the API shows it (a dict in the shape of VoiceResponseModel).
    voice: dict[str, Any]
    #: The offline voice that speaks for it.
    engine_voice_id: str

    @property
    def voice_id(self) -> str:
        return str(self.voice["voice_id"])


class VoiceCatalog:
    """All voices of one server, in a stable order: offline voices first, then the catalog."""

    def __init__(self, entries: list[CatalogEntry]) -> None:
        self.entries = entries
        self._by_id = {entry.voice_id: entry for entry in entries}
        self._adding = threading.Lock()

    def get(self, voice_id: str) -> CatalogEntry | None:
        return self._by_id.get(voice_id)

    def add(self, entry: CatalogEntry) -> None:
        """Add a voice (one added from the library), or replace the one with its id.

        A new list, not an append: a search running meanwhile keeps the list it started with."""
        with self._adding:
            entries = [e for e in self.entries if e.voice_id != entry.voice_id]
            entries.append(entry)
            self._by_id = {**self._by_id, entry.voice_id: entry}
            self.entries = entries

    def __len__(self) -> int:
        return len(self.entries)

    @classmethod
    def build(cls, offline_voices: list[dict[str, Any]], extra: list[dict[str, Any]],
              default_engine_voice: str) -> VoiceCatalog:
        entries = [CatalogEntry(dict(v), str(v["voice_id"])) for v in offline_voices]
        seen = {e.voice_id for e in entries}
        for voice in extra:
            if voice["voice_id"] in seen:  # a catalog cannot shadow an offline voice or repeat itself
                continue
            seen.add(voice["voice_id"])
            entries.append(CatalogEntry(dict(voice), default_engine_voice))
        return cls(entries)


def load_catalog_file(path: Path) -> list[dict[str, Any]]:
    """Read a catalog: a JSON list of objects that each have a string voice_id and name."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise CatalogError(f"The voice catalog {path} does not exist",
                           "Check the path given to --catalog.") from error
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CatalogError(f"The voice catalog {path} could not be read ({error})",
                           "Give a JSON file holding a list of voice objects.") from error
    if isinstance(data, dict) and isinstance(data.get("voices"), list):
        data = data["voices"]  # a saved /v1/voices or /v2/voices response works too
    if not isinstance(data, list):
        raise CatalogError(f"The voice catalog {path} is not a list of voices",
                           "Give a JSON file holding a list of voice objects.")
    for index, voice in enumerate(data):
        if not (isinstance(voice, dict) and isinstance(voice.get("voice_id"), str)
                and isinstance(voice.get("name"), str)):
            raise CatalogError(
                f"Voice number {index + 1} in the catalog {path} has no voice_id or name",
                "Every voice needs at least a string voice_id and name.")
    return data


# --- the generator ---------------------------------------------------------------------

_FIRST_NAMES = (
    "Adele Aiden Alba Alice Amara Anika Arlo Asher Aurora Bea Bram Callum Cara Cedric Clara Dara "
    "Declan Delia Eamon Edith Elias Elodie Emre Enzo Esme Ezra Farah Felix Freya Gideon Greta "
    "Hana Harvey Hugo Ida Imani Iris Isak Jasper Jonah Juno Kai Kamala Keira Kenji Lars Leona "
    "Lior Lola Luca Mabel Malik Mara Marlow Mateo Maeve Milo Mira Nadia Nell Nico Nora Odette "
    "Olin Omar Orla Otto Pax Petra Priya Quinn Rafe Rhea Ronan Rosa Rufus Saoirse Selma Soren "
    "Suki Tamsin Teo Thea Tobias Una Vera Viggo Wren Yara Yusuf Zadie Zane Zora"
).split()
_STYLES = ("Warm", "Crisp", "Gentle", "Bright", "Deep", "Calm", "Lively", "Smooth", "Raspy",
           "Soft", "Bold", "Steady", "Velvet", "Breezy", "Grounded")
_ROLES = ("Narrator", "Storyteller", "Announcer", "Guide", "Teacher", "Host", "Reader",
          "Presenter", "Companion", "Newsreader")
_ACCENTS = ("american", "british", "australian", "irish", "scottish", "indian", "canadian",
            "south african", "new zealand", "transatlantic")
_AGES = ("young", "middle_aged", "old")
_GENDERS = ("female", "male", "neutral")
_USE_CASES = ("narrative_story", "conversational", "characters_animation", "social_media",
              "entertainment_tv", "advertisement", "informative_educational", "news", "meditation")
_DESCRIPTORS = ("warm", "confident", "calm", "upbeat", "deep", "soft", "crisp", "casual",
                "professional", "expressive", "raspy", "soothing")
_LANGUAGES = (("en", 60), ("es", 8), ("de", 6), ("fr", 6), ("it", 4), ("pt", 4), ("pl", 3),
              ("hi", 3), ("ja", 3), ("nl", 3))
# (category, weight): the mix of a real account that has saved many library voices.
_CATEGORIES = (("generated", 30), ("professional", 30), ("cloned", 20), ("premade", 10),
               ("high_quality", 10))
_MODEL_IDS = ("eleven_multilingual_v2", "eleven_turbo_v2_5", "eleven_flash_v2_5", "eleven_v3")
_FT_STATES = ("not_started", "queued", "fine_tuning", "fine_tuned", "failed", "delayed")


def _voice_id(rng: random.Random) -> str:
    return "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(20))


def _weighted(rng: random.Random, pairs: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def generate_voice(rng: random.Random) -> dict[str, Any]:
    """One voice in the full VoiceResponseModel shape, plausible in every field."""
    voice_id = _voice_id(rng)
    first = rng.choice(_FIRST_NAMES)
    name = f"{first} - {rng.choice(_STYLES)} {rng.choice(_ROLES)}" if rng.random() < 0.7 else first
    gender = rng.choices(_GENDERS, weights=(46, 46, 8))[0]
    age = rng.choice(_AGES)
    accent = rng.choice(_ACCENTS)
    language = _weighted(rng, _LANGUAGES)
    use_case = rng.choice(_USE_CASES)
    descriptor = rng.choice(_DESCRIPTORS)
    category = _weighted(rng, _CATEGORIES)
    created = rng.randint(1_672_531_200, 1_775_000_000)  # 2023-01-01 .. early 2026
    is_library_copy = category in ("generated", "professional", "high_quality") and rng.random() < 0.6
    pronoun = {"female": "her", "male": "his"}.get(gender, "their")
    description = (
        f"A {descriptor} {age.replace('_', ' ')} {gender} voice with a{'n' if accent[0] in 'aeiou' else ''} "
        f"{accent} accent, known for {pronoun} {rng.choice(('even pacing', 'clear diction', 'natural warmth', 'easy rhythm'))}. "
        f"Suited to {use_case.replace('_', ' ')}."
    )
    labels = {"accent": accent, "descriptive": descriptor, "age": age, "gender": gender,
              "language": language, "use_case": use_case}
    sharing = None
    if is_library_copy:
        sharing = {
            "status": "copied", "history_item_sample_id": None, "date_unix": created,
            "whitelisted_emails": [], "public_owner_id": "".join(rng.choice("0123456789abcdef") for _ in range(64)),
            "original_voice_id": _voice_id(rng), "financial_rewards_enabled": rng.random() < 0.5,
            "free_users_allowed": rng.random() < 0.7, "live_moderation_enabled": rng.random() < 0.15,
            "rate": rng.choice((None, None, None, 0.5, 1.0, 2.0)), "fiat_rate": None,
            "notice_period": rng.choice((0, 0, 7, 14, 30, 90, 180, 365)), "disable_at_unix": None,
            "voice_mixing_allowed": False, "featured": rng.random() < 0.05, "category": category,
            "reader_app_enabled": rng.random() < 0.5, "image_url": None, "ban_reason": None,
            "liked_by_count": rng.randint(0, 5000), "cloned_by_count": rng.randint(0, 90000),
            "name": name, "description": description, "labels": labels,
            "review_status": "allowed", "review_message": None, "enabled_in_library": True,
            "instagram_username": None, "twitter_username": None, "youtube_username": None,
            "tiktok_username": None, "moderation_check": None, "reader_restricted_on": None,
        }
    fine_tuning = None
    if category == "professional":
        state = rng.choice(_FT_STATES)
        fine_tuning = {
            "is_allowed_to_fine_tune": True, "state": {"eleven_multilingual_v2": state},
            "verification_failures": [], "verification_attempts_count": 1,
            "manual_verification_requested": False, "language": language,
            "progress": {"eleven_multilingual_v2": 1.0 if state == "fine_tuned" else 0.0},
            "message": {}, "dataset_duration_seconds": round(rng.uniform(1800, 10800), 1),
        }
    collection_ids = [f"col_{rng.randint(1, 12):02d}"] if rng.random() < 0.2 else []
    return {
        "voice_id": voice_id,
        "name": name,
        "samples": None,
        "category": category,
        "fine_tuning": fine_tuning,
        "labels": labels,
        "description": description,
        "preview_url": None,  # the server fills in its own preview endpoint
        "available_for_tiers": [],
        "settings": None,
        "sharing": sharing,
        "high_quality_base_model_ids": list(_MODEL_IDS[:2]) if category == "high_quality" else [],
        "verified_languages": [{"language": language, "model_id": "eleven_multilingual_v2",
                                "accent": accent, "locale": None, "preview_url": None}],
        "collection_ids": collection_ids,
        "safety_control": None,
        "voice_verification": {"requires_verification": False, "is_verified": category == "professional",
                               "verification_failures": [], "verification_attempts_count": 0,
                               "language": None, "verification_attempts": None},
        "permission_on_resource": "admin" if not is_library_copy else None,
        "is_owner": not is_library_copy and category != "premade",
        "is_legacy": False,
        "is_mixed": False,
        "favorited_at_unix": created + 86_400 if rng.random() < 0.1 else None,
        "created_at_unix": created if category != "premade" else None,
        "is_bookmarked": is_library_copy and rng.random() < 0.3,
        "recording_quality": rng.choice(("studio", "good", "ok")) if category != "premade" else None,
        "labelling_status": "review_complete",
        "recording_quality_reason": None,
    }


def generate_voices(count: int, seed: int = 0) -> list[dict[str, Any]]:
    """``count`` distinct synthetic voices; the same ``seed`` always gives the same list."""
    rng = random.Random(seed)
    voices: list[dict[str, Any]] = []
    seen: set[str] = set()
    while len(voices) < count:
        voice = generate_voice(rng)
        if voice["voice_id"] not in seen:
            seen.add(voice["voice_id"])
            voices.append(voice)
    return voices


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args or not args[0].isdigit():
        print("usage: python -m studio.server.catalog COUNT [SEED] > voices.json", file=sys.stderr)
        return 2
    seed = int(args[1]) if len(args) > 1 else 0
    json.dump(generate_voices(int(args[0]), seed), sys.stdout, indent=1)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
