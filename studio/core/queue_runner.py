"""Run a :class:`~studio.core.render_queue.RenderQueue`: each item through the one export path.

Every item is planned with :func:`studio.core.script.plan_render` and exported with
:func:`studio.core.exporter.export_plan`, as Export Audio and ``narration-studio export`` do,
so an item costs what that plan says and finds in the speech cache every part made before (by
Play, an export, or an earlier run of this queue). How an item is spoken (the engine, voice,
model, settings) is the caller's ``prepare`` (the studio's voice and settings in the window,
the project's own on the command line); this module only runs the queue.

**Pause.** :class:`PauseGate` sits between the generator and the engine
(:class:`GatedBackend`): while paused, no request of a new paragraph starts; the paragraphs in
flight finish (the rest of a paragraph longer than one request still goes) and are written,
then the run waits. Nothing is cancelled, so nothing made is thrown away.

**Cancel.** The run's :class:`~studio.cancel.CancelToken`: open streams close, the item in
progress becomes ``stopped`` (its finished parts are in the cache), the queue is saved, and
:class:`~studio.cancel.Cancelled` is raised. Running again resumes with that item.

**Failure.** A StudioError of one item (a file gone, a full disk, a refused request) marks it
``failed`` with the message, and the run goes on with the next item.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from studio.cancel import Cancelled, CancelToken
from studio.core.exporter import ExportOptions, ExportResult, RunTuning, export_plan
from studio.core.queue_sources import QueueSource, item_document, read_source
from studio.core.render_queue import QueueItem, QueueState, RenderQueue
from studio.core.script import plan_render
from studio.errors import StudioError

if TYPE_CHECKING:
    from studio.core.cache import SpeechCache
    from studio.core.longform import Progress
    from studio.core.render_inputs import RenderInputs

__all__ = ["GatedBackend", "Listener", "PauseGate", "Prepare", "Prepared", "QueueRunner"]

log = logging.getLogger(__name__)

#: Backend calls that start speech (they wait at the gate); everything else passes through.
_SPEECH_CALLS = frozenset({"stream_with_timestamps", "dialogue_with_timestamps"})


class PauseGate:
    """Open or closed; :meth:`wait` returns at once while open and blocks while closed."""

    def __init__(self) -> None:
        self._open = threading.Event()
        self._open.set()

    @property
    def paused(self) -> bool:
        return not self._open.is_set()

    def pause(self) -> None:
        self._open.clear()

    def resume(self) -> None:
        self._open.set()

    def wait(self, cancel: CancelToken) -> None:
        """Block while paused; raise Cancelled when ``cancel`` is (checked a few times a second)."""
        while not self._open.wait(0.05):
            cancel.raise_if_cancelled()
        cancel.raise_if_cancelled()


class GatedBackend:
    """``backend`` whose speech calls wait at ``gate`` first (every other attribute is the backend's).

    ``paragraphs``: request text → the paragraphs (block indices) it speaks. A request for a
    paragraph that has already begun is let through while paused, so a paragraph longer than
    one request is finished rather than cut in two."""

    def __init__(self, backend: Any, gate: PauseGate, cancel: CancelToken,
                 paragraphs: dict[str, frozenset[int]] | None = None) -> None:
        self._backend = backend
        self._gate = gate
        self._cancel = cancel
        self._paragraphs = paragraphs or {}
        self._begun: set[int] = set()
        self._lock = threading.Lock()

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._backend, name)
        if name not in _SPEECH_CALLS:
            return value

        def gated(request: Any, *args: Any, **kwargs: Any) -> Any:
            blocks = self._paragraphs.get(getattr(request, "text", None) or "", frozenset())
            with self._lock:
                begun = bool(blocks & self._begun)
            if not begun:
                self._gate.wait(self._cancel)
            with self._lock:
                self._begun |= blocks
            return value(request, *args, **kwargs)

        return gated


@dataclass
class Prepared:
    """How to speak one item: its source read now, the inputs, and what to close afterwards."""

    source: QueueSource
    inputs: RenderInputs
    close: Callable[[], None] = field(default=lambda: None)
    #: Export choices besides the destination (subtitles, loudness, tags).
    options: ExportOptions | None = None


#: The caller's part: item → how to speak it (may block: it runs on the run's thread).
Prepare = Callable[[QueueItem, QueueSource, CancelToken], Prepared]

#: Told after every change worth showing: the item, and the run's latest Progress for it (or None).
Listener = Callable[[QueueItem, "Progress | None"], None]


class QueueRunner:
    def __init__(self, queue: RenderQueue, prepare: Prepare, *, cache: SpeechCache | None,
                 gate: PauseGate | None = None, tuning: RunTuning = RunTuning(),
                 on_update: Listener | None = None, overwrite: bool = False) -> None:
        self.queue = queue
        self.prepare = prepare
        self.cache = cache
        self.gate = gate or PauseGate()
        self.tuning = tuning
        self.on_update = on_update or (lambda _item, _progress: None)
        self.overwrite = overwrite
        #: Every export this run finished, in order.
        self.results: list[tuple[QueueItem, ExportResult]] = []
        #: Takes made: (item, block id, take), for a window that shows the same document.
        self.on_take: Callable[[QueueItem, str, Any], None] | None = None

    def run(self, cancel: CancelToken) -> list[tuple[QueueItem, ExportResult]]:
        """Export every runnable item in order. Raises Cancelled (the queue is saved first)."""
        while (item := self.queue.next_item()) is not None:
            cancel.raise_if_cancelled()
            self._run_item(item, cancel)
        return self.results

    def _set(self, item: QueueItem, state: QueueState, error: str = "") -> None:
        item.state, item.error = state, error
        self.queue.save()
        self.on_update(item, None)

    def _run_item(self, item: QueueItem, cancel: CancelToken) -> None:
        self._set(item, QueueState.RUNNING)
        prepared: Prepared | None = None
        try:
            source = read_source(item.source)
            prepared = self.prepare(item, source, cancel)
            result = self._export(item, prepared, cancel)
        except Cancelled:
            self._set(item, QueueState.STOPPED)
            raise
        except StudioError as error:
            if cancel.cancelled:
                self._set(item, QueueState.STOPPED)
                raise Cancelled() from error
            log.info("queue item %s failed: %s", item.title, error)
            self._set(item, QueueState.FAILED, str(error))
            return
        finally:
            if prepared is not None:
                prepared.close()
        item.characters_done = item.characters
        self.results.append((item, result))
        self._set(item, QueueState.DONE)

    def _export(self, item: QueueItem, prepared: Prepared, cancel: CancelToken) -> ExportResult:
        from dataclasses import replace

        document, text = item_document(item, prepared.source)
        inputs = prepared.inputs
        plan = plan_render(document, inputs.settings, inputs.capabilities, self.cache)
        base = prepared.options or ExportOptions(destination=Path(item.destination))
        options = replace(base, destination=Path(item.destination), overwrite=self.overwrite or base.overwrite)
        item.characters_done = 0

        def progress(p: Progress) -> None:
            # The plan's characters, scaled to the item's weight (counted when it was queued).
            item.characters_done = round(p.fraction * item.characters)
            self.on_update(item, p)

        def take(audio: Any) -> None:
            if self.on_take is not None and audio.new_take and audio.take is not None:
                self.on_take(item, audio.block.block_id, audio.take)

        paragraphs: dict[str, frozenset[int]] = {}
        for part in plan.parts:
            paragraphs[part.text] = paragraphs.get(part.text, frozenset()) | {part.block_index}
        gated = GatedBackend(inputs.backend, self.gate, cancel, paragraphs)
        return export_plan(plan, gated, options, script=document,
                           source=text, cache=self.cache, on_block=take, on_progress=progress, cancel=cancel,
                           tuning=self.tuning)
