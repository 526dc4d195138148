"""/v2/voices: search, filters, sort and opaque page tokens.

``next_page_token`` is the base64url of ``{"o": offset, "f": fingerprint}`` plus an HMAC
signature, where the fingerprint hashes every query parameter except the page size. A token
that was altered, or that is sent with different filters than the ones that produced it, is
refused (422, FastAPI's body, loc ``["query", "next_page_token"]``) rather than silently
returning a page of something else.

Voice types (the API's definitions, applied to the fields a voice object has):
``default`` = premade and offline voices; ``community`` = copies from the voice library
(``sharing`` set, not owned); ``personal`` = voices you own; ``workspace`` = the rest;
``non-default``, ``non-community`` and ``saved`` combine these as the API describes.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from dataclasses import asdict, dataclass, field
from typing import Any

from studio.server.catalog import CatalogEntry

SORT_FIELDS = ("created_at_unix", "name")
VOICE_TYPES = ("personal", "community", "default", "workspace", "non-default", "non-community", "saved")


class BadPageToken(ValueError):
    """The token was not made by this server for this query."""


@dataclass(frozen=True)
class VoiceQuery:
    search: str | None = None
    sort: str | None = None
    sort_direction: str | None = None
    voice_type: str | None = None
    category: str | None = None
    fine_tuning_state: str | None = None
    collection_id: str | None = None
    gender: str | None = None
    age: str | None = None
    language: tuple[str, ...] = ()
    accent: str | None = None
    use_cases: tuple[str, ...] = ()
    min_notice_period_days: int | None = None
    include_custom_rates: bool | None = None
    include_live_moderated: bool | None = None
    high_quality: bool | None = None
    voice_ids: tuple[str, ...] = field(default_factory=tuple)

    def fingerprint(self) -> str:
        canonical = json.dumps(asdict(self), sort_keys=True, default=list)
        return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def voice_type_of(voice: dict[str, Any]) -> str:
    if voice.get("category") in ("premade", "offline"):
        return "default"
    if voice.get("sharing") and not voice.get("is_owner"):
        return "community"
    if voice.get("is_owner"):
        return "personal"
    return "workspace"


def _type_matches(voice: dict[str, Any], wanted: str) -> bool:
    kind = voice_type_of(voice)
    if wanted == "non-default":
        return kind != "default"
    if wanted == "non-community":
        return kind in ("personal", "workspace")
    if wanted == "saved":
        return kind != "default" or bool(voice.get("collection_ids"))
    return kind == wanted


def _label(voice: dict[str, Any], name: str) -> str:
    return str((voice.get("labels") or {}).get(name) or "").lower()


def _searchable(voice: dict[str, Any]) -> str:
    labels = voice.get("labels") or {}
    parts = [voice.get("name") or "", voice.get("description") or "", voice.get("category") or ""]
    parts += [str(v) for v in labels.values()]
    return " ".join(parts).lower()


def matches(voice: dict[str, Any], query: VoiceQuery) -> bool:
    if query.voice_ids and voice.get("voice_id") not in query.voice_ids:
        return False
    if query.search and query.search.lower() not in _searchable(voice):
        return False
    if query.voice_type and not _type_matches(voice, query.voice_type):
        return False
    if query.category and voice.get("category") != query.category:
        return False
    if query.high_quality and voice.get("category") != "high_quality":
        return False
    if query.fine_tuning_state:
        states = ((voice.get("fine_tuning") or {}).get("state") or {}).values()
        if query.fine_tuning_state not in states:
            return False
    if query.collection_id and query.collection_id not in (voice.get("collection_ids") or []):
        return False
    for name in ("gender", "age", "accent"):
        wanted = getattr(query, name)
        if wanted and _label(voice, name) != wanted.lower():
            return False
    if query.language and _label(voice, "language") not in {lang.lower() for lang in query.language}:
        return False
    if query.use_cases and _label(voice, "use_case") not in {u.lower() for u in query.use_cases}:
        return False
    sharing = voice.get("sharing") or {}
    if query.min_notice_period_days is not None:
        if not sharing or int(sharing.get("notice_period") or 0) < query.min_notice_period_days:
            return False
    if query.include_custom_rates is False and sharing.get("rate") is not None:
        return False
    if query.include_live_moderated is False and sharing.get("live_moderation_enabled"):
        return False
    return True


def select(entries: list[CatalogEntry], query: VoiceQuery) -> list[CatalogEntry]:
    """The matching voices in the requested order (catalog order when no sort is given)."""
    found = [entry for entry in entries if matches(entry.voice, query)]
    if query.sort == "name":
        found.sort(key=lambda e: (str(e.voice.get("name") or "").lower(), e.voice_id),
                   reverse=query.sort_direction == "desc")
    elif query.sort == "created_at_unix":
        # Older voices have no creation time: they go last whichever the direction.
        dated = [e for e in found if e.voice.get("created_at_unix") is not None]
        undated = [e for e in found if e.voice.get("created_at_unix") is None]
        dated.sort(key=lambda e: (int(e.voice["created_at_unix"]), e.voice_id),
                   reverse=query.sort_direction != "asc")
        found = dated + undated
    return found


class PageTokens:
    """Makes and checks the opaque page tokens of one server (signed with its secret)."""

    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def _sign(self, payload: bytes) -> bytes:
        return hmac.new(self._secret, payload, hashlib.sha256).digest()[:12]

    def make(self, offset: int, query: VoiceQuery) -> str:
        payload = json.dumps({"o": offset, "f": query.fingerprint()}, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(self._sign(payload) + payload).decode().rstrip("=")

    def read(self, token: str, query: VoiceQuery) -> int:
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        except (binascii.Error, ValueError) as error:
            raise BadPageToken("not a page token") from error
        signature, payload = raw[:12], raw[12:]
        if len(signature) < 12 or not hmac.compare_digest(signature, self._sign(payload)):
            raise BadPageToken("the page token was altered or comes from another server")
        data = json.loads(payload)
        if data.get("f") != query.fingerprint():
            raise BadPageToken("the page token belongs to a search with other filters")
        offset = data.get("o")
        if not isinstance(offset, int) or offset < 0:
            raise BadPageToken("the page token has no valid position")
        return offset
