"""The one way background work runs in the studio.

Modelled on superqt's ``GeneratorWorker`` (DESIGN.md §2): a :class:`Worker` is a
``QRunnable`` that *holds* a signals ``QObject`` (composition, not multiple inheritance),
runs a plain Python callable on a pool thread, and reports back only through queued
signals, so receivers always run on the GUI thread.

The callable receives a :class:`~studio.core.cancel.CancelToken`. If it is a generator,
each value it yields is emitted as ``yielded`` and the token is checked between values.
Exactly one of ``finished`` / ``errored`` / ``aborted`` is emitted, then ``done``.

:class:`WorkerPool` owns the threads: ``shutdown()`` cancels everything and waits, so no
thread outlives the window that started it.
"""

from __future__ import annotations

import inspect
import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from studio.core.cancel import Cancelled, CancelToken

log = logging.getLogger(__name__)


class WorkerSignals(QObject):
    yielded = Signal(object)
    finished = Signal(object)
    errored = Signal(object)
    aborted = Signal()
    done = Signal()


class Worker(QRunnable):
    def __init__(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        super().__init__()
        self.setAutoDelete(False)  # the pool keeps it alive until `done`
        self.signals = WorkerSignals()
        self.token = CancelToken()
        self._fn = fn
        self._args = args
        self._kwargs = kwargs
        self._finished = threading.Event()

    def cancel(self) -> None:
        self.token.cancel()

    @property
    def is_done(self) -> bool:
        return self._finished.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        return self._finished.wait(timeout)

    def run(self) -> None:
        signals = self.signals
        try:
            result = self._fn(self.token, *self._args, **self._kwargs)
            if inspect.isgenerator(result):
                result = self._drain(result)
            self.token.raise_if_cancelled()
        except Cancelled:
            signals.aborted.emit()
        except Exception as exc:  # noqa: BLE001 - every failure goes to the error path
            if self.token.cancelled:
                signals.aborted.emit()
            else:
                log.debug("worker %s failed: %s", getattr(self._fn, "__qualname__", self._fn), exc)
                signals.errored.emit(exc)
        else:
            signals.finished.emit(result)
        finally:
            self._finished.set()
            signals.done.emit()

    def _drain(self, generator: Any) -> Any:
        try:
            while True:
                self.token.raise_if_cancelled()
                value = next(generator)
                # A value produced after cancel belongs to work nobody wants any more.
                self.token.raise_if_cancelled()
                self.signals.yielded.emit(value)
        except StopIteration as stop:
            return stop.value
        finally:
            generator.close()


class WorkerPool(QObject):
    """Starts workers on a private thread pool and can stop them all."""

    def __init__(self, max_threads: int = 4, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        self._active: set[Worker] = set()

    def start(self, worker: Worker) -> Worker:
        self._active.add(worker)
        worker.signals.done.connect(lambda w=worker: self._active.discard(w))
        self._pool.start(worker)
        return worker

    def run(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Worker:
        """Start ``fn`` at once. Only for work whose signals nobody needs: a quick worker can
        finish before a connection made afterwards exists. To hear results, create a
        :class:`Worker`, connect its signals, then :meth:`start` it."""
        return self.start(Worker(fn, *args, **kwargs))

    @property
    def active_count(self) -> int:
        return len(self._active)

    def shutdown(self, timeout_ms: int = 5000) -> bool:
        """Cancel every worker and wait for the threads to finish."""
        for worker in list(self._active):
            worker.cancel()
        self._pool.clear()  # drop work that never started
        return self._pool.waitForDone(timeout_ms)
