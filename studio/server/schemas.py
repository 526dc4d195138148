"""Request bodies, validated the way ElevenLabs validates them.

Since 2025 the API answers 422 to ``null`` inside ``voice_settings`` (ENDPOINTS.md §4), so the
fields here are plain numbers with defaults, not ``float | None``: a null gets pydantic's
``float_type`` error, as in the real capture. Ranges that the spec gives only in prose are
enforced: stability/similarity/style 0..1, speed 0.7..1.2, seed 0..4294967295, at most 3
pronunciation dictionaries and 3 previous/next request ids. Unknown keys are ignored (the SDK
sends newer fields such as ``audio_effects``).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from studio.api.models import VoiceSettings
# "Anything to speak" is the studio's one rule, shared with the segmenter and the engine.
from studio.markup import blank, tag_spans
from studio.text_rules import is_speakable

# The API's default model: the capability table's (the one place model ids are named).
from studio.core.script.capabilities import DEFAULT_MODEL_ID  # noqa: E402


class VoiceSettingsBody(BaseModel):
    model_config = ConfigDict(extra="ignore")

    stability: float = Field(default=0.5, ge=0.0, le=1.0)
    similarity_boost: float = Field(default=0.75, ge=0.0, le=1.0)
    style: float = Field(default=0.0, ge=0.0, le=1.0)
    use_speaker_boost: bool = True
    speed: float = Field(default=1.0, ge=0.7, le=1.2)

    def to_settings(self) -> VoiceSettings:
        """Only the keys the caller sent: the engine applies its own defaults to the rest."""
        return VoiceSettings(**{name: getattr(self, name) for name in self.model_fields_set})


class DictionaryLocator(BaseModel):
    model_config = ConfigDict(extra="ignore")

    pronunciation_dictionary_id: str
    version_id: str | None = None


class TextToSpeechBody(BaseModel):
    model_config = ConfigDict(extra="ignore")

    text: str
    model_id: str = DEFAULT_MODEL_ID
    language_code: str | None = None
    voice_settings: VoiceSettingsBody | None = None
    pronunciation_dictionary_locators: list[DictionaryLocator] | None = Field(default=None, max_length=3)
    seed: int | None = Field(default=None, ge=0, le=4_294_967_295)
    previous_text: str | None = None
    next_text: str | None = None
    previous_request_ids: list[str] | None = Field(default=None, max_length=3)
    next_request_ids: list[str] | None = Field(default=None, max_length=3)
    use_pvc_as_ivc: bool = False
    apply_text_normalization: Literal["auto", "on", "off"] = "auto"
    apply_language_text_normalization: bool = False

    @field_validator("text")
    @classmethod
    def _text_not_empty(cls, value: str) -> str:
        if not is_speakable(blank(value, tag_spans(value))):  # a pause tag alone says nothing
            raise PydanticCustomError(
                "text_empty",
                "Text must contain at least one character that can be spoken (a letter, a "
                "digit or a currency sign); it was empty or only spaces, punctuation or symbols",
            )
        return value


#: Text to Dialogue's model default (spec: ``Body_Text_to_dialogue_*.model_id`` default
#: "eleven_v3"): the first model the capability table documents as taking dialogue.
def _dialogue_default_model() -> str:
    from studio.core.script.capabilities import DOCUMENTED

    return next(model_id for model_id, facts in DOCUMENTED.items() if facts.dialogue)


class DialogueInput(BaseModel):
    model_config = ConfigDict(extra="ignore")

    text: str
    voice_id: str

    _text_not_empty = field_validator("text")(TextToSpeechBody._text_not_empty.__func__)  # type: ignore[attr-defined]


class DialogueSettings(BaseModel):
    """``ModelSettingsResponseModel``: the one voice knob of a dialogue request."""

    model_config = ConfigDict(extra="ignore")

    stability: float | None = Field(default=0.5, ge=0.0, le=1.0)


class DialogueBody(BaseModel):
    """The same 7 fields on all four dialogue endpoints (ENDPOINTS-NARRATION.md §1.1)."""

    model_config = ConfigDict(extra="ignore")

    inputs: list[DialogueInput]
    model_id: str = Field(default_factory=_dialogue_default_model)
    language_code: str | None = None
    settings: DialogueSettings | None = None
    pronunciation_dictionary_locators: list[DictionaryLocator] | None = Field(default=None, max_length=3)
    seed: int | None = Field(default=None, ge=0, le=4_294_967_295)
    apply_text_normalization: Literal["auto", "on", "off"] = "auto"

    @field_validator("inputs")
    @classmethod
    def _some_inputs(cls, value: list[DialogueInput]) -> list[DialogueInput]:
        if not value:
            raise PydanticCustomError("inputs_empty", "At least one dialogue input (text and voice_id) is required")
        return value
