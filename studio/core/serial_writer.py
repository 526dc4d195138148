"""Disk writes one after another, in the order they were asked for, off the caller's thread.

Saves, autosaves and recovery-file clears used to run as independent workers on a thread
pool, so an earlier write could finish after a later one: an old autosave recreating the
recovery file right after the save that made it unnecessary, or an older save overwriting a
newer one. A :class:`SerialWriter` runs every job it is given on one background thread, in
FIFO order, so a job always sees the disk as every earlier job left it.

The thread exists only while there is work: it is started by :meth:`SerialWriter.submit`
when none runs and ends once the queue is empty. It is *not* a daemon thread, so a process
that is exiting still finishes the writes handed over before it ends — closing the window
never has to wait for them (the write is not lost, the GUI is not blocked).

Qt-free on purpose: the GUI side (:class:`studio.ui.worker.WriteQueue`) adds the queued
signals that bring each outcome back to the GUI thread.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")


class SerialWriter:
    """A FIFO of jobs run by one background thread at a time."""

    def __init__(self, name: str = "serial-writer") -> None:
        self._name = name
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._queue: deque[tuple[Callable[[], Any], Future[Any]]] = deque()
        self._thread: threading.Thread | None = None
        self._unfinished = 0

    def submit(self, job: Callable[[], T]) -> Future[T]:
        """Queue ``job``; it runs after every job submitted before it. Never blocks."""
        future: Future[T] = Future()
        with self._lock:
            self._queue.append((job, future))
            self._unfinished += 1
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name=self._name, daemon=False)
                self._thread.start()
        return future

    @property
    def pending(self) -> int:
        """Jobs queued or running."""
        with self._lock:
            return self._unfinished

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until every job so far has run (True) or ``timeout`` passed (False).

        For tests, benchmarks and the very end of the process — never the GUI thread.
        """
        with self._idle:
            return self._idle.wait_for(lambda: self._unfinished == 0, timeout)

    def _run(self) -> None:
        while True:
            with self._lock:
                if not self._queue:
                    self._thread = None
                    return
                job, future = self._queue.popleft()
            try:
                if future.set_running_or_notify_cancel():
                    try:
                        result = job()
                    except BaseException as error:  # noqa: BLE001 - reported through the future
                        log.warning("a queued disk job failed: %s", error)
                        future.set_exception(error)
                    else:
                        future.set_result(result)
            finally:
                with self._lock:
                    self._unfinished -= 1
                    if self._unfinished == 0:
                        self._idle.notify_all()
