"""What we send: validated before anything leaves the machine.

A value the service would refuse costs a round trip at best and credits at worst, so every
documented limit (ENDPOINTS.md §1, §5) is checked here and a bad value raises
:class:`~studio.api.errors.InvalidRequestError` naming the field and the allowed range.
Request objects are immutable; the client re-checks them just before sending
(:meth:`check`), so a copy made with ``model_copy(update=...)`` cannot sneak past.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic import ValidationError as PydanticValidationError

from studio.api.errors import InvalidRequestError
from studio.api.formats import DEFAULT_OUTPUT_FORMAT, OUTPUT_FORMATS_CONVERT
from studio.api.models import VoiceSettings

SEED_MAX = 4294967295
MAX_PAGE_SIZE = 100
MAX_VOICE_IDS = 100
MAX_DICTIONARIES = 3
MAX_REQUEST_IDS = 3

#: Field → (words for people, allowed range as words). Used to build refusals.
_FIELD_LIMITS: dict[str, tuple[str, str]] = {
    "page_size": ("Page size", f"between 1 and {MAX_PAGE_SIZE}"),
    "voice_ids": ("Voice ids", f"at most {MAX_VOICE_IDS}"),
    "min_notice_period_days": ("Minimum notice period", "0 days or more"),
    "sort": ("Sort", "'name' or 'created_at_unix'"),
    "sort_direction": ("Sort direction", "'asc' or 'desc'"),
    "seed": ("Seed", f"a whole number between 0 and {SEED_MAX}"),
    "stability": ("Stability", "between 0 and 1"),
    "similarity_boost": ("Similarity", "between 0 and 1"),
    "style": ("Style", "between 0 and 1"),
    "speed": ("Speed", "between 0.7 and 1.2"),
    "pronunciation_dictionary_locators": ("Pronunciation dictionaries", f"at most {MAX_DICTIONARIES}"),
    "previous_request_ids": ("Previous request ids", f"at most {MAX_REQUEST_IDS}"),
    "next_request_ids": ("Next request ids", f"at most {MAX_REQUEST_IDS}"),
    "apply_text_normalization": ("Text normalization", "'auto', 'on' or 'off'"),
    "output_format": ("Output format", "one of " + ", ".join(OUTPUT_FORMATS_CONVERT)),
    "optimize_streaming_latency": ("Streaming latency optimisation", "between 0 and 4"),
    "text": ("Text", "non-empty"),
    "voice_id": ("Voice", "chosen (not empty)"),
    "model_id": ("Model", "chosen (not empty)"),
    "language_code": ("Language code", "a two- or three-letter ISO 639 code such as 'en'"),
    "history_page_size": ("History page size", "between 1 and 1000"),
}


def _refusal(error: PydanticValidationError,
             limits: dict[str, tuple[str, str]] | None = None) -> InvalidRequestError:
    """Turn pydantic's first complaint into a sentence that names the field and its range.

    ``limits`` overrides :data:`_FIELD_LIMITS` for a request whose field of the same name
    has another range (a history page holds up to 1000 items, a voice page 100)."""
    first = error.errors()[0]
    loc = [str(part) for part in first.get("loc", ()) if not isinstance(part, int)]
    field = loc[-1] if loc else "value"
    label, allowed = {**_FIELD_LIMITS, **(limits or {})}.get(field, (field.replace("_", " ").capitalize(), ""))
    given = first.get("input")
    shown = repr(given) if isinstance(given, (str, int, float, bool)) or given is None else ""
    if isinstance(given, str) and len(given) > 40:
        shown = repr(given[:37] + "...")
    if isinstance(given, (list, tuple)):
        shown = f"{len(given)} given"
    if allowed:
        cause = f"{label} must be {allowed}" + (f" (got {shown})" if shown else "")
    else:
        cause = f"{label} is not valid: {first.get('msg', 'bad value')}"
    return InvalidRequestError(cause, "Change it and try again. Nothing was sent.", field=".".join(loc) or field)


def query_pairs(request: BaseModel) -> list[tuple[str, str]]:
    """Query pairs of the set fields; lists become repeated keys (``voice_ids=a&voice_ids=b``),
    the OpenAPI default the spec's array parameters keep; booleans are ``true``/``false``."""
    params: list[tuple[str, str]] = []
    for name, value in request.model_dump(exclude_none=True).items():
        if isinstance(value, (list, tuple)):
            params.extend((name, str(item)) for item in value)
        elif isinstance(value, bool):
            params.append((name, "true" if value else "false"))
        else:
            params.append((name, str(value)))
    return params


class _Request(BaseModel):
    """A request that refuses bad values with an InvalidRequestError, never a pydantic error."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    #: This request's own field ranges, where they differ from :data:`_FIELD_LIMITS`.
    _limits: ClassVar[dict[str, tuple[str, str]]] = {}

    def __init__(self, **data: Any) -> None:
        try:
            super().__init__(**data)
        except PydanticValidationError as error:
            raise _refusal(error, type(self)._limits) from None

    def check(self) -> Self:
        """A freshly validated copy (``model_copy(update=...)`` skips validation)."""
        try:
            return type(self).model_validate(self.model_dump(warnings=False))
        except PydanticValidationError as error:
            raise _refusal(error, type(self)._limits) from None


class VoiceSearch(_Request):
    """Every query parameter of ``GET /v2/voices``. None means "leave it to the server"."""

    search: str | None = None
    sort: Literal["name", "created_at_unix"] | None = None
    sort_direction: Literal["asc", "desc"] | None = None
    voice_type: str | None = None  # personal, community, default, workspace, non-default, ...
    category: str | None = None  # premade, cloned, generated, professional
    fine_tuning_state: str | None = None
    collection_id: str | None = None
    page_size: int = Field(default=10, ge=1, le=MAX_PAGE_SIZE)
    next_page_token: str | None = None
    # The server default is true, but counting costs server time: ask only when shown.
    include_total_count: bool = False
    voice_ids: tuple[str, ...] | None = Field(default=None, max_length=MAX_VOICE_IDS)
    gender: str | None = None
    age: str | None = None
    language: tuple[str, ...] | None = None
    accent: str | None = None
    use_cases: tuple[str, ...] | None = None
    min_notice_period_days: int | None = Field(default=None, ge=0)
    include_custom_rates: bool | None = None
    include_live_moderated: bool | None = None
    high_quality: bool | None = None

    def to_params(self) -> list[tuple[str, str]]:
        return query_pairs(self)

    def with_token(self, token: str | None) -> VoiceSearch:
        return self.model_copy(update={"next_page_token": token})


class HistoryQuery(_Request):
    """Query parameters of ``GET /v1/history``."""

    _limits: ClassVar[dict[str, tuple[str, str]]] = {"page_size": _FIELD_LIMITS["history_page_size"]}

    page_size: int = Field(default=100, ge=1, le=1000)
    start_after_history_item_id: str | None = None
    voice_id: str | None = None
    model_id: str | None = None
    date_before_unix: int | None = Field(default=None, ge=0)
    date_after_unix: int | None = Field(default=None, ge=0)
    sort_direction: Literal["asc", "desc"] | None = None
    search: str | None = None
    source: Literal["TTS", "STS", "Flows"] | None = None

    def to_params(self) -> list[tuple[str, str]]:
        return [(k, str(v)) for k, v in self.model_dump(exclude_none=True).items()]


class PronunciationDictionaryLocator(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    pronunciation_dictionary_id: str = Field(min_length=1)
    version_id: str | None = None  # None: the latest version

    def to_request(self) -> dict[str, str]:
        return self.model_dump(exclude_none=True)


_PLAIN_BODY_FIELDS = (
    "text",
    "model_id",
    "language_code",
    "seed",
    "previous_text",
    "next_text",
    "apply_text_normalization",
    "apply_language_text_normalization",
    "use_pvc_as_ivc",
)


class TextToSpeechRequest(_Request):
    """One text-to-speech call: path, query and body, valid for all four endpoints."""

    voice_id: str = Field(min_length=1)
    text: str = Field(min_length=1)
    model_id: str = Field(default="eleven_multilingual_v2", min_length=1)
    language_code: str | None = Field(default=None, pattern=r"^[A-Za-z]{2,3}$")
    voice_settings: VoiceSettings | None = None
    pronunciation_dictionary_locators: tuple[PronunciationDictionaryLocator, ...] | None = Field(
        default=None, max_length=MAX_DICTIONARIES
    )
    seed: int | None = Field(default=None, ge=0, le=SEED_MAX)
    previous_text: str | None = None
    next_text: str | None = None
    previous_request_ids: tuple[str, ...] | None = Field(default=None, max_length=MAX_REQUEST_IDS)
    next_request_ids: tuple[str, ...] | None = Field(default=None, max_length=MAX_REQUEST_IDS)
    apply_text_normalization: Literal["auto", "on", "off"] | None = None
    apply_language_text_normalization: bool | None = None
    use_pvc_as_ivc: bool | None = None  # deprecated by the API; sent only if set
    # Query parameters
    output_format: str = DEFAULT_OUTPUT_FORMAT
    enable_logging: bool | None = None  # False = zero retention (enterprise only)
    optimize_streaming_latency: int | None = Field(default=None, ge=0, le=4)  # deprecated

    @field_validator("text")
    @classmethod
    def _text_not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("the text is only white space")
        return value

    @field_validator("output_format")
    @classmethod
    def _known_format(cls, value: str) -> str:
        if value not in OUTPUT_FORMATS_CONVERT:
            raise ValueError("unknown output format")
        return value

    def to_body(self) -> dict[str, Any]:
        """The JSON body. Unset fields are omitted, never sent as null (the API answers 422)."""
        body: dict[str, Any] = {}
        for name in _PLAIN_BODY_FIELDS:
            value = getattr(self, name)
            if value is not None:
                body[name] = value
        if self.voice_settings is not None:
            settings = self.voice_settings.to_request()
            if settings:  # an empty object is refused too
                body["voice_settings"] = settings
        if self.pronunciation_dictionary_locators:
            body["pronunciation_dictionary_locators"] = [
                loc.to_request() for loc in self.pronunciation_dictionary_locators
            ]
        if self.previous_request_ids:
            body["previous_request_ids"] = list(self.previous_request_ids)
        if self.next_request_ids:
            body["next_request_ids"] = list(self.next_request_ids)
        return body

    def to_params(self) -> dict[str, str]:
        params = {"output_format": self.output_format}
        if self.enable_logging is not None:
            params["enable_logging"] = "true" if self.enable_logging else "false"
        if self.optimize_streaming_latency is not None:
            params["optimize_streaming_latency"] = str(self.optimize_streaming_latency)
        return params
