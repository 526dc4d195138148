"""Keeps the counter line under the script up to date: what Play and Export will send now.

The numbers are the render plan's (:class:`~studio.ui.script_stats.PlanStats` of
:func:`studio.core.script.plan_render`), the plan Play and Export then run, so the counter
promises exactly the requests and credits they spend: paragraphs already made (a take, or
their audio in the cache) cost nothing, a long paragraph costs what the model's limit for
the account's plan makes of it.

Planning a long script takes tens of milliseconds and reads the cache folder, so it runs in
a worker on a snapshot of the document, after the document changes (the document controller
follows the editor once typing pauses) or when the voice, model, settings or account change
(:meth:`ScriptCounter.refresh`). One plan runs at a time; an answer older than the newest
question is dropped, and the newest question is asked again once the running one is done.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from studio.core.chapter_figures import chapter_figures
from studio.core.render_inputs import ready_inputs
from studio.core.script import Script, plan_render
from studio.ui.render_source import NotReadyError
from studio.ui.script_editor import ScriptEditor
from studio.ui.script_stats import PlanStats, count
from studio.ui.worker import Worker, WorkerPool

if TYPE_CHECKING:
    from studio.core.cache import SpeechCache
    from studio.core.render_inputs import RenderInputs
    from studio.ui.script_document import ScriptDocumentController

#: Changes come in bursts (a model change re-reads settings, a take arrives per paragraph): batch them.
RECOUNT_DELAY_MS = 120


class ScriptCounter(QObject):
    #: A new answer is on screen: the PlanStats (None: only characters are known yet).
    updated = Signal(object)

    def __init__(
        self,
        view: ScriptEditor,
        document: ScriptDocumentController,
        pool: WorkerPool,
        inputs: Callable[[], RenderInputs],
        cache: SpeechCache | None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.view = view
        self._document = document
        self._pool = pool
        self._inputs = inputs
        self._cache = cache
        self.stats: PlanStats | None = None
        self._question = 0  # bumped for every recount; answers to older ones are dropped
        self._worker: Worker | None = None
        self._ask_again = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(RECOUNT_DELAY_MS)
        self._timer.timeout.connect(self.recount)
        document.changed.connect(self._timer.start)
        self._show(None)

    @property
    def busy(self) -> bool:
        """A recount is waiting or running (tests wait for this to end)."""
        return self._timer.isActive() or self._worker is not None or self._ask_again

    def refresh(self) -> None:
        """The voice, model, settings, engine or account changed: count again shortly."""
        self._timer.start()

    def recount(self) -> None:
        """Ask again now (the answer arrives from a worker)."""
        self._timer.stop()
        self._question += 1
        if self._worker is not None:
            self._ask_again = True  # one plan at a time: the newest question follows it
            return
        self._ask_again = False
        text = self._document.text
        try:
            inputs = self._inputs()
        except NotReadyError:
            inputs = None
        if inputs is None or not getattr(inputs.backend, "is_ready", True) or not text.strip():
            # No engine (or one still starting: the plan would be another engine's), no voice,
            # or nothing written: characters only, until the window says something changed.
            self._show(None)
            return
        script = self._document.snapshot()  # the worker's own copy: the GUI thread keeps editing
        worker = self._worker = Worker(_plan_stats, self._question, script, inputs, self._cache, len(text))
        # Bound methods: a window torn down before the answer comes simply never hears it.
        worker.signals.finished.connect(self._on_answer)
        worker.signals.errored.connect(self._on_failed)
        worker.signals.aborted.connect(self._on_failed)
        self._pool.start(worker)

    def _on_answer(self, answer: tuple[int, PlanStats]) -> None:
        question, stats = answer
        self._worker = None
        if question == self._question and not self._ask_again:
            self._show(stats)
        else:
            self.recount()

    def _on_failed(self, _error: object = None) -> None:
        self._worker = None
        if self._ask_again:
            self.recount()
        else:
            self._show(None)  # Play or Export will say what is wrong, in words

    def _show(self, stats: PlanStats | None) -> None:
        self.stats = stats
        if stats is None:
            self.view.show_counter(count(len(self._document.text), "character"), False, "")
        else:
            self.view.show_counter(stats.describe(), False, stats.tooltip())
        self.updated.emit(stats)


def _plan_stats(_token: object, question: int, script: Script, inputs: RenderInputs,
                cache: SpeechCache | None, characters: int) -> tuple[int, PlanStats]:
    # As Play and Export will speak (their pronunciation synced to the account the same way), so
    # the counter's plan is theirs; its notes are for the runs that spend to say.
    inputs = ready_inputs(inputs, notify=False)
    plan = plan_render(script, inputs.settings, inputs.capabilities, cache)
    # The outline's figures come from this same plan (no second planning of the script).
    return question, replace(PlanStats.of(plan, characters), chapters=chapter_figures(plan, cache))
