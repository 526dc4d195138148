"""Everything a render needs besides the script: the engine, how to speak, and what it allows.

The studio window and the command line both describe "speak this script with this voice,
model and settings" with :func:`render_inputs`, so both reach the same
:class:`~studio.core.script.RenderSettings` (and above all the same output format and
segment size), and therefore the same cache keys: what one of them paid for, the other
finds in the cache.

Qt-free. :func:`render_inputs` does no I/O: the model list and the account's plan are passed
in, fetched by the caller off the GUI thread. :func:`ready_inputs` (for work that started while
the engine was still starting) waits and asks the engine, so it runs in a worker.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal, TypeVar

from studio.core.script import Capabilities, RenderSettings, render_output_format
from studio.core.script.capabilities import DEFAULT_MODEL_ID as _DEFAULT_MODEL_ID

if TYPE_CHECKING:
    from studio.api.models import Model, VoiceSettings
    from studio.core.backend import SynthesisBackend
    from studio.core.cast import Cast
    from studio.cancel import CancelToken
    from studio.core.pronunciation.context import Pronunciation

__all__ = ["DEFAULT_MODEL_ID", "RenderInputs", "ready_inputs", "render_inputs", "with_pronunciation"]

log = logging.getLogger(__name__)
_T = TypeVar("_T")

#: The model used when the person has not picked one yet (the API's own default): the
#: capability table's, re-exported for the UI.
DEFAULT_MODEL_ID = _DEFAULT_MODEL_ID


@dataclass(frozen=True)
class RenderInputs:
    backend: SynthesisBackend
    settings: RenderSettings
    capabilities: Capabilities
    #: The pronunciation rules and who applies them (None: no rules).
    pronunciation: Pronunciation | None = None

    @property
    def engine_name(self) -> str:
        return str(getattr(self.backend, "display_name", "the voice engine"))


def render_inputs(
    backend: SynthesisBackend,
    *,
    voice_id: str,
    model_id: str | None,
    voice_settings: VoiceSettings | None = None,
    seed: int | None = None,
    language_code: str | None = None,
    model: Model | None = None,
    models: list[Model] | None = None,
    tier: str | None = None,
    stitching: Literal["text", "request_ids"] = "text",
    native_rate: int | None = None,
    pronunciation: Pronunciation | None = None,
    cast: Cast | None = None,
) -> RenderInputs:
    """The inputs for speaking with ``backend``; ``model`` (or ``models`` to pick it from) and
    ``tier`` decide the per-request limit and the price (see :class:`Capabilities`).
    ``pronunciation`` (:func:`studio.core.pronunciation.sync.prepare`) becomes the settings'
    rewriter for this model and the locators every request carries. ``cast`` (None: one voice)
    gives each speaker's paragraphs their voice; ``voice_id`` is then the narrator's."""
    engine_id = str(getattr(backend, "engine_id", "unknown"))
    model_id = model_id or DEFAULT_MODEL_ID
    if model is None and models:
        model = next((m for m in models if m.model_id == model_id), None)
    settings = RenderSettings(
        voice_id=voice_id,
        model_id=model_id,
        voice_settings=voice_settings,
        seed=seed,
        output_format=render_output_format(engine_id, native_rate),
        language_code=language_code,
        stitching=stitching,
        cast=cast,
    )
    inputs = RenderInputs(backend, settings, Capabilities(engine_id, model_id, model, tier))
    return with_pronunciation(inputs, pronunciation) if pronunciation is not None else inputs


def with_pronunciation(inputs: RenderInputs, pronunciation: Pronunciation | None) -> RenderInputs:
    """``inputs`` speaking with ``pronunciation``: its rewriter for this model (the rules that
    match enter the keys) and the locators every request carries (never the keys)."""
    settings = replace(
        inputs.settings,
        rewriter=pronunciation.rewriter(inputs.capabilities) if pronunciation is not None else None,
        pronunciation_locators=pronunciation.locators if pronunciation is not None else (),
    )
    return replace(inputs, settings=settings, pronunciation=pronunciation)


def ready_inputs(inputs: RenderInputs, token: CancelToken | None = None) -> RenderInputs:
    """``inputs`` for the engine that really runs, once it has started. Blocks: call in a worker.

    Play and Export may start while the engine is still starting (the window then hands a
    ``PendingBackend``, see :mod:`studio.ui.engine_session`, and describes the speech for the
    engine it asked for). Here, in the work's own thread, that wait happens; then the
    description is made again the way the window would make it for the real engine — its
    output format, its model list (a model it does not have becomes its first one, as the
    settings panel does), the settings it supports and the account's plan — so a Play during
    warm-up keys the cache exactly as every later Play and Export will. Inputs whose backend is
    already running are returned as they are.
    """
    wait = getattr(inputs.backend, "wait_until_ready", None)
    if wait is None:
        return inputs
    backend = wait(token)
    settings = inputs.settings
    models = _quietly(lambda: backend.list_models(), []) or []
    models = [m for m in models if getattr(m, "can_do_text_to_speech", True)]
    model_id = settings.model_id
    if models and all(m.model_id != model_id for m in models):
        model_id = models[0].model_id
    voice_settings = settings.voice_settings
    unsupported = _quietly(lambda: dict(backend.unsupported_settings(model_id)), {}) or {}
    if voice_settings is not None and unsupported:
        from studio.api.models import VoiceSettings

        kept = {k: v for k, v in voice_settings.to_request().items() if k not in unsupported}
        voice_settings = VoiceSettings(**kept)
    tier = inputs.capabilities.tier
    if tier is None:
        subscription = _quietly(lambda: backend.get_subscription(), None)
        tier = getattr(subscription, "tier", None)
    return render_inputs(
        backend, voice_id=settings.voice_id, model_id=model_id, voice_settings=voice_settings,
        seed=settings.seed, language_code=settings.language_code, models=models, tier=tier,
        stitching=settings.stitching, pronunciation=_for_engine(inputs.pronunciation, backend), cast=settings.cast,
    )


def _for_engine(pronunciation: Pronunciation | None, backend: SynthesisBackend) -> Pronunciation | None:
    """Locators only reach the engine they were uploaded for; another engine (the offline voice
    that started instead) gets the same rules applied on our side."""
    if pronunciation is None or not pronunciation.applied_by_server or backend.engine_id == "elevenlabs":
        return pronunciation
    from studio.core.pronunciation.context import local

    return local(pronunciation.dictionaries)


def _quietly(call: Callable[[], _T], default: _T) -> _T:
    """What ``call`` answers, or ``default`` if it fails: a model list or plan that cannot be read
    now leaves the conservative defaults (the limits of a free account), never a refusal."""
    try:
        return call()
    except Exception:  # noqa: BLE001 - see the docstring
        log.info("could not read the engine's models or plan while starting a render", exc_info=True)
        return default
