"""Typed, forgiving models of the ElevenLabs API.

Every response model accepts unknown fields and treats fields the API might drop as
optional (the API drifts between versions and plan tiers: ENDPOINTS.md §6). Request models
validate ranges before anything is sent, so a bad value never costs credits.

The types at the top of this file are shared by the whole app (both engines, the player and
export): ``VoiceSettings``, ``CharacterAlignment`` and ``SpeechChunk``. Keep their names and
fields stable.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic import ValidationError as PydanticValidationError


class ApiModel(BaseModel):
    """Base for response models: unknown fields are kept, never rejected."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)


class VoiceSettings(ApiModel):
    """Voice settings. Unset (None) keys are omitted when sent: the API answers 422 to null."""

    stability: float | None = Field(default=None, ge=0.0, le=1.0)
    similarity_boost: float | None = Field(default=None, ge=0.0, le=1.0)
    style: float | None = Field(default=None, ge=0.0, le=1.0)
    use_speaker_boost: bool | None = None
    speed: float | None = Field(default=None, ge=0.7, le=1.2)

    def to_request(self) -> dict[str, Any]:
        """The body fragment to send: only the keys that are set."""
        return self.model_dump(
            include={"stability", "similarity_boost", "style", "use_speaker_boost", "speed"},
            exclude_none=True,
        )


class CharacterAlignment(ApiModel):
    """When each character was spoken, in seconds."""

    characters: list[str] = Field(default_factory=list)
    character_start_times_seconds: list[float] = Field(default_factory=list)
    character_end_times_seconds: list[float] = Field(default_factory=list)


class SpeechChunk(BaseModel):
    """One piece of streamed speech, from either engine.

    ``audio`` is the decoded audio in the output format that was asked for (raw s16le mono
    for ``pcm_*``). ``alignment`` covers characters of the original text and
    ``normalized_alignment`` the text as spoken; either may be None for a chunk.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    audio: bytes = b""
    alignment: CharacterAlignment | None = None
    normalized_alignment: CharacterAlignment | None = None


# --- Response models ------------------------------------------------------------------
# Only the identifying field of each is required; everything else may be missing (older
# captures, other plan tiers) and anything unknown is kept (ApiModel: extra="allow").


def lenient_voice_settings(value: Any) -> VoiceSettings | None:
    """Read settings the server sent, dropping any key outside the ranges we send.

    A stored setting outside today's documented range (say an old ``speed``) must not make
    a whole voice unreadable; the rest of its settings are still worth showing.
    """
    if value is None or isinstance(value, VoiceSettings):
        return value
    if not isinstance(value, dict):
        return None
    try:
        return VoiceSettings.model_validate(value)
    except PydanticValidationError as error:
        bad = {str(e["loc"][0]) for e in error.errors() if e.get("loc")}
        return VoiceSettings.model_validate({k: v for k, v in value.items() if k not in bad})


def _labels_as_strings(value: Any) -> dict[str, str]:
    """Labels are ``dict[str, str]`` to the app; the API has sent null and non-strings."""
    if not isinstance(value, dict):
        return {}
    return {str(k): "" if v is None else str(v) for k, v in value.items()}


class Voice(ApiModel):
    voice_id: str
    name: str = ""
    category: str | None = None
    labels: dict[str, str] = Field(default_factory=dict)
    description: str | None = None
    preview_url: str | None = None
    settings: VoiceSettings | None = None
    available_for_tiers: list[str] = Field(default_factory=list)
    high_quality_base_model_ids: list[str] = Field(default_factory=list)
    verified_languages: list[dict[str, Any]] | None = None
    created_at_unix: int | None = None
    is_owner: bool | None = None
    is_legacy: bool = False

    @field_validator("labels", mode="before")
    @classmethod
    def _labels(cls, value: Any) -> dict[str, str]:
        return _labels_as_strings(value)

    @field_validator("settings", mode="before")
    @classmethod
    def _settings(cls, value: Any) -> VoiceSettings | None:
        return lenient_voice_settings(value)

    @field_validator("available_for_tiers", "high_quality_base_model_ids", mode="before")
    @classmethod
    def _none_list(cls, value: Any) -> Any:
        return [] if value is None else value


class VoicesPage(ApiModel):
    """The raw ``GET /v2/voices`` envelope (``GET /v1/voices`` has only ``voices``)."""

    voices: list[Voice] = Field(default_factory=list)
    has_more: bool = False
    total_count: int | None = None
    next_page_token: str | None = None


class Language(ApiModel):
    language_id: str = ""
    name: str = ""


class ModelRates(ApiModel):
    character_cost_multiplier: float | None = None
    cost_discount_multiplier: float | None = None


class Model(ApiModel):
    model_id: str
    name: str = ""
    description: str | None = None
    # Unknown capability is treated as "no": never offer a model that may not speak.
    can_do_text_to_speech: bool = False
    can_do_voice_conversion: bool = False
    can_be_finetuned: bool = False
    can_use_style: bool = False
    can_use_speaker_boost: bool = False
    serves_pro_voices: bool = False
    requires_alpha_access: bool = False
    token_cost_factor: float | None = None
    maximum_text_length_per_request: int | None = None
    max_characters_request_free_user: int | None = None
    max_characters_request_subscribed_user: int | None = None
    languages: list[Language] = Field(default_factory=list)
    model_rates: ModelRates | None = None
    concurrency_group: str | None = None

    @field_validator("languages", mode="before")
    @classmethod
    def _none_list(cls, value: Any) -> Any:
        return [] if value is None else value

    def character_limit(self, subscribed: bool) -> int | None:
        """Most characters one request may carry, from what the server said (None: unknown).

        The tier-specific limit applies, capped by ``maximum_text_length_per_request``;
        limits move between releases, so they are never hard-coded.
        """
        tier = self.max_characters_request_subscribed_user if subscribed else self.max_characters_request_free_user
        known = [n for n in (tier, self.maximum_text_length_per_request) if n is not None and n > 0]
        return min(known) if known else None

    def credits_per_character(self) -> float:
        rates = self.model_rates
        if rates is not None and rates.character_cost_multiplier is not None:
            discount = rates.cost_discount_multiplier if rates.cost_discount_multiplier is not None else 1.0
            return rates.character_cost_multiplier * discount
        if self.token_cost_factor is not None:
            return self.token_cost_factor
        return 1.0


class Subscription(ApiModel):
    tier: str = ""
    status: str | None = None
    character_count: int | None = None
    character_limit: int | None = None
    next_character_count_reset_unix: int | None = None
    can_extend_character_limit: bool | None = None
    max_credit_limit_extension: int | str | None = None
    voice_slots_used: int | None = None
    voice_limit: int | None = None
    currency: str | None = None

    @property
    def characters_remaining(self) -> int | None:
        if self.character_count is None or self.character_limit is None:
            return None
        return max(0, self.character_limit - self.character_count)


class HistoryAlignments(ApiModel):
    """``alignments`` of a history item: the text as written and as spoken."""

    alignment: CharacterAlignment | None = None
    normalized_alignment: CharacterAlignment | None = None


class DialogueLine(ApiModel):
    """One line of a dialogue generation (then the item's own ``text``/``voice_id`` are empty)."""

    text: str = ""
    voice_id: str | None = None
    voice_name: str | None = None


class HistoryItem(ApiModel):
    """One generation in the account's history (``SpeechHistoryItemResponseModel``)."""

    history_item_id: str
    request_id: str | None = None
    voice_id: str | None = None
    voice_name: str | None = None
    voice_category: str | None = None
    model_id: str | None = None
    text: str | None = None
    date_unix: int | None = None
    character_count_change_from: int | None = None
    character_count_change_to: int | None = None
    content_type: str | None = None
    state: str | None = None
    settings: dict[str, Any] | None = None
    source: str | None = None
    output_format: str | None = None
    share_link_id: str | None = None
    alignments: HistoryAlignments | None = None
    dialogue: list[DialogueLine] | None = None

    @property
    def characters(self) -> int | None:
        """Credits the generation used (the change of the account's character count)."""
        if self.character_count_change_from is None or self.character_count_change_to is None:
            return None
        return self.character_count_change_to - self.character_count_change_from

    @property
    def spoken_text(self) -> str:
        """The text that was spoken (a dialogue's lines joined by newlines)."""
        if self.text:
            return self.text
        return "\n".join(line.text for line in self.dialogue or ())


class HistoryPage(ApiModel):
    history: list[HistoryItem] = Field(default_factory=list)
    last_history_item_id: str | None = None
    has_more: bool = False
    scanned_until: int | None = None
