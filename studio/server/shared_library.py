"""A small shared voice library: a handful of made-up voices, all spoken by the offline voice.

``GET /v1/shared-voices`` pages it by number with the spec's filters and sorts; adding one
(``POST /v1/voices/add/{public_user_id}/{voice_id}``) puts it in the server's voice catalog at
once, so ``/v2/voices`` lists it (voice type ``community``: a copy from the library) and the
speech routes speak with it. A test can withdraw a voice from the library
(:meth:`SharedLibrary.withdraw`) to play an owner who stopped sharing it: adding it is then
refused. The names and descriptions are invented; none refers to a real person.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

__all__ = ["LIBRARY_OWNER", "SharedLibrary", "LibraryFilter", "library_voices"]

#: The public owner id of every voice here (64 hex digits, the API's shape).
LIBRARY_OWNER = "5a1e" + "0" * 56 + "cafe"
#: Voice slots the account has used before any library voice is added (as /v1/user/subscription says).
SLOTS_USED = 3

_BASE = {
    "public_owner_id": LIBRARY_OWNER, "locale": None, "preview_url": None, "play_api_usage_character_count_1y": 0,
    "rate": None, "fiat_rate": None, "free_users_allowed": True, "live_moderation_enabled": False, "featured": False,
    "notice_period": 0, "instagram_username": None, "twitter_username": None, "youtube_username": None,
    "tiktok_username": None, "image_url": None, "reader_app_enabled": False,
}
# (voice_id, name, category, gender, age, accent, language, use_case, descriptive, date,
#  usage 1y, usage 7d, cloned by, extra)
_ROWS: tuple[tuple[Any, ...], ...] = (
    ("libWrenCalmNarrator01", "Wren - Calm Narrator", "professional", "female", "middle_aged", "british", "en",
     "narrative_story", "calm", 1_735_689_600, 91_000_000, 1_900_000, 41_200, {"featured": True}),
    ("libOtisDeepStoryteller", "Otis - Deep Storyteller", "professional", "male", "old", "american", "en",
     "narrative_story", "deep", 1_717_200_000, 64_000_000, 2_600_000, 28_900, {"notice_period": 30}),
    ("libJunoBrightExplainer", "Juno - Bright Explainer", "high_quality", "female", "young", "australian", "en",
     "informative_educational", "upbeat", 1_746_057_600, 12_500_000, 3_100_000, 6_400, {"rate": 2.0}),
    ("libMateoWarmNarrador", "Mateo - Narrador cálido", "professional", "male", "middle_aged", "latin american",
     "es", "narrative_story", "warm", 1_725_148_800, 22_000_000, 400_000, 9_800, {"locale": "es-MX"}),
    ("libGretaNewsReader0001", "Greta - Nachrichten", "high_quality", "female", "middle_aged", "standard", "de",
     "news", "professional", 1_709_251_200, 8_300_000, 150_000, 2_100, {"live_moderation_enabled": True}),
    ("libPipSoftMeditation01", "Pip - Soft Meditation", "generated", "neutral", "young", "american", "en",
     "meditation", "soft", 1_751_328_000, 3_200_000, 900_000, 1_300, {"reader_app_enabled": True,
                                                                       "free_users_allowed": False}),
)


def library_voices() -> list[dict[str, Any]]:
    """The library, as ``LibraryVoiceResponseModel`` objects (fresh copies)."""
    voices = []
    for (voice_id, name, category, gender, age, accent, language, use_case, descriptive, date,
         usage_1y, usage_7d, cloned, extra) in _ROWS:
        voices.append({
            **_BASE, "voice_id": voice_id, "name": name, "category": category, "gender": gender, "age": age,
            "accent": accent, "language": language, "use_case": use_case, "descriptive": descriptive,
            "date_unix": date, "usage_character_count_1y": usage_1y, "usage_character_count_7d": usage_7d,
            "cloned_by_count": cloned,
            "description": f"A {descriptive} {age.replace('_', ' ')} {gender} voice with a {accent} accent, "
                           f"made for {use_case.replace('_', ' ')}.",
            "verified_languages": [{"language": language, "model_id": "eleven_multilingual_v2", "accent": accent,
                                    "locale": extra.get("locale"), "preview_url": None}],
            **extra,
        })
    return voices


@dataclass(frozen=True)
class LibraryFilter:
    category: str | None = None
    gender: str | None = None
    age: str | None = None
    accent: str | None = None
    language: str | None = None
    locale: str | None = None
    search: str | None = None
    use_cases: tuple[str, ...] = ()
    descriptives: tuple[str, ...] = ()
    featured: bool = False
    reader_app_enabled: bool = False
    min_notice_period_days: int | None = None
    include_custom_rates: bool | None = None
    include_live_moderated: bool | None = None
    owner_id: str | None = None

    def matches(self, voice: dict[str, Any]) -> bool:
        for name in ("category", "gender", "age", "accent", "language", "locale"):
            wanted = getattr(self, name)
            if wanted and str(voice.get(name) or "").lower() != wanted.lower():
                return False
        if self.owner_id and voice["public_owner_id"] != self.owner_id:
            return False
        if self.search:
            words = " ".join(str(voice.get(k) or "") for k in ("name", "description", "descriptive", "use_case",
                                                                 "accent", "language"))
            if self.search.lower() not in words.lower():
                return False
        if self.use_cases and voice["use_case"] not in self.use_cases:
            return False
        if self.descriptives and voice["descriptive"] not in self.descriptives:
            return False
        if self.featured and not voice.get("featured"):
            return False
        if self.reader_app_enabled and not voice.get("reader_app_enabled"):
            return False
        if self.min_notice_period_days is not None and int(voice.get("notice_period") or 0) < self.min_notice_period_days:
            return False
        if self.include_custom_rates is False and voice.get("rate") is not None:
            return False
        return not (self.include_live_moderated is False and voice.get("live_moderation_enabled"))


_SORT_KEYS = {
    "created_date": "date_unix",
    "usage_character_count_1y": "usage_character_count_1y",
    "trending": "usage_character_count_7d",
    "cloned_by_count": "cloned_by_count",
}


class SharedLibrary:
    """The library and which of its voices this account added. Thread-safe."""

    def __init__(self, engine_voice_id: str = "", voice_limit: int = 30) -> None:
        self.engine_voice_id = engine_voice_id
        self.voice_limit = voice_limit
        self._lock = threading.Lock()
        self._voices = library_voices()
        self._added: dict[str, str] = {}  # library voice id -> name given

    def select(self, wanted: LibraryFilter, sort: str | None) -> list[dict[str, Any]]:
        with self._lock:
            found = [dict(v, is_added_by_user=v["voice_id"] in self._added) for v in self._voices if wanted.matches(v)]
        key = _SORT_KEYS[sort or "created_date"]
        found.sort(key=lambda v: (int(v[key]), v["voice_id"]), reverse=True)
        return found

    def find(self, public_user_id: str, voice_id: str) -> dict[str, Any] | None:
        with self._lock:
            return next((dict(v) for v in self._voices
                         if v["voice_id"] == voice_id and v["public_owner_id"] == public_user_id), None)

    def withdraw(self, voice_id: str) -> None:
        """The owner stops sharing ``voice_id``: it leaves the library (copies already added stay)."""
        with self._lock:
            self._voices = [v for v in self._voices if v["voice_id"] != voice_id]

    def slots_free(self, voice_id: str) -> bool:
        with self._lock:
            return voice_id in self._added or SLOTS_USED + len(self._added) < self.voice_limit

    def mark_added(self, voice_id: str, name: str) -> None:
        with self._lock:
            self._added[voice_id] = name


def account_copy(library_voice: dict[str, Any], new_name: str, bookmarked: bool) -> dict[str, Any]:
    """The voice as ``/v2/voices`` shows it once added (``VoiceResponseModel``, a library copy)."""
    now = int(time.time())
    labels = {k: library_voice[k] for k in ("accent", "gender", "age", "language", "use_case", "descriptive")
              if library_voice.get(k)}
    sharing = {
        "status": "copied", "history_item_sample_id": None, "date_unix": library_voice["date_unix"],
        "whitelisted_emails": [], "public_owner_id": library_voice["public_owner_id"],
        "original_voice_id": library_voice["voice_id"], "financial_rewards_enabled": False,
        "free_users_allowed": library_voice.get("free_users_allowed", True),
        "live_moderation_enabled": library_voice.get("live_moderation_enabled", False),
        "rate": library_voice.get("rate"), "notice_period": library_voice.get("notice_period"),
        "category": library_voice["category"], "name": library_voice["name"],
        "description": library_voice.get("description"), "labels": labels, "enabled_in_library": True,
        "cloned_by_count": library_voice.get("cloned_by_count", 0),
    }
    return {
        "voice_id": library_voice["voice_id"], "name": new_name, "samples": None,
        "category": library_voice["category"], "fine_tuning": None, "labels": labels,
        "description": library_voice.get("description"), "preview_url": None, "available_for_tiers": [],
        "settings": None, "sharing": sharing, "high_quality_base_model_ids": [],
        "verified_languages": library_voice.get("verified_languages"), "collection_ids": [],
        "is_owner": False, "is_legacy": False, "is_mixed": False, "created_at_unix": now,
        "is_bookmarked": bookmarked, "permission_on_resource": None,
    }
