"""The one worker pattern: results, streamed values, errors and cancel all reach the GUI thread."""

from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtCore import QThread
from PySide6.QtWidgets import QApplication

from studio.cancel import CancelToken
from studio.ui.worker import Worker, WorkerPool


@pytest.fixture
def pool(qtbot):
    pool = WorkerPool(max_threads=2)
    yield pool
    assert pool.shutdown(5000)


def test_result_arrives_on_gui_thread(qtbot, pool) -> None:
    seen: dict[str, object] = {}

    def work(token: CancelToken) -> int:
        seen["worker_thread"] = threading.get_ident()
        return 42

    worker = Worker(work)
    worker.signals.finished.connect(
        lambda value: seen.update(value=value, on_gui=QThread.currentThread() is QApplication.instance().thread())
    )
    with qtbot.waitSignal(worker.signals.done, timeout=5000):
        pool.start(worker)
    assert seen["value"] == 42
    assert seen["on_gui"] is True
    assert seen["worker_thread"] != threading.get_ident()


def test_generator_values_are_yielded_in_order(qtbot, pool) -> None:
    values: list[int] = []

    def work(token: CancelToken):
        for i in range(5):
            yield i
        return "end"

    worker = Worker(work)
    worker.signals.yielded.connect(values.append)
    with qtbot.waitSignal(worker.signals.finished, timeout=5000) as blocker:
        pool.start(worker)
    assert values == [0, 1, 2, 3, 4]
    assert blocker.args == ["end"]


def test_error_reaches_error_path(qtbot, pool) -> None:
    def work(token: CancelToken) -> None:
        raise ValueError("broken input")

    worker = Worker(work)
    with qtbot.waitSignal(worker.signals.errored, timeout=5000) as blocker:
        pool.start(worker)
    assert isinstance(blocker.args[0], ValueError)


def test_cancel_stops_a_blocking_generator_promptly(qtbot, pool) -> None:
    unblocked = threading.Event()

    def work(token: CancelToken):
        yield "first"
        # Blocks as a network read would, until cancel fires its callback.
        token.on_cancel(unblocked.set)
        unblocked.wait(10)
        yield "never delivered"

    worker = Worker(work)
    got: list[str] = []
    worker.signals.yielded.connect(got.append)
    with qtbot.waitSignal(worker.signals.yielded, timeout=5000):
        pool.start(worker)
    started = time.monotonic()
    with qtbot.waitSignal(worker.signals.aborted, timeout=5000):
        worker.cancel()
    assert time.monotonic() - started < 2
    assert got == ["first"]


def test_shutdown_leaves_no_running_worker(qtbot) -> None:
    pool = WorkerPool(max_threads=2)

    def work(token: CancelToken) -> None:
        while not token.wait(0.01):
            pass

    workers = [pool.run(work) for _ in range(2)]
    assert pool.shutdown(5000)
    assert all(w.is_done for w in workers)
