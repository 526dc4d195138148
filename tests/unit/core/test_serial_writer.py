"""The serial writer: FIFO on one thread, never blocking the caller, finishing before exit."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from studio.core.serial_writer import SerialWriter


def test_jobs_run_one_at_a_time_in_the_order_given() -> None:
    writer = SerialWriter()
    gate = threading.Event()
    order: list[int] = []
    running = [0]
    overlap = [False]

    def job(n: int, wait: bool = False):  # type: ignore[no-untyped-def]
        def run() -> int:
            running[0] += 1
            overlap[0] |= running[0] > 1
            if wait:
                gate.wait(5)
            order.append(n)
            running[0] -= 1
            return n
        return run

    started = time.monotonic()
    futures = [writer.submit(job(0, wait=True))] + [writer.submit(job(n)) for n in range(1, 6)]
    assert time.monotonic() - started < 0.1, "submit waited for the running job"
    time.sleep(0.1)
    assert order == [] and writer.pending == 6  # the later jobs wait behind the slow first one
    gate.set()
    assert writer.wait_idle(5)
    assert order == [0, 1, 2, 3, 4, 5] and not overlap[0]
    assert [f.result() for f in futures] == [0, 1, 2, 3, 4, 5]


def test_a_failing_job_does_not_stop_the_ones_after_it() -> None:
    writer = SerialWriter()

    def broken() -> None:
        raise OSError("disk full")

    failed = writer.submit(broken)
    after = writer.submit(lambda: "written")
    assert after.result(5) == "written"
    with pytest.raises(OSError, match="disk full"):
        failed.result(0)


def test_the_thread_exists_only_while_there_is_work() -> None:
    writer = SerialWriter("test-writes")
    writer.submit(lambda: time.sleep(0.05))
    names = [t.name for t in threading.enumerate()]
    assert "test-writes" in names
    assert writer.wait_idle(5)
    deadline = time.monotonic() + 2
    while "test-writes" in [t.name for t in threading.enumerate()] and time.monotonic() < deadline:
        time.sleep(0.01)
    assert "test-writes" not in [t.name for t in threading.enumerate()]


EXITING = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from studio.core.serial_writer import SerialWriter

    target = Path(sys.argv[1])
    writer = SerialWriter()

    def slow_save():
        time.sleep(0.5)  # a slow disk
        target.write_text("saved")

    writer.submit(slow_save)
    print("handed over", flush=True)
    # ...and the program ends here, without waiting.
    """
)


def test_a_write_handed_over_at_exit_is_finished_before_the_process_ends(tmp_path: Path) -> None:
    target = tmp_path / "prefs.json"
    done = subprocess.run([sys.executable, "-c", EXITING, str(target)], capture_output=True, text=True,
                          timeout=30, env=dict(os.environ))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "handed over"
    assert target.read_text() == "saved"
