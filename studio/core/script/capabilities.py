"""What a model and an account allow: THE one table of model capabilities.

It answers "how long may a request be", "may requests be stitched by id", "what does a
character cost", "which audio format do we render in", "how is a pause sent", "may phoneme
rules be used", "does it take audio tags", "style", "speaker boost", "which languages" and
"does it take ``language_code``". The UI (settings panel), the request builders (render
plan, CLI) and the local server all ask here; no model id is special-cased anywhere else
(``tests/unit/core/script/test_capability_table.py`` greps for model-id literals).

Where ``GET /v1/models`` has a field, the field decides (the :class:`~studio.api.models.Model`
and the account's tier from ``GET /v1/user/subscription``). Where the API is silent,
:data:`DOCUMENTED` decides: one row per model family, from the docs.

* **Per-request limit** (:meth:`Capabilities.request_limit`): the model's
  ``max_characters_request_subscribed_user`` for a paying account and
  ``max_characters_request_free_user`` otherwise, capped by ``maximum_text_length_per_request``
  (:meth:`Model.character_limit`). An account whose tier is unknown counts as free, so a free
  user can never send an over-limit request; a free user on a model that gives no free figure
  gets the conservative :data:`~studio.core.segmenter.DEFAULT_CHARACTER_LIMIT`. A model we
  know nothing about (not in the list, or no limit fields at all) also gets that default.
* **Stitching**: ``previous_request_ids`` / ``next_request_ids`` work on every ElevenLabs
  model except ``eleven_v3`` (ENDPOINTS.md §5). At most :data:`MAX_REQUEST_IDS` ids, each
  under :data:`REQUEST_ID_MAX_AGE` seconds old.
* **Pauses** (:attr:`Capabilities.pause_style`): "All of our models, with the exception of
  Eleven V3, support SSML break tags" (help center, "Do pauses and SSML phoneme tags work with
  the API?"); v3 takes ``[pause]``/``[short pause]``/``[long pause]`` instead, so a break tag
  is sent to v3 as the nearest of those (:func:`studio.markup.v3_pause_tag`). The offline
  engine makes a break tag as real silence.
* **Phoneme rules**: "only compatible with Eleven Flash v2, Eleven Turbo v2 and Eleven English
  v1" (docs controls.mdx): ``eleven_flash_v2``, ``eleven_turbo_v2``, ``eleven_monolingual_v1``.
* **Audio tags** (``[whispers]``, ``[pause]``): eleven_v3 only (docs eleven-v3.mdx).
* **Text to Dialogue** (:attr:`Capabilities.dialogue`): a boolean the model's /v1/models entry
  carries (``can_do_text_to_dialogue``; the spec has no such field today, so the entry decides
  only when a server sends one), else the docs: "creates natural sounding expressive dialogue
  from text using the Eleven v3 model" (text-to-dialogue.mdx), so the v3 family only.
* **Style / speaker boost**: ``Model.can_use_style`` / ``can_use_speaker_boost``.
* **Languages**: ``Model.languages``. **language_code**: the v2.5 and v3 models take it;
  "not supported for multilingual_v2 models" (spec), nor by the v1 models.
* **Credits** (:meth:`Capabilities.credits_per_character`): the model's cost multiplier;
  0 for the offline engine.
* **Render format** (:func:`render_output_format`): the one PCM format every path (Play,
  the export dialog, the CLI) asks an engine for, so they all share cache entries.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from studio.api.requests import MAX_REQUEST_IDS
from studio.core.segmenter import DEFAULT_CHARACTER_LIMIT

if TYPE_CHECKING:
    from studio.api.models import Language, Model, Subscription

__all__ = [
    "DEFAULT_MODEL_ID",
    "DOCUMENTED",
    "ELEVENLABS_RENDER_FORMAT",
    "MAX_REQUEST_IDS",
    "OFFLINE_ENGINE",
    "OFFLINE_NATIVE_RATE",
    "REQUEST_ID_MAX_AGE",
    "Capabilities",
    "ModelFacts",
    "accepts_language_code",
    "facts_for",
    "render_output_format",
]

#: The engine id of the local Piper voice (it never charges and has no account).
OFFLINE_ENGINE = "offline"
#: The model a new project, the CLI and a request without one use: the API's own default for
#: ``model_id`` (spec: ``Body_text_to_speech_*.model_id`` default).
DEFAULT_MODEL_ID = "eleven_multilingual_v2"
#: Request ids older than this are not sent: the API honours them for two hours, and a few
#: minutes of margin covers the time the request spends queued.
REQUEST_ID_MAX_AGE = 2 * 3600 - 300
#: Raw PCM needs no decoder and gives exact durations; 24 kHz is available on every plan
#: (44.1 kHz PCM needs Pro), so Play and every export render at this rate.
ELEVENLABS_RENDER_FORMAT = "pcm_24000"
#: The native rate of Piper "medium" voices (the bundled voice among them).
OFFLINE_NATIVE_RATE = 22_050

PauseStyle = Literal["break", "pause_tag", "none"]


@dataclass(frozen=True)
class ModelFacts:
    """What the docs say of a model where /v1/models has no field (see the module notes)."""

    stitching: bool = True
    pause_style: PauseStyle = "break"
    phoneme_rules: bool = False
    audio_tags: bool = False
    language_code: bool = False
    #: POST /v1/text-to-dialogue takes it (docs: v3 only).
    dialogue: bool = False
    #: The row also covers dated or derived ids (``eleven_v3_preview``, ``eleven_v3_conversational``).
    family: bool = False


#: THE documented table (ENDPOINTS.md §5, ENDPOINTS-NARRATION.md §2, the help-center article
#: on pauses and phonemes). A model not in it gets :data:`UNKNOWN_MODEL`: break tags (every
#: model but v3 takes them), stitching, no phoneme rules, no audio tags, no language_code.
DOCUMENTED: dict[str, ModelFacts] = {
    "eleven_v3": ModelFacts(stitching=False, pause_style="pause_tag", audio_tags=True, language_code=True,
                            dialogue=True, family=True),
    "eleven_multilingual_v2": ModelFacts(),
    "eleven_multilingual_v1": ModelFacts(),
    "eleven_flash_v2_5": ModelFacts(language_code=True),
    "eleven_turbo_v2_5": ModelFacts(language_code=True),
    "eleven_flash_v2": ModelFacts(phoneme_rules=True),
    "eleven_turbo_v2": ModelFacts(phoneme_rules=True),
    "eleven_monolingual_v1": ModelFacts(phoneme_rules=True),
}
UNKNOWN_MODEL = ModelFacts()
#: The offline Piper engine: no request history to stitch to; it makes break tags as silence.
OFFLINE_FACTS = ModelFacts(stitching=False)


def facts_for(model_id: str, engine_id: str | None = None) -> ModelFacts:
    """The documented row for ``model_id`` (exact id first, then a family prefix)."""
    if engine_id == OFFLINE_ENGINE:
        return OFFLINE_FACTS
    exact = DOCUMENTED.get(model_id)
    if exact is not None:
        return exact
    for known, facts in DOCUMENTED.items():
        if facts.family and model_id.startswith(known + "_"):
            return facts
    return UNKNOWN_MODEL


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
    """Whether ``model`` takes a ``language_code`` worth offering (its own flag when /v1/models
    gives one; else the table, and only with more than one language to choose from)."""
    explicit = getattr(model, "supports_language_code", None)
    if isinstance(explicit, bool):
        return explicit
    facts = facts_for(getattr(model, "model_id", ""))
    return facts.language_code and len(getattr(model, "languages", []) or []) > 1


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
    def facts(self) -> ModelFacts:
        return facts_for(self.model_id, self.engine_id)

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
        return self.charges and self.facts.stitching

    # -- markup and voice controls ------------------------------------------------------------

    @property
    def pause_style(self) -> PauseStyle:
        """How a ``<break time=… />`` is sent: ``break`` as written, ``pause_tag`` as v3's pause tag,
        ``none`` left out (no model needs that today; the value exists for one that would)."""
        return self.facts.pause_style

    @property
    def break_tags(self) -> bool:
        """The model honours ``<break time="x.xs" />`` as it is written."""
        return self.pause_style == "break"

    @property
    def audio_tags(self) -> bool:
        """The model reads bracketed audio tags (``[whispers]``, ``[pause]``): v3."""
        return self.facts.audio_tags

    @property
    def dialogue(self) -> bool:
        """Runs of speakers may go in one ``/v1/text-to-dialogue`` request (see the module notes)."""
        if not self.charges:
            return False
        explicit = getattr(self.model, "can_do_text_to_dialogue", None) if self.model is not None else None
        if isinstance(explicit, bool):
            return explicit
        return self.facts.dialogue

    @property
    def phoneme_rules(self) -> bool:
        """Pronunciation dictionaries' phoneme rules work (otherwise only alias rules do)."""
        return self.facts.phoneme_rules

    @property
    def style(self) -> bool:
        """``voice_settings.style`` has an effect (``Model.can_use_style``)."""
        return self.model is not None and self.model.can_use_style

    @property
    def speaker_boost(self) -> bool:
        """``voice_settings.use_speaker_boost`` has an effect (``Model.can_use_speaker_boost``)."""
        return self.model is not None and self.model.can_use_speaker_boost

    @property
    def languages(self) -> list[Language]:
        return list(self.model.languages) if self.model is not None else []

    @property
    def language_code(self) -> bool:
        """Whether ``language_code`` may be sent (see :func:`accepts_language_code`)."""
        return self.model is not None and accepts_language_code(self.model)

    def unsupported_settings(self) -> dict[str, str]:
        """Voice settings this model ignores, each with the reason a person is shown."""
        model = self.model
        if model is None:
            return {}
        name = model.name or model.model_id
        ignored: dict[str, str] = {}
        if not self.style:
            ignored["style"] = f"{name} does not use the style setting."
        if not self.speaker_boost:
            ignored["use_speaker_boost"] = f"{name} does not use speaker boost."
        return ignored
