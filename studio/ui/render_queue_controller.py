"""The Render Queue dock's logic: the queue file, adding to it, and the run, all in workers.

The queue itself (:class:`~studio.core.render_queue.RenderQueue`) and its run
(:class:`~studio.core.queue_runner.QueueRunner`) are the command line's; this controller only
puts them on :class:`~studio.ui.worker.WorkerPool` threads (the GUI thread never reads a
source, plans, waits for the engine or writes the queue file) and reports back with queued
signals. Items are spoken the way the window speaks now (its engine, voice, model, settings
and dictionaries, as Export Audio does): :meth:`start` takes the window's
:class:`~studio.core.render_inputs.RenderInputs` once, and each item's worker readies them.

Chapters of the open project are queued from a snapshot of it, saved beside the queue (the
app's data folder), so they can be exported later, after the project changed or the app was
closed and opened again. Takes a run makes are offered back (``take_made``): the window keeps
them when the block is in its document (a snapshot of it shares the block ids).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from studio.cancel import CancelToken
from studio.core.queue_runner import PauseGate, Prepared, QueueRunner
from studio.core.render_queue import QueueItem, QueueState, RenderQueue, default_queue_path
from studio.ui.worker import Worker, WorkerPool

if TYPE_CHECKING:
    from studio.core.cache import SpeechCache
    from studio.core.exporter import RunTuning
    from studio.core.longform import Progress
    from studio.core.project import Project
    from studio.core.queue_sources import QueueSource
    from studio.core.render_inputs import RenderInputs

__all__ = ["RenderQueueController", "snapshot_folder"]

log = logging.getLogger(__name__)


def snapshot_folder(queue_path: Path) -> Path:
    """Where snapshots of open projects queued for export are kept (beside the queue file)."""
    return queue_path.parent / "render-queue-projects"


class RenderQueueController(QObject):
    changed = Signal()  # items added, removed, or a state changed: redraw from ``queue``
    progress = Signal(float)  # the overall fraction (weighted by characters)
    running_changed = Signal(bool)
    paused_changed = Signal(bool)
    status = Signal(str)
    failed = Signal(object)  # a StudioError to show (cause and remedy)
    take_made = Signal(str, object)  # (block id, Take)

    # Emitted on the run's thread, queued to the GUI thread.
    _item_changed = Signal(object, object)  # QueueItem, Progress | None
    _worker_take = Signal(str, object)

    def __init__(self, pool: WorkerPool, inputs: Callable[[], RenderInputs], cache: SpeechCache | None, *,
                 path: Path | None = None, tuning: RunTuning | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = pool
        self._inputs = inputs
        self.cache = cache
        self.path = path or default_queue_path()
        self.tuning = tuning
        self.queue = RenderQueue(path=self.path)
        self.gate = PauseGate()
        self.loaded = False
        self._run: Worker | None = None
        self._item_changed.connect(self._on_item_changed)
        self._worker_take.connect(self.take_made)

    # -- state ------------------------------------------------------------------------------

    @property
    def is_running(self) -> bool:
        return self._run is not None

    @property
    def is_paused(self) -> bool:
        return self.gate.paused

    # -- the file ---------------------------------------------------------------------------

    def load(self) -> None:
        """Read the saved queue in a worker (an item cut off by closing the app is stopped)."""
        worker = Worker(lambda _token: RenderQueue.load(self.path))
        worker.signals.finished.connect(self._on_loaded)
        worker.signals.errored.connect(self.failed)
        self.pool.start(worker)

    def _on_loaded(self, queue: RenderQueue) -> None:
        if self._run is None:  # a run started meanwhile keeps the queue it has
            with self.queue.lock:
                queue.items = [*queue.items, *self.queue.items]  # items added while loading stay
            self.queue = queue
        self.loaded = True
        self._announce()

    def _save(self) -> None:
        queue = self.queue
        worker = Worker(lambda _token: queue.save())
        worker.signals.errored.connect(self.failed)
        self.pool.start(worker)

    # -- adding -----------------------------------------------------------------------------

    def add_files(self, paths: list[Path], folder: Path, *, suffix: str, by_chapter: bool) -> None:
        """Queue ``paths`` (read in a worker: a book is imported to count its chapters)."""
        from studio.core.queue_sources import queue_items

        def work(_token: CancelToken) -> list[QueueItem]:
            return [i for p in paths for i in queue_items(p, folder, suffix=suffix, by_chapter=by_chapter)]

        self._adding(Worker(work))

    def add_chapters(self, project: Project, name: str, chapter_ids: list[str], folder: Path, *, suffix: str) -> None:
        """Queue chapters of the open project: a snapshot of it (taken by the caller on the GUI
        thread) is saved beside the queue and the items refer to it."""
        from studio.core.project import save_project
        from studio.core.queue_sources import QueueSource, queue_items

        target = snapshot_folder(self.path) / f"{uuid.uuid4().hex}.narration"

        def work(_token: CancelToken) -> list[QueueItem]:
            target.parent.mkdir(parents=True, exist_ok=True)
            saved = save_project(target, project)
            source = QueueSource(project.document(), project.script, project)
            return queue_items(saved, folder, suffix=suffix, chapter_ids=chapter_ids, source=source, name=name)

        self._adding(Worker(work))

    def _adding(self, worker: Worker) -> None:
        worker.signals.finished.connect(self._on_added)
        worker.signals.errored.connect(self.failed)
        self.pool.start(worker)

    def _on_added(self, items: list[QueueItem]) -> None:
        from studio.errors import StudioError

        added = 0
        for item in items:
            try:
                self.queue.add(item)
                added += 1
            except StudioError as error:
                self.failed.emit(error)
        if added:
            self._save()
            self.status.emit(f"Added {added} item{'s' if added != 1 else ''} to the render queue.")
        self._announce()

    def remove(self, item_id: str) -> None:
        from studio.errors import StudioError

        try:
            self.queue.remove(item_id)
        except (KeyError, StudioError) as error:
            if isinstance(error, StudioError):
                self.failed.emit(error)
            return
        self._save()
        self._announce()

    def clear_finished(self) -> None:
        if self.queue.clear_finished():
            self._save()
        self._announce()

    # -- the run ----------------------------------------------------------------------------

    def start(self) -> bool:
        """Start (or resume) exporting what waits; while paused, go on instead. The window's
        inputs are read here, on the GUI thread (NotReadyError in plain words if it cannot speak)."""
        if self.gate.paused:
            self.resume()
            return True
        if self._run is not None:
            return False
        self.queue.retry_failed()
        if not self.queue.has_work:
            self.status.emit("Nothing waits in the render queue.")
            return False
        from studio.errors import StudioError

        try:
            inputs = self._inputs()
        except StudioError as error:  # no engine or no voice yet
            self.failed.emit(error)
            return False
        worker = self._run = Worker(self._run_work, inputs)
        worker.signals.finished.connect(self._on_run_finished)
        worker.signals.errored.connect(self._on_run_failed)
        worker.signals.aborted.connect(self._on_run_cancelled)
        self.running_changed.emit(True)
        self.pool.start(worker)
        return True

    def _run_work(self, token: CancelToken, inputs: RenderInputs) -> int:
        from studio.core.exporter import RunTuning
        from studio.core.render_inputs import ready_inputs

        def prepare(_item: QueueItem, source: QueueSource, cancel: CancelToken) -> Prepared:
            return Prepared(source, ready_inputs(inputs, cancel))  # waits for an engine still starting

        runner = QueueRunner(self.queue, prepare, cache=self.cache, gate=self.gate, tuning=self.tuning or RunTuning(),
                             on_update=lambda item, p: self._item_changed.emit(item, p))
        runner.on_take = lambda _item, block_id, take: self._worker_take.emit(block_id, take)
        return len(runner.run(token))

    def pause(self) -> None:
        """No new request starts; the ones in flight finish and are written, then the run waits."""
        if self._run is not None and not self.gate.paused:
            self.gate.pause()
            self.paused_changed.emit(True)
            self.status.emit("Render queue paused: the paragraph in progress is finished, then it waits.")

    def resume(self) -> None:
        if self.gate.paused:
            self.gate.resume()
            self.paused_changed.emit(False)

    def cancel(self) -> None:
        """Stop the run: the item in progress is stopped (its finished parts stay in the cache)."""
        if self._run is not None:
            self._run.cancel()  # a paused run wakes at the gate and stops

    def shutdown(self) -> None:
        self.cancel()

    def _run_over(self) -> None:
        self._run = None
        if self.gate.paused:
            self.gate.resume()
            self.paused_changed.emit(False)
        self.running_changed.emit(False)
        self._announce()

    def _on_run_finished(self, exported: int) -> None:
        self._run_over()
        failed = sum(1 for i in self.queue.items if i.state is QueueState.FAILED)
        tail = f"; {failed} failed (see the queue)" if failed else ""
        self.status.emit(f"Render queue finished: {exported} exported{tail}.")

    def _on_run_failed(self, error: object) -> None:
        self._run_over()
        self.failed.emit(error)

    def _on_run_cancelled(self) -> None:
        self._run_over()
        self.status.emit("Render queue stopped. Finished parts are kept; Start resumes where it stopped.")

    def _on_item_changed(self, _item: QueueItem, progress: Progress | None) -> None:
        if progress is None:
            self.changed.emit()
        self.progress.emit(self.queue.fraction)

    def _announce(self) -> None:
        self.changed.emit()
        self.progress.emit(self.queue.fraction)

    def state_of(self, item: QueueItem) -> str:
        """How the dock says an item's state (a paused run's item says so)."""
        if item.state is QueueState.RUNNING and self.gate.paused:
            return "Paused"
        return item.state.label

    def items(self) -> list[QueueItem]:
        with self.queue.lock:
            return list(self.queue.items)

    def __repr__(self) -> str:  # pragma: no cover - for debugging only
        return f"<RenderQueueController {len(self.queue.items)} items running={self.is_running}>"
