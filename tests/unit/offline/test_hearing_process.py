"""The recogniser's own process: work runs there, answers and failures come back here."""

from __future__ import annotations

import ctypes
import os
import signal
import threading
import time
from collections.abc import Callable

import pytest

from studio.cancel import CancelToken, Cancelled
from studio.offline import hearing_process
from studio.offline.hearing_process import HearingProcessStopped
from studio.offline.recognizer import RecognizerError


def pid_of_caller() -> int:
    return os.getpid()


def hold_the_interpreter(seconds: float) -> float:
    """Native code that keeps Python's interpreter lock for ``seconds``, as pocketsphinx's
    decoder does (a ctypes.PyDLL call does not release it)."""
    started = time.monotonic()
    ctypes.PyDLL(None).usleep(int(seconds * 1e6))
    return time.monotonic() - started


def fail_like_the_recogniser() -> None:
    raise RecognizerError("The text could not be aligned (no word 'zzq')", "Check the script's words.")


def sleep_then_say(seconds: float, said: str) -> str:
    time.sleep(seconds)
    return said


@pytest.fixture(autouse=True)
def fresh_child():
    yield
    hearing_process.shutdown()


def test_the_work_runs_in_another_process_and_its_result_comes_back() -> None:
    assert hearing_process.run(pid_of_caller) != os.getpid()
    assert hearing_process.run(sleep_then_say, 0.0, "lighthouse") == "lighthouse"


def longest_stall_of_this_thread(job: Callable[[], object]) -> float:
    """The longest this thread could not run while another thread ran ``job``."""
    worker = threading.Thread(target=job)
    longest, last = 0.0, time.monotonic()
    worker.start()  # the worker may run first, and hold the lock before this thread's loop
    while True:
        alive = worker.is_alive()
        time.sleep(0.001)
        now = time.monotonic()
        longest, last = max(longest, now - last), now
        if not alive:  # one more step after the end, so a stall before the loop counts
            break
    worker.join()
    return longest


def test_the_caller_thread_waits_without_taking_the_interpreter_from_the_others() -> None:
    hearing_process.run(pid_of_caller)  # the child is up
    held: list[float] = []
    # The same job in a thread of ours stops this one for as long as it runs ...
    here = longest_stall_of_this_thread(lambda: held.append(hold_the_interpreter(0.6)))
    # ... and in the child it does not.
    there = longest_stall_of_this_thread(lambda: held.append(hearing_process.run(hold_the_interpreter, 0.6)))
    assert len(held) == 2 and min(held) >= 0.59
    assert here >= 0.5
    assert there < 0.25, there


def test_a_studio_error_in_the_child_keeps_its_cause_and_remedy() -> None:
    with pytest.raises(RecognizerError) as raised:
        hearing_process.run(fail_like_the_recogniser)
    assert raised.value.cause == "The text could not be aligned (no word 'zzq')"
    assert raised.value.remedy == "Check the script's words."


def test_a_cancelled_call_stops_waiting_and_the_next_call_still_gets_its_answer() -> None:
    token = CancelToken()
    threading.Timer(0.2, token.cancel).start()
    started = time.monotonic()
    with pytest.raises(Cancelled):
        hearing_process.run(sleep_then_say, 3.0, "too late", cancel=token)
    assert time.monotonic() - started < 2.5
    assert hearing_process.run(sleep_then_say, 0.0, "next") == "next"


def test_a_child_that_dies_fails_the_waiting_call_with_a_remedy_and_the_next_call_starts_a_new_one() -> None:
    first = hearing_process.run(pid_of_caller)
    assert hearing_process.child_pid() == first
    threading.Timer(0.3, os.kill, (first, signal.SIGKILL)).start()
    with pytest.raises(HearingProcessStopped) as raised:
        hearing_process.run(sleep_then_say, 5.0, "never")
    assert "stopped unexpectedly" in str(raised.value) and "Listen-Check New Takes" in str(raised.value)
    second = hearing_process.run(pid_of_caller)
    assert second not in (first, os.getpid())
