"""What a model and an account allow: the one place that answers "how long may a request be",
"may requests be stitched by id", "what does a character cost" and "which audio format do we
render in".

Everything is read from the :class:`~studio.api.models.Model` that ``GET /v1/models`` returned
and the account's tier (``GET /v1/user/subscription``); nothing is keyed on a model id except
the stitching exception below, which the API does not expose as a field.

* **Per-request limit** (:meth:`Capabilities.request_limit`): the model's
  ``max_characters_request_subscribed_user`` for a paying account and
  ``max_characters_request_free_user`` otherwise, capped by ``maximum_text_length_per_request``
  (:meth:`Model.character_limit`). An account whose tier is unknown counts as free, so a free
  user can never send an over-limit request; a free user on a model that gives no free figure
  gets the conservative :data:`~studio.core.segmenter.DEFAULT_CHARACTER_LIMIT`. A model we
  know nothing about (not in the list, or no limit fields at all) also gets that default.
* **Stitching** (:meth:`Capabilities.supports_stitching`): ``previous_request_ids`` /
  ``next_request_ids`` work on every ElevenLabs model except ``eleven_v3``
  (ENDPOINTS.md §5); /v1/models has no field for it, so :data:`NO_STITCHING_MODELS` is the
  single table. At most :data:`~studio.api.requests.MAX_REQUEST_IDS` ids, each under
  :data:`REQUEST_ID_MAX_AGE` seconds old.
* **Credits** (:meth:`Capabilities.credits_per_character`): the model's cost multiplier;
  0 for the offline engine.
* **Render format** (:func:`render_output_format`): the one PCM format every path (Play,
  the export dialog, the CLI) asks an engine for, so they all share cache entries.
* **Language code** (:func:`accepts_language_code`): whether a model takes ``language_code``;
  the settings panel offers the picker and the CLI passes a project's language by it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from studio.api.requests import MAX_REQUEST_IDS
from studio.core.segmenter import DEFAULT_CHARACTER_LIMIT

if TYPE_CHECKING:
    from studio.api.models import Model, Subscription

__all__ = [
    "ELEVENLABS_RENDER_FORMAT",
    "NO_LANGUAGE_CODE_MODELS",
    "MAX_REQUEST_IDS",
    "NO_STITCHING_MODELS",
    "OFFLINE_ENGINE",
    "OFFLINE_NATIVE_RATE",
    "REQUEST_ID_MAX_AGE",
    "Capabilities",
    "accepts_language_code",
    "render_output_format",
]

#: The engine id of the local Piper voice (it never charges and has no account).
OFFLINE_ENGINE = "offline"
#: Request ids older than this are not sent: the API honours them for two hours, and a few
#: minutes of margin covers the time the request spends queued.
REQUEST_ID_MAX_AGE = 2 * 3600 - 300
#: Models that do not support request stitching (ENDPOINTS.md §5). Prefix match, so a dated
#: variant such as ``eleven_v3_preview`` is covered too.
NO_STITCHING_MODELS = ("eleven_v3",)
#: Models known to refuse ``language_code`` (ENDPOINTS.md §5: "not supported for multilingual_v2").
NO_LANGUAGE_CODE_MODELS = ("eleven_multilingual_v1", "eleven_multilingual_v2", "eleven_monolingual_v1")
#: Raw PCM needs no decoder and gives exact durations; 24 kHz is available on every plan
#: (44.1 kHz PCM needs Pro), so Play and every export render at this rate.
ELEVENLABS_RENDER_FORMAT = "pcm_24000"
#: The native rate of Piper "medium" voices (the bundled voice among them).
OFFLINE_NATIVE_RATE = 22_050


def render_output_format(engine_id: str, native_rate: int | None = None) -> str:
    """The output format every render path asks ``engine_id`` for.

    The offline voice renders at its own rate (``native_rate``, the voice's sample rate when
    known), so no resampling happens before export converts; ElevenLabs at
    :data:`ELEVENLABS_RENDER_FORMAT`. Export converts to the user's file format afterwards.
    """
    if engine_id == OFFLINE_ENGINE:
        return f"pcm_{native_rate or OFFLINE_NATIVE_RATE}"
    return ELEVENLABS_RENDER_FORMAT


def accepts_language_code(model: Model) -> bool:
    """Whether ``model`` takes a ``language_code`` (its own flag when /v1/models gives one)."""
    explicit = getattr(model, "supports_language_code", None)
    if isinstance(explicit, bool):
        return explicit
    model_id = getattr(model, "model_id", "")
    if model_id in NO_LANGUAGE_CODE_MODELS:
        return False
    return len(getattr(model, "languages", []) or []) > 1 and ("v2_5" in model_id or "v3" in model_id)


def is_free_tier(tier: str | None) -> bool:
    """True for the free plan and for an unknown one (the safe assumption for limits)."""
    return not tier or tier.strip().lower() == "free"


@dataclass(frozen=True)
class Capabilities:
    """The model and account a script is rendered for. Cheap to build; holds no I/O."""

    engine_id: str
    model_id: str
    #: The /v1/models entry for ``model_id``; None when the list did not have it.
    model: Model | None = None
    #: The account's plan (``Subscription.tier``); None when unknown (counts as free).
    tier: str | None = None

    @classmethod
    def from_account(
        cls,
        engine_id: str,
        model_id: str,
        models: list[Model] | None = None,
        subscription: Subscription | None = None,
    ) -> Capabilities:
        """Pick ``model_id`` out of the backend's model list and the tier out of the account."""
        model = next((m for m in models or () if m.model_id == model_id), None)
        return cls(engine_id, model_id, model, subscription.tier if subscription is not None else None)

    @property
    def charges(self) -> bool:
        """Whether speaking costs credits at all."""
        return self.engine_id != OFFLINE_ENGINE

    @property
    def subscribed(self) -> bool:
        """A paying account (the offline engine has no tiers: its limits are the same for all)."""
        return not is_free_tier(self.tier)

    def request_limit(self) -> int:
        """Most characters one request may carry for this model and account (see the module notes)."""
        model = self.model
        if model is None:
            return DEFAULT_CHARACTER_LIMIT
        if self.subscribed:
            return model.character_limit(True) or DEFAULT_CHARACTER_LIMIT
        if model.max_characters_request_free_user is None:
            # The free figure is unknown: the subscribed one may be far above it.
            return min(DEFAULT_CHARACTER_LIMIT, model.character_limit(False) or DEFAULT_CHARACTER_LIMIT)
        return model.character_limit(False) or DEFAULT_CHARACTER_LIMIT

    def credits_per_character(self) -> float:
        if not self.charges:
            return 0.0
        return self.model.credits_per_character() if self.model is not None else 1.0

    def supports_stitching(self) -> bool:
        """Whether ``previous_request_ids``/``next_request_ids`` may be sent for this model."""
        if not self.charges:
            return False  # the offline engine has no request history to stitch to
        return not any(self.model_id.startswith(prefix) for prefix in NO_STITCHING_MODELS)
