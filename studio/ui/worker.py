"""The one way background work runs in the studio.

Modelled on superqt's ``GeneratorWorker`` (DESIGN.md §2): a :class:`Worker` is a
``QRunnable`` that *holds* a signals ``QObject`` (composition, not multiple inheritance),
runs a plain Python callable on a pool thread, and reports back only through queued
signals, so receivers always run on the GUI thread.

The callable receives a :class:`~studio.cancel.CancelToken`. If it is a generator,
each value it yields is emitted as ``yielded`` and the token is checked between values.
Exactly one of ``finished`` / ``errored`` / ``aborted`` is emitted, then ``done``.

:class:`WorkerPool` owns the threads: ``shutdown()`` cancels everything and waits, so no
thread outlives the window that started it.

Disk writes whose order matters (saves, autosaves, recovery clears) do not go to the pool:
:class:`WriteQueue` hands them to a :class:`~studio.core.serial_writer.SerialWriter` (one
thread, FIFO) and brings each outcome back to the GUI thread the same way.
"""

from __future__ import annotations

import inspect
import itertools
import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from studio.cancel import Cancelled, CancelToken
from studio.core.serial_writer import SerialWriter

log = logging.getLogger(__name__)

_running = threading.local()  # the token of the Worker running on this thread, if any


def current_token() -> CancelToken | None:
    """The cancel token of the Worker running on this thread (None elsewhere).

    For code deep inside a worker's call that may block without being handed the token
    (e.g. waiting for an engine that is still starting): it can still stop when cancelled.
    """
    return getattr(_running, "token", None)


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
        _running.token = self.token
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
            _running.token = None
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


class WriteQueue(QObject):
    """Runs writes one after another on a :class:`SerialWriter`; outcomes arrive on the GUI thread.

    ``submit(job, on_done, on_error)`` never blocks. ``on_done(result)`` or ``on_error(error)``
    runs later on the GUI thread (if this object still exists then; the write itself happens
    regardless, even while the process is exiting).
    """

    # Emitted on the writer's thread (queued to the GUI thread): job number, ok, result or error.
    _outcome = Signal(int, bool, object)

    def __init__(self, writer: SerialWriter | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.writer = writer or SerialWriter("studio-writes")
        self._numbers = itertools.count(1)
        self._callbacks: dict[int, tuple[Callable[[Any], None] | None, Callable[[BaseException], None] | None]] = {}
        self._outcome.connect(self._deliver)

    def submit(
        self,
        job: Callable[[], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> Future[Any]:
        number = next(self._numbers)
        self._callbacks[number] = (on_done, on_error)

        def run() -> Any:
            try:
                result = job()
            except BaseException as error:
                self._report(number, False, error)
                raise
            self._report(number, True, result)
            return result

        return self.writer.submit(run)

    @property
    def pending(self) -> int:
        return self.writer.pending

    def _report(self, number: int, ok: bool, value: object) -> None:
        try:
            self._outcome.emit(number, ok, value)
        except RuntimeError:  # this object is gone (the window closed): nobody is listening
            pass

    @Slot(int, bool, object)
    def _deliver(self, number: int, ok: bool, value: object) -> None:
        on_done, on_error = self._callbacks.pop(number, (None, None))
        callback = on_done if ok else on_error
        if callback is not None:
            callback(value)
