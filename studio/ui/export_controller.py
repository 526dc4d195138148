"""The export dialog's logic: the plan, the checks and the export run in workers; results come back as signals.

Everything goes through the one render plan (:func:`studio.core.script.plan_render`) of
the script document the dialog was opened with, so the export uses each paragraph's chosen
take, never regenerates a locked one, gets every part already made (by Play, an earlier
export or the command line) from the cache, and costs exactly what the plan says. Steps,
each on a :class:`~studio.ui.worker.WorkerPool` thread (the GUI thread never touches the
disk, the cache or the network, nor waits for an engine that is still starting):

* :meth:`ExportController.estimate` — the plan alone, so the dialog can say what the export
  will cost before anything is chosen (``estimated(RenderPlan)``).
* :meth:`ExportController.check` — refuse what needs no work (unknown format, missing or
  read-only folder, nothing to speak), plan against the cache, and list the files that
  already exist, so the dialog can ask before replacing them (``checked(Preflight)``).
* :meth:`ExportController.start` — :func:`studio.core.exporter.export_plan` with the
  worker's :class:`~studio.cancel.CancelToken`. Progress is re-emitted as a queued
  signal; every take the export makes is sent back as ``take_made(block_id, take)`` (also
  after a cancel or a failure: it is complete and paid for), for the window's document.

A cancelled or failed run leaves nothing at the destination (the exporter writes a temporary
file and renames it only at the end) and keeps every finished part in the
:class:`~studio.core.cache.SpeechCache`, so running again requests only what is missing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from studio.cancel import CancelToken
from studio.core.audiobook.export_target import is_chapter_folder
from studio.core.exporter import ExportOptions, ExportResult, RunTuning, check_export, export_plan, subtitle_path
from studio.core.longform import Progress
from studio.core.render import BlockAudio
from studio.core.render_inputs import ready_inputs
from studio.core.script import RenderPlan, Script, plan_render
from studio.core.subtitle_preview import SubtitlePreview, preview_subtitles
from studio.ui.worker import Worker, WorkerPool

if TYPE_CHECKING:
    from studio.core.cache import SpeechCache
    from studio.core.render_inputs import RenderInputs

log = logging.getLogger(__name__)


@dataclass
class Preflight:
    """What the check found: the plan to run (and what it runs with), and the files it would replace."""

    options: ExportOptions
    plan: RenderPlan
    inputs: RenderInputs
    existing: list[Path]

    @property
    def parts_total(self) -> int:
        return len(self.plan.parts)

    @property
    def parts_cached(self) -> int:
        return sum(1 for p in self.plan.parts if p.cached)


@dataclass
class _RunState:
    """Written by the worker before it ends, read on the GUI thread after its last signal."""

    plan: RenderPlan | None = None
    result: ExportResult | None = None
    saved_parts: int = 0


def files_written_by(options: ExportOptions) -> list[Path]:
    """The audio file and every subtitle file an export with ``options`` creates (a folder per
    chapter holds its subtitles: the folder is the one thing replaced)."""
    if is_chapter_folder(options):
        return [options.destination]
    return [options.destination, *(subtitle_path(options.destination, f) for f in options.subtitle_formats)]


class ExportController(QObject):
    """Runs one export at a time for the dialog. Every signal arrives on the GUI thread."""

    estimated = Signal(object)  # RenderPlan
    checked = Signal(object)  # Preflight
    progress = Signal(object)  # Progress
    finished = Signal(object)  # ExportResult
    failed = Signal(object)  # an exception (a StudioError for anything a person can act on)
    cancelled = Signal(int)  # finished parts kept in the cache
    running_changed = Signal(bool)
    stage = Signal(str)  # what happens after the last part: "Normalising loudness", …
    #: A take the export made: (block id, Take). Emitted from the worker, so queued.
    take_made = Signal(str, object)

    # Emitted on the worker thread (queued to the GUI thread): run number, Progress.
    _worker_progress = Signal(int, object)
    _worker_stage = Signal(int, str)

    def __init__(
        self,
        script: Script,
        inputs: RenderInputs,
        *,
        pool: WorkerPool,
        cache: SpeechCache | None,
        source: str | None = None,
        tuning: RunTuning = RunTuning(),
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        #: The dialog's own copy of the document (a snapshot): only this controller's
        #: workers read it, one at a time, and record the takes they make in it.
        self.script = script
        self.inputs = inputs
        self.source = source
        self.pool = pool
        self.cache = cache
        self.tuning = tuning
        self._worker: Worker | None = None
        self._estimate: Worker | None = None
        #: An export waiting for the estimate to finish reading the script it will record in.
        self._deferred: Callable[[], None] | None = None
        self._run = 0
        self._state = _RunState()
        self._worker_progress.connect(self._relay_progress)
        self._worker_stage.connect(self._relay_stage)

    # -- state ------------------------------------------------------------------------------

    @property
    def is_running(self) -> bool:
        """A check or an export runs (the estimate does not count: closing simply drops it)."""
        return self._worker is not None

    @property
    def is_offline(self) -> bool:
        return not self.inputs.capabilities.charges

    def cancel(self) -> None:
        """Stop the current check or export. Open streams close at once; the worker reports back."""
        if self._worker is not None:
            self._worker.cancel()  # one still deferred starts cancelled, and says so at once

    def drop_estimate(self) -> None:
        """The dialog closes: an estimate still running is not wanted any more."""
        if self._estimate is not None:
            self._estimate.cancel()

    # -- the plan ---------------------------------------------------------------------------

    def _plan(self, inputs: RenderInputs) -> RenderPlan:
        return plan_render(self.script, inputs.settings, inputs.capabilities, self.cache)

    def _ready_plan(self, token: CancelToken) -> tuple[RenderInputs, RenderPlan]:
        """The inputs of the engine that runs, and the plan with them (blocks: workers only)."""
        # Nothing to say is refused before the engine is waited for or asked anything.
        plan_render(self.script, self.inputs.settings, self.inputs.capabilities).require_speech()
        inputs = ready_inputs(self.inputs, token)  # waits here for an engine that is still starting
        token.raise_if_cancelled()
        return inputs, self._plan(inputs)

    def estimate(self) -> bool:
        """Plan in a worker and emit ``estimated(plan)``; not while the engine is still starting
        (the check waits for it; an estimate would only hold a thread)."""
        starting = not getattr(self.inputs.backend, "is_ready", True)
        if self._estimate is not None or self._worker is not None or starting:
            return False
        worker = self._estimate = Worker(lambda token: self._ready_plan(token)[1])
        # Bound methods, not lambdas: if the dialog (and this controller) is gone before the
        # estimate is, Qt drops the connections instead of calling into a deleted object.
        worker.signals.finished.connect(self._on_estimated)
        worker.signals.errored.connect(self._on_estimate_failed)  # the check says it in words, if it matters
        worker.signals.aborted.connect(self._on_estimate_failed)
        self.pool.start(worker)
        return True

    def _on_estimated(self, plan: RenderPlan) -> None:
        self._estimate_over()
        if self._worker is None:  # a running check or export says more
            self.estimated.emit(plan)

    def _on_estimate_failed(self, _error: object = None) -> None:
        self._estimate_over()

    def _estimate_over(self) -> None:
        self._estimate = None
        deferred, self._deferred = self._deferred, None
        if deferred is not None:
            deferred()

    def preview_work(self) -> Callable[[CancelToken, ExportOptions], SubtitlePreview]:
        """What the subtitle check runs in its worker: the export's timings from the takes made so far.

        Over its own snapshot of the document (taken here, on the GUI thread), so it never
        reads the script an export is recording takes in.
        """
        snapshot = Script([replace(b, takes=list(b.takes)) for b in self.script])
        inputs, cache, source = self.inputs, self.cache, self.source

        def work(token: CancelToken, options: ExportOptions) -> SubtitlePreview:
            ready = ready_inputs(inputs, token)
            plan = plan_render(snapshot, ready.settings, ready.capabilities, cache)
            return preview_subtitles(plan, ready.backend, options, cache=cache, source=source)

        return work

    # -- step 1: check --------------------------------------------------------------------

    def check(self, options: ExportOptions) -> bool:
        """Validate and plan in a worker; emits ``checked(Preflight)`` or ``failed``."""
        if self._worker is not None:
            return False
        worker = Worker(self._check_work, options)
        self._begin(worker)
        run = self._run
        worker.signals.finished.connect(lambda found, run=run: self._emit_if_current(run, self.checked, found))
        worker.signals.errored.connect(lambda error, run=run: self._emit_if_current(run, self.failed, error))
        worker.signals.aborted.connect(lambda run=run: self._emit_if_current(run, self.cancelled, 0))
        self.pool.start(worker)
        return True

    def _check_work(self, token: CancelToken, options: ExportOptions) -> Preflight:
        # Refusals that cost nothing first (as if replacing were allowed: whether to replace is
        # asked afterwards, and only when the export could otherwise go ahead).
        check_export(replace(options, overwrite=True))
        token.raise_if_cancelled()
        inputs, plan = self._ready_plan(token)  # NothingToSpeakError for an empty or punctuation-only script
        plan.require_speech()  # a locked paragraph whose audio has gone may leave nothing to hear
        existing = [path for path in files_written_by(options) if path.exists()]
        return Preflight(options=options, plan=plan, inputs=inputs, existing=existing)

    # -- step 2: export -------------------------------------------------------------------

    def start(self, preflight: Preflight, *, overwrite: bool) -> bool:
        """Export what ``preflight`` planned. ``overwrite`` only after the person agreed."""
        if self._worker is not None:
            return False
        options = replace(preflight.options, overwrite=overwrite)
        self._state = state = _RunState(plan=preflight.plan)
        run = self._run + 1  # the number _begin gives this run
        worker = Worker(self._export_work, preflight, options, state, run)
        self._begin(worker)
        worker.signals.finished.connect(lambda result, run=run: self._emit_if_current(run, self.finished, result))
        worker.signals.errored.connect(lambda error, run=run: self._emit_if_current(run, self.failed, error))
        worker.signals.aborted.connect(lambda run=run, state=state: self._on_aborted(run, state))
        if self._estimate is None:
            self.pool.start(worker)
        else:
            # The export records its takes in the script the estimate is still reading:
            # start once it is done (a few milliseconds; the dialog already shows "exporting").
            self._deferred = lambda: self.pool.start(worker)
        return True

    def _export_work(self, token: CancelToken, preflight: Preflight, options: ExportOptions,
                     state: _RunState, run: int) -> ExportResult:
        plan = preflight.plan
        try:
            result = export_plan(
                plan, preflight.inputs.backend, options, script=self.script, source=self.source, cache=self.cache,
                on_block=self._send_take,
                on_progress=lambda p: self._worker_progress.emit(run, p),
                on_stage=lambda text: self._worker_stage.emit(run, text),
                cancel=token, tuning=self.tuning,
            )
        except BaseException:
            if token.cancelled:
                state.saved_parts = self._count_cached(plan)
            raise
        # A cancel that arrived while the file was being renamed into place comes too late:
        # the export is complete, and the dialog must say so rather than "cancelled".
        state.result = result
        return result

    def _send_take(self, audio: BlockAudio) -> None:
        if audio.new_take and audio.take is not None:
            self.take_made.emit(audio.block.block_id, audio.take)

    def _count_cached(self, plan: RenderPlan) -> int:
        """Parts of ``plan`` whose speech is in the cache (reads the cache folder: worker only)."""
        if self.cache is None:
            return 0
        cache = self.cache
        return sum(1 for key in {p.key for p in plan.parts} if key is not None and key in cache)

    # -- plumbing -------------------------------------------------------------------------

    def _begin(self, worker: Worker) -> None:
        self._run += 1
        self._worker = worker
        self.running_changed.emit(True)

    def _end(self, run: int) -> bool:
        """Mark run ``run`` over (before its outcome is announced, so a slot may start the next)."""
        if run != self._run or self._worker is None:
            return False
        self._worker = None
        self.running_changed.emit(False)
        return True

    def _emit_if_current(self, run: int, signal: Any, value: Any) -> None:
        if self._end(run):
            signal.emit(value)

    def _relay_progress(self, run: int, progress: Progress) -> None:
        if run == self._run and self._worker is not None:
            self.progress.emit(progress)

    def _relay_stage(self, run: int, text: str) -> None:
        if run == self._run and self._worker is not None:
            self.stage.emit(text)

    def _on_aborted(self, run: int, state: _RunState) -> None:
        if not self._end(run):
            return
        if state.result is not None:
            self.finished.emit(state.result)
        else:
            self.cancelled.emit(state.saved_parts)

