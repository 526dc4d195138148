"""Where the speech recogniser runs: a process of its own, beside the studio's.

Why a process and not a worker thread: pocketsphinx decodes while holding Python's global
interpreter lock (its binding does not release it), so no other thread of the studio runs
until a take is decoded. Measured here, a ten-second take heard in a worker thread stopped
the GUI thread for 0.8 s; during playback that froze the highlight and let the sound
output run dry (the narration stuttered for its first seconds while a few short takes were
being heard). In a child process the decode holds the child's interpreter, and the
caller's thread only waits on a pipe, which releases the lock.

One child, started on first use and kept: it keeps the decoders it has loaded (about a
second each) between calls and runs them one after another. It is started as
``python -m studio.offline.hearing_process`` (in a frozen bundle: the bundle's executable
with :data:`CHILD_FLAG`), not through ``multiprocessing``: its spawn mode runs the parent's
main script again in the child, which breaks any caller whose script is not guarded, and
forking a process that runs Qt's threads is unsafe. Requests and answers are pickles on the
child's stdin and stdout: ``(id, function, args)`` → ``(id, ok, result or exception)``.

Cancel is cooperative from the caller's side: a cancelled call stops waiting at once
(within :data:`POLL_S`); what the child was doing for it finishes and is thrown away. If the
child dies, every waiting call fails with :class:`HearingProcessStopped` and the next call
starts a new child.
"""

from __future__ import annotations

import atexit
import importlib
import itertools
import os
import pickle
import subprocess
import sys
import threading
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

from studio.cancel import CancelToken, Cancelled
from studio.errors import StudioError

T = TypeVar("T")

#: How often a waiting caller looks at its cancel token.
POLL_S = 0.05
#: The argument a frozen bundle's launcher hands to :func:`serve`.
CHILD_FLAG = "--hearing-process"


class HearingProcessStopped(StudioError):
    def __init__(self) -> None:
        super().__init__(
            "The speech recogniser stopped unexpectedly",
            "Try again; if it keeps happening, turn off Paragraph ▸ Listen-Check New Takes and report it.",
        )


class _Child:
    def __init__(self) -> None:
        if getattr(sys, "frozen", False):
            command = [sys.executable, CHILD_FLAG]
        else:
            command = [sys.executable, "-m", "studio.offline.hearing_process"]
        env = dict(os.environ)
        # The child imports the studio from where this one did, installed or not.
        root = str(Path(__file__).resolve().parents[2])
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
        self.proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
        self.pending: dict[int, Future[Any]] = {}
        self.lock = threading.Lock()
        self.alive = True
        self.ids = itertools.count()
        threading.Thread(target=self._read_answers, name="hearing-process-answers", daemon=True).start()

    def submit(self, job: Callable[..., Any], args: tuple[object, ...]) -> Future[Any]:
        future: Future[Any] = Future()
        with self.lock:
            if not self.alive:
                raise HearingProcessStopped()
            request = next(self.ids)
            self.pending[request] = future
            try:
                assert self.proc.stdin is not None
                pickle.dump((request, job.__module__, job.__qualname__, args), self.proc.stdin)
                self.proc.stdin.flush()
            except OSError:
                self.alive = False
                self.pending.pop(request, None)
                raise HearingProcessStopped() from None
        return future

    def _read_answers(self) -> None:
        assert self.proc.stdout is not None
        while True:
            try:
                request, ok, value = pickle.load(self.proc.stdout)
            except (EOFError, OSError, pickle.UnpicklingError):
                break
            with self.lock:
                future = self.pending.pop(request, None)
            if future is not None:
                future.set_result(value) if ok else future.set_exception(value)
        with self.lock:
            self.alive = False
            waiting, self.pending = list(self.pending.values()), {}
        for future in waiting:
            future.set_exception(HearingProcessStopped())

    def stop(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()  # the child's loop ends at end of input
        try:
            # An idle child ends at once; one still decoding is not worth waiting for when
            # the studio closes (its answer would be thrown away).
            self.proc.wait(1)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


_child: _Child | None = None
_child_lock = threading.Lock()


def _running_child() -> _Child:
    global _child
    with _child_lock:
        if _child is None or not _child.alive:
            _child = _Child()
        return _child


def run(job: Callable[..., T], *args: object, cancel: CancelToken | None = None) -> T:
    """``job(*args)`` in the recogniser's process; its result, or its exception, here.

    ``job`` must be a module-level function; ``args``, the result and its exceptions picklable.
    """
    if cancel is not None and cancel.cancelled:
        raise Cancelled()
    future = _running_child().submit(job, args)
    while True:
        try:
            return future.result(timeout=POLL_S)
        except FutureTimeout:
            if cancel is not None and cancel.cancelled:
                raise Cancelled() from None


def shutdown() -> None:
    """Stop the child (tests, and the end of the interpreter)."""
    global _child
    with _child_lock:
        child, _child = _child, None
    if child is not None:
        child.stop()


def child_pid() -> int | None:
    """The running child's process id, if one runs (tests: to stop it from outside)."""
    with _child_lock:
        return _child.proc.pid if _child is not None and _child.alive else None


def _answer(out: BinaryIO, request: int, ok: bool, value: object) -> None:
    try:
        data = pickle.dumps((request, ok, value))
    except Exception as error:  # noqa: BLE001 - an exception that does not pickle
        data = pickle.dumps((request, False, RuntimeError(f"{type(value).__name__}: {value} ({error})")))
    out.write(data)
    out.flush()


def serve(source: BinaryIO | None = None, out: BinaryIO | None = None) -> None:
    """The child's loop: run each request in turn until the input ends."""
    source = source or sys.stdin.buffer
    if out is None:
        # The answers get the pipe to themselves: anything else written to standard output,
        # by Python or by native code, goes to standard error instead.
        out = os.fdopen(os.dup(1), "wb")
        os.dup2(2, 1)
        sys.stdout = sys.stderr
    while True:
        try:
            request, module, name, args = pickle.load(source)
        except EOFError:
            return
        try:
            job = getattr(importlib.import_module(module), name)
            _answer(out, request, True, job(*args))
        except Exception as error:  # noqa: BLE001 - every failure goes back to the caller
            _answer(out, request, False, error)


atexit.register(shutdown)

if __name__ == "__main__":
    serve()
