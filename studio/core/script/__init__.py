"""The script document and its one render path (DESIGN.md, "The script document and the render path").

* :mod:`.document` — :class:`Script` (ordered :class:`Block` paragraphs with stable ids, lock,
  chosen take) and :class:`Take`; ``Script.reconcile(text)`` follows edits of the plain text.
* :mod:`.chapters` — chapters above paragraphs: a block with ``chapter`` (a title) set starts
  one; ``Script.chapters()`` and rename/split/merge/move; ``RenderPlan.chapters``.
* :mod:`.capabilities` — what the model and account allow (per-request limit by tier,
  stitching, credits) and :func:`render_output_format`, the one format every path renders in.
* :mod:`.plan` / :mod:`.planner` — :func:`plan_render`: the ONE place that segments, keys the cache and counts
  credits. Play, Export, the CLI and the counter all consume its :class:`RenderPlan`.
* :mod:`.records` — the saved form of a Script (project format version 2).
* :mod:`studio.core.render` — :func:`~studio.core.render.render`, which executes a plan
  (cache first, parallel requests, backoff) and records the new takes.

Use (any path: Play, Export, CLI, counter)::

    script.reconcile(editor_text)                     # ids, takes and locks follow the edit
    caps = Capabilities.from_account(backend.engine_id, model_id, backend.list_models(),
                                     backend.get_subscription())   # blocking: a worker
    settings = RenderSettings(voice_id, model_id, voice_settings, seed,
                              render_output_format(backend.engine_id), language_code)
    plan = plan_render(script, settings, caps, cache)  # counter: requests_needed, credits_needed
    render(plan, script, backend, cache=cache, on_block=...)   # studio.core.render; records takes

Qt-free.
"""

from studio.core.script.capabilities import Capabilities, render_output_format
from studio.core.script.chapters import Chapter, ChapterError
from studio.core.script.document import Block, IncompleteTakeError, ReconcileResult, Script, Take, TakePart
from studio.core.script.plan import (
    BlockPlan,
    BlockStatus,
    NothingToSpeakError,
    PartPlan,
    RenderPlan,
    RenderSettings,
    RequestSpec,
    spoken_key,
)
from studio.core.script.planner import plan_render

__all__ = [
    "Block",
    "BlockPlan",
    "BlockStatus",
    "Capabilities",
    "Chapter",
    "ChapterError",
    "IncompleteTakeError",
    "NothingToSpeakError",
    "PartPlan",
    "ReconcileResult",
    "RenderPlan",
    "RenderSettings",
    "RequestSpec",
    "Script",
    "Take",
    "TakePart",
    "plan_render",
    "render_output_format",
    "spoken_key",
]
