"""Everything a render needs besides the script: the engine, how to speak, and what it allows.

The studio window and the command line both describe "speak this script with this voice,
model and settings" with :func:`render_inputs`, so both reach the same
:class:`~studio.core.script.RenderSettings` (and above all the same output format and
segment size), and therefore the same cache keys: what one of them paid for, the other
finds in the cache.

Qt-free and I/O-free: the model list and the account's plan are passed in, fetched by the
caller off the GUI thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from studio.core.script import Capabilities, RenderSettings, render_output_format

if TYPE_CHECKING:
    from studio.api.models import Model, VoiceSettings
    from studio.core.backend import SynthesisBackend

__all__ = ["DEFAULT_MODEL_ID", "RenderInputs", "render_inputs"]

#: The model used when the person has not picked one yet (the API's own default).
DEFAULT_MODEL_ID = "eleven_multilingual_v2"


@dataclass(frozen=True)
class RenderInputs:
    backend: SynthesisBackend
    settings: RenderSettings
    capabilities: Capabilities

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
) -> RenderInputs:
    """The inputs for speaking with ``backend``; ``model`` (or ``models`` to pick it from) and
    ``tier`` decide the per-request limit and the price (see :class:`Capabilities`)."""
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
    )
    return RenderInputs(backend, settings, Capabilities(engine_id, model_id, model, tier))
