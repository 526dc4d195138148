"""The export dialog's logic: checks and the export itself run in workers; results come back as signals.

Two steps, both on a :class:`~studio.ui.worker.WorkerPool` thread (the GUI thread never
touches the disk, the cache or the network):

1. :meth:`ExportController.check` — refuse what needs no work (unknown format, missing or
   read-only folder, nothing to speak), plan the segments against the cache, and list the
   files that already exist, so the dialog can ask before replacing them.
2. :meth:`ExportController.start` — :func:`studio.core.exporter.export_script` with the
   worker's :class:`~studio.core.cancel.CancelToken`. The generator's progress callback runs
   on the worker thread and is re-emitted as a queued signal.

A cancelled or failed run leaves nothing at the destination (the exporter writes a temporary
file and renames it only at the end) and keeps every finished segment in the
:class:`~studio.core.cache.SpeechCache`, so running again requests only what is missing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from studio.core.cancel import CancelToken
from studio.core.exporter import (
    ExportOptions,
    ExportResult,
    check_export,
    export_script,
    subtitle_path,
)
from studio.core.longform import LongformGenerator, LongformSettings, Plan, Progress
from studio.ui.worker import Worker, WorkerPool

if TYPE_CHECKING:
    from studio.api.models import Model, Subscription
    from studio.api.requests import TextToSpeechRequest
    from studio.core.backend import SynthesisBackend
    from studio.core.cache import SpeechCache

log = logging.getLogger(__name__)


@dataclass
class Preflight:
    """What the check found: the plan to run, and the files an export would replace."""

    options: ExportOptions
    plan: Plan
    generator: LongformGenerator
    existing: list[Path]

    @property
    def parts_total(self) -> int:
        return len(self.plan.segments)

    @property
    def parts_cached(self) -> int:
        return sum(self.plan.cached)


@dataclass
class _RunState:
    """Written by the worker before it ends, read on the GUI thread after its last signal."""

    plan: Plan | None = None
    result: ExportResult | None = None
    saved_parts: int = 0


def longform_settings_for(
    request: TextToSpeechRequest, *, pause_ms: int = 0, concurrency: int | None = None
) -> LongformSettings:
    """Long-form settings that speak like ``request`` (the main window's "what to speak now")."""
    from studio.api.formats import parse_output_format

    try:
        parsed = parse_output_format(request.output_format)
    except ValueError:
        parsed = None
    output_format = request.output_format if parsed is not None and parsed.is_pcm else "pcm_24000"
    return LongformSettings(
        voice_id=request.voice_id,
        model_id=request.model_id,
        voice_settings=request.voice_settings,
        seed=request.seed,
        output_format=output_format,
        language_code=request.language_code,
        pause_ms=pause_ms,
        concurrency=concurrency,
    )


def files_written_by(options: ExportOptions) -> list[Path]:
    """The audio file and every subtitle file an export with ``options`` creates."""
    return [options.destination, *(subtitle_path(options.destination, f) for f in options.subtitle_formats)]


class ExportController(QObject):
    """Runs one export at a time for the dialog. Every signal arrives on the GUI thread."""

    checked = Signal(object)  # Preflight
    progress = Signal(object)  # Progress
    finished = Signal(object)  # ExportResult
    failed = Signal(object)  # an exception (a StudioError for anything a person can act on)
    cancelled = Signal(int)  # finished parts kept in the cache
    running_changed = Signal(bool)
    stage = Signal(str)  # what happens after the last part: "Normalising loudness", …

    # Emitted on the worker thread (queued to the GUI thread): run number, Progress.
    _worker_progress = Signal(int, object)
    _worker_stage = Signal(int, str)

    def __init__(
        self,
        backend: SynthesisBackend,
        settings: LongformSettings,
        *,
        pool: WorkerPool,
        cache: SpeechCache | None,
        model: Model | None = None,
        subscription: Subscription | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.backend = backend
        self.settings = settings
        self.pool = pool
        self.cache = cache
        self.model = model
        self.subscription = subscription
        self._worker: Worker | None = None
        self._run = 0
        self._state = _RunState()
        self._worker_progress.connect(self._relay_progress)
        self._worker_stage.connect(self._relay_stage)

    # -- state ------------------------------------------------------------------------------

    @property
    def is_running(self) -> bool:
        return self._worker is not None

    @property
    def is_offline(self) -> bool:
        return getattr(self.backend, "engine_id", "") == "offline"

    def cancel(self) -> None:
        """Stop the current check or export. Open streams close at once; the worker reports back."""
        if self._worker is not None:
            self._worker.cancel()

    # -- step 1: check --------------------------------------------------------------------

    def check(self, script: str, options: ExportOptions, pause_ms: int | None = None) -> bool:
        """Validate and plan in a worker; emits ``checked(Preflight)`` or ``failed``."""
        if self._worker is not None:
            return False
        settings = self.settings if pause_ms is None else replace(self.settings, pause_ms=max(0, pause_ms))
        worker = Worker(self._check_work, script, options, settings)
        self._begin(worker)
        run = self._run
        worker.signals.finished.connect(lambda found, run=run: self._emit_if_current(run, self.checked, found))
        worker.signals.errored.connect(lambda error, run=run: self._emit_if_current(run, self.failed, error))
        worker.signals.aborted.connect(lambda run=run: self._emit_if_current(run, self.cancelled, 0))
        self.pool.start(worker)
        return True

    def _check_work(self, token: CancelToken, script: str, options: ExportOptions,
                    settings: LongformSettings) -> Preflight:
        # Refusals that cost nothing first (as if replacing were allowed: whether to replace is
        # asked afterwards, and only when the export could otherwise go ahead).
        check_export(replace(options, overwrite=True))
        token.raise_if_cancelled()
        generator = LongformGenerator(
            self.backend, settings, cache=self.cache, model=self.model, subscription=self.subscription
        )
        plan = generator.plan(script)  # NothingToSpeakError for an empty or punctuation-only script
        existing = [path for path in files_written_by(options) if path.exists()]
        return Preflight(options=options, plan=plan, generator=generator, existing=existing)

    # -- step 2: export -------------------------------------------------------------------

    def start(self, preflight: Preflight, *, overwrite: bool) -> bool:
        """Export what ``preflight`` planned. ``overwrite`` only after the person agreed."""
        if self._worker is not None:
            return False
        options = replace(preflight.options, overwrite=overwrite)
        self._state = state = _RunState(plan=preflight.plan)
        run = self._run + 1  # the number _begin gives this run
        worker = Worker(self._export_work, preflight, options, state,
                        lambda text, run=run: self._worker_stage.emit(run, text))
        self._begin(worker)
        preflight.generator.on_progress = lambda p, run=run: self._worker_progress.emit(run, p)
        worker.signals.finished.connect(lambda result, run=run: self._emit_if_current(run, self.finished, result))
        worker.signals.errored.connect(lambda error, run=run: self._emit_if_current(run, self.failed, error))
        worker.signals.aborted.connect(lambda run=run, state=state: self._on_aborted(run, state))
        self.pool.start(worker)
        return True

    def _export_work(self, token: CancelToken, preflight: Preflight, options: ExportOptions,
                     state: _RunState, on_stage: Callable[[str], None]) -> ExportResult:
        plan = preflight.plan
        try:
            result = export_script(preflight.generator, plan.script, options, cancel=token, plan=plan,
                                   on_stage=on_stage)
        except BaseException:
            if token.cancelled:
                state.saved_parts = self._count_cached(plan)
            raise
        # A cancel that arrived while the file was being renamed into place comes too late:
        # the export is complete, and the dialog must say so rather than "cancelled".
        state.result = result
        return result

    def _count_cached(self, plan: Plan) -> int:
        """Segments of ``plan`` whose speech is in the cache (reads the cache folder: worker only)."""
        if self.cache is None:
            return 0
        cache = self.cache
        return sum(1 for key in plan.keys if key is not None and key in cache)

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
