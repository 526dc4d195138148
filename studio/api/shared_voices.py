"""The shared voice library: ``GET /v1/shared-voices`` and what it answers (ENDPOINTS-NARRATION §1.4).

* :class:`SharedVoiceQuery` — every query parameter, validated before sending; lists become
  repeated keys (``use_cases=a&use_cases=b``), as the spec's defaults say.
* :class:`LibraryVoice` — one library entry (``LibraryVoiceResponseModel``): ``public_owner_id``
  and ``voice_id`` are what :meth:`ElevenLabsClient.add_shared_voice` needs.
* :class:`SharedVoicePage` — one page; the library pages by **page number** (``page``), not by
  token, so ``next_page()`` asks for ``page + 1`` with the same filters.
* :class:`AddedVoice` — the answer to adding one: the voice's id in *my voices*.

Qt-free; used by the client, the CLI and the library panel.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

from pydantic import Field, field_validator

from studio.api.models import ApiModel
from studio.api.requests import _Request, query_pairs

__all__ = ["AddedVoice", "LibraryVoice", "LibraryVoicesResponse", "SharedVoicePage", "SharedVoiceQuery",
           "iter_shared_voices", "LIBRARY_CATEGORIES", "LIBRARY_SORTS"]

#: The ``category`` filter's values (the item's own category has more: generated, cloned…).
LIBRARY_CATEGORIES = ("professional", "famous", "high_quality")
#: The ``sort`` values; ``created_date`` is the server's default.
LIBRARY_SORTS = ("created_date", "usage_character_count_1y", "trending", "cloned_by_count")
#: "Can not exceed 100" (prose only in the spec).
MAX_LIBRARY_PAGE_SIZE = 100


class SharedVoiceQuery(_Request):
    """Query parameters of ``GET /v1/shared-voices``. None means "leave it to the server"."""

    _limits: ClassVar[dict[str, tuple[str, str]]] = {
        "page_size": ("Page size", f"between 1 and {MAX_LIBRARY_PAGE_SIZE}"),
        "page": ("Page", "0 or more"),
        "sort": ("Sort", "one of " + ", ".join(LIBRARY_SORTS)),
        "category": ("Category", "one of " + ", ".join(LIBRARY_CATEGORIES)),
    }

    page_size: int = Field(default=30, ge=1, le=MAX_LIBRARY_PAGE_SIZE)
    page: int = Field(default=0, ge=0)
    category: Literal["professional", "famous", "high_quality"] | None = None
    gender: str | None = None
    age: str | None = None
    accent: str | None = None
    language: str | None = None
    locale: str | None = None
    search: str | None = None
    use_cases: tuple[str, ...] | None = None
    descriptives: tuple[str, ...] | None = None
    featured: bool | None = None
    min_notice_period_days: int | None = Field(default=None, ge=0)
    include_custom_rates: bool | None = None
    include_live_moderated: bool | None = None
    reader_app_enabled: bool | None = None
    owner_id: str | None = None
    sort: Literal["created_date", "usage_character_count_1y", "trending", "cloned_by_count"] | None = None

    @field_validator("gender", "age", "accent", "language", "locale", "search", "owner_id", mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        # An empty filter box means "no filter", not "voices whose gender is ''".
        return None if isinstance(value, str) and not value.strip() else value

    def to_params(self) -> list[tuple[str, str]]:
        return query_pairs(self)

    def at_page(self, page: int) -> SharedVoiceQuery:
        return self.model_copy(update={"page": page})


class VerifiedLanguage(ApiModel):
    language: str = ""
    model_id: str | None = None
    accent: str | None = None
    locale: str | None = None
    preview_url: str | None = None


class LibraryVoice(ApiModel):
    """One voice of the shared library. Only the two ids are required; the rest may be missing."""

    public_owner_id: str
    voice_id: str
    name: str = ""
    date_unix: int | None = None
    accent: str | None = None
    gender: str | None = None
    age: str | None = None
    descriptive: str | None = None
    use_case: str | None = None
    category: str | None = None
    language: str | None = None
    locale: str | None = None
    description: str | None = None
    preview_url: str | None = None
    usage_character_count_1y: int | None = None
    usage_character_count_7d: int | None = None
    play_api_usage_character_count_1y: int | None = None
    cloned_by_count: int | None = None
    rate: float | None = None
    fiat_rate: float | None = None
    free_users_allowed: bool | None = None
    live_moderation_enabled: bool | None = None
    featured: bool | None = None
    verified_languages: list[VerifiedLanguage] | None = None
    notice_period: int | None = None
    image_url: str | None = None
    is_added_by_user: bool | None = None
    is_bookmarked: bool | None = None

    @property
    def labels(self) -> dict[str, str]:
        """The describing fields as ``/v2/voices`` labels, so one label display serves both lists."""
        pairs = {"gender": self.gender, "age": self.age, "accent": self.accent, "language": self.language,
                 "use_case": self.use_case, "descriptive": self.descriptive}
        return {k: v for k, v in pairs.items() if v}


class LibraryVoicesResponse(ApiModel):
    """The raw ``GetLibraryVoicesResponseModel`` envelope."""

    voices: list[LibraryVoice] = Field(default_factory=list)
    has_more: bool = False
    total_count: int | None = None
    last_sort_id: str | None = None


class AddedVoice(ApiModel):
    """``AddVoiceResponseModel``: the id the voice has in the account now."""

    voice_id: str


@dataclass
class SharedVoicePage:
    """One page of the library; :meth:`next_page` fetches the following one (same filters)."""

    voices: list[LibraryVoice]
    page: int
    has_more: bool = False
    total_count: int | None = None
    fetch_page: Callable[[int], SharedVoicePage] | None = field(default=None, repr=False, compare=False)

    def has_next_page(self) -> bool:
        return bool(self.has_more and self.voices and self.fetch_page is not None)

    def next_page(self) -> SharedVoicePage:
        if not self.has_next_page():
            raise StopIteration("no more pages")
        assert self.fetch_page is not None
        return self.fetch_page(self.page + 1)


def iter_shared_voices(first: SharedVoicePage, limit: int | None = None) -> Iterator[LibraryVoice]:
    """Each voice once (by owner and id) from ``first`` on, at most ``limit`` of them.

    An empty page that still says ``has_more`` ends the walk: asking on for ever would never stop.
    """
    seen: set[tuple[str, str]] = set()
    page: SharedVoicePage | None = first
    given = 0
    while page is not None:
        for voice in page.voices:
            ident = (voice.public_owner_id, voice.voice_id)
            if ident in seen:
                continue
            seen.add(ident)
            yield voice
            given += 1
            if limit is not None and given >= limit:
                return
        page = page.next_page() if page.has_next_page() else None
