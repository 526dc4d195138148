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

from pydantic import BaseModel, ConfigDict, Field


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
