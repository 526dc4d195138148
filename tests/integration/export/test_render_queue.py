"""The render queue (issue 13, point 6) against the local server: TTS requests counted there.

A 3-chapter book is queued one item per chapter. Stopped after the first chapter (Ctrl+C to a
real ``narration-studio queue run`` process), the queue is saved; ``queue run`` again requests
only the paragraphs not made yet, and the finished chapter is never requested again. Paused,
the runner starts no new request until resumed.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import soundfile as sf

from studio.cancel import CancelToken
from studio.core.cache import SpeechCache
from studio.core.exporter import RunTuning
from studio.core.queue_runner import Listener, PauseGate, Prepared, QueueRunner
from studio.core.queue_sources import queue_items
from studio.core.render_inputs import render_inputs
from studio.core.render_queue import QueueState, RenderQueue, default_queue_path
from tests.fixtures.local_server import LocalServer

from .conftest import tts_requests

CHAPTERS = [
    ("Chapter One", ["The keeper climbed the stairs at dusk.", "He lit the lamp and wound the clock."]),
    ("Chapter Two", ["Morning came over the restless bay.", "The gulls were quiet on the rocks."]),
    ("Chapter Three", ["A ship's bell answered from the fog.", "The keeper went down to meet it."]),
]
PARAGRAPHS = sum(1 + len(body) for _, body in CHAPTERS)  # each heading is read aloud too


def _book(tmp_path: Path) -> Path:
    path = tmp_path / "book.txt"
    path.write_text("\n\n".join(f"{title}\n\n" + "\n\n".join(body) for title, body in CHAPTERS), encoding="utf-8")
    return path


def _cli(*args: str, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "studio.cli", "queue", *args], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _states(path: Path) -> list[str]:
    try:
        return [i["state"] for i in json.loads(path.read_text())["items"]]
    except (OSError, ValueError):
        return []  # not written yet


def test_cancel_after_the_first_chapter_then_resume_requests_only_what_is_missing(
        server: LocalServer, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[3])}
    added = _cli("add", str(_book(tmp_path)), "--out", str(out), "--chapters", env=env)
    assert added.wait(60) == 0, added.stderr.read() if added.stderr else ""
    queue_file = default_queue_path()  # the subprocess sees the same (test) data folder
    assert _states(queue_file) == ["waiting"] * 3

    # Every answer waits before it starts, so the run is still in chapter two when it is stopped.
    server.inject({"kind": "delay", "delay": 0.8, "count": 1000})
    running = _cli("run", "--concurrency", "1", env=env)
    deadline = time.monotonic() + 120
    while _states(queue_file)[:1] != ["done"]:
        assert running.poll() is None, running.communicate()[1]
        assert time.monotonic() < deadline, "the first chapter was not finished in time"
        time.sleep(0.05)
    running.send_signal(signal.SIGINT)  # Ctrl+C
    _, err = running.communicate(timeout=60)
    assert running.returncode == 130, err
    assert "queue run` resumes" in err
    states = _states(queue_file)
    assert states[0] == "done" and states[2] == "waiting" and states[1] in {"stopped", "waiting"}
    first_run = tts_requests(server)
    assert 3 <= first_run < PARAGRAPHS
    assert sorted(p.name for p in out.iterdir()) == ["book - 01 Chapter One.wav"]  # no partial file

    server.clear_faults()
    server.clear_requests()
    resumed = _cli("run", env=env)
    _, err = resumed.communicate(timeout=120)
    assert resumed.returncode == 0, err
    # Only the paragraphs not finished before: the first chapter, and whatever of the second
    # was made before Ctrl+C, come from the cache (the stopped item goes on where it was).
    assert tts_requests(server) == PARAGRAPHS - first_run
    assert _states(queue_file) == ["done"] * 3
    names = sorted(p.name for p in out.iterdir())
    assert names == ["book - 01 Chapter One.wav", "book - 02 Chapter Two.wav", "book - 03 Chapter Three.wav"]
    for name in names:
        assert sf.info(str(out / name)).frames > 0

    listed = _cli("list", "--json", env=env)
    body = json.loads(listed.communicate(timeout=60)[0])
    assert body["fraction"] == 1.0 and [i["state"] for i in body["items"]] == ["done"] * 3

    # A done item is never run again.
    server.clear_requests()
    again = _cli("run", env=env)
    _, err = again.communicate(timeout=60)
    assert again.returncode == 0 and "nothing waiting" in err
    assert tts_requests(server) == 0


def _runner(server: LocalServer, tmp_path: Path, gate: PauseGate) -> tuple[QueueRunner, RenderQueue, list]:
    from studio.api.client import ElevenLabsClient
    from studio.core.backends.elevenlabs import ElevenLabsBackend

    queue = RenderQueue(path=tmp_path / "queue.json")
    out = tmp_path / "out"
    out.mkdir()
    for item in queue_items(_book(tmp_path), out, by_chapter=True):
        queue.add(item)
    backend = ElevenLabsBackend(ElevenLabsClient(None, base_url=server.base_url, max_retries=0))
    from studio.offline.voices import bundled_voice

    # The server speaks with the bundled Piper voice under its id.
    inputs = render_inputs(backend, voice_id=bundled_voice().voice_id, model_id="eleven_multilingual_v2")
    delivered: list = []

    def prepare(_item, source, _cancel):  # type: ignore[no-untyped-def]
        return Prepared(source, inputs)

    runner = QueueRunner(queue, prepare, cache=SpeechCache(tmp_path / "cache"), gate=gate,
                         tuning=RunTuning(concurrency=1, max_attempts=1),
                         on_update=lambda item, p: delivered.append(p.segments_done) if p is not None else None)
    return runner, queue, delivered


def _pause_at(gate: PauseGate, segments_done: int, record: Callable[[Any], int]) -> tuple[Listener, list[int]]:
    """A listener that pauses ``gate`` on the run's thread when ``segments_done`` paragraphs
    are written, noting ``record(progress)`` then."""
    noted: list[int] = []

    def listener(_item: Any, progress: Any) -> None:
        if progress is not None and progress.segments_done == segments_done and not noted:
            gate.pause()
            noted.append(record(progress))

    return listener, noted


@contextlib.contextmanager
def _running(runner: QueueRunner) -> Iterator[threading.Thread]:
    """``runner`` on a thread of its own; afterwards it is stopped (if need be) and joined."""
    cancel = CancelToken()
    thread = threading.Thread(target=runner.run, args=(cancel,))
    thread.start()
    try:
        yield thread
    finally:
        cancel.cancel()
        runner.gate.resume()
        thread.join(30)


def test_pause_starts_no_new_request_until_resumed(server: LocalServer, tmp_path: Path) -> None:
    gate = PauseGate()
    runner, queue, delivered = _runner(server, tmp_path, gate)
    runner.on_update, paused_at = _pause_at(gate, 2, lambda _p: tts_requests(server))
    with _running(runner) as thread:
        deadline = time.monotonic() + 60
        while not paused_at:
            assert time.monotonic() < deadline and thread.is_alive()
            time.sleep(0.02)
        # Paused: the run waits; no new request reaches the server while it does.
        for _ in range(15):
            time.sleep(0.1)
            assert tts_requests(server) == paused_at[0] == 2
        assert queue.items[0].state is QueueState.RUNNING and thread.is_alive()
        gate.resume()
        thread.join(120)
    assert not thread.is_alive()
    assert [i.state for i in queue.items] == [QueueState.DONE] * 3
    assert tts_requests(server) == PARAGRAPHS  # every paragraph once, none twice
    assert queue.fraction == 1.0


def test_cancel_while_paused_stops_and_keeps_what_was_made(server: LocalServer, tmp_path: Path) -> None:
    gate = PauseGate()
    gate.pause()  # paused before anything starts
    runner, queue, _ = _runner(server, tmp_path, gate)
    cancel = CancelToken()
    errors: list[BaseException] = []

    def run() -> None:
        try:
            runner.run(cancel)
        except BaseException as error:  # noqa: BLE001 - the test looks at it
            errors.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    deadline = time.monotonic() + 30
    while queue.items[0].state is not QueueState.RUNNING:
        assert time.monotonic() < deadline
        time.sleep(0.02)
    time.sleep(0.5)
    assert tts_requests(server) == 0  # paused from the start: nothing was sent
    cancel.cancel()
    thread.join(30)
    assert not thread.is_alive()
    from studio.cancel import Cancelled

    assert len(errors) == 1 and isinstance(errors[0], Cancelled)
    saved = RenderQueue.load(tmp_path / "queue.json")
    assert [i.state for i in saved.items] == [QueueState.STOPPED, QueueState.WAITING, QueueState.WAITING]
    assert saved.next_item() is not None and saved.next_item().id == queue.items[0].id


@pytest.mark.parametrize("state", ["running"])
def test_an_item_cut_off_by_closing_the_app_is_stopped_when_loaded(tmp_path: Path, state: str) -> None:
    path = tmp_path / "queue.json"
    queue = RenderQueue(path=path)
    for item in queue_items(_book(tmp_path), tmp_path, by_chapter=True):
        queue.add(item)
    queue.items[0].state = QueueState(state)
    queue.save()
    loaded = RenderQueue.load(path)
    assert loaded.items[0].state is QueueState.STOPPED and loaded.next_item() is loaded.items[0]


def test_a_project_file_whole_in_process_and_list_remove_clear(server: LocalServer, tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    from studio.cli import main
    from studio.core.project import Project, save_project
    from studio.core.script import Script
    from studio.offline.voices import bundled_voice

    document = Script.from_text("The tide went out at noon.\n\nIt came back before supper.")
    project = save_project(tmp_path / "tide.narration", Project(voice_id=bundled_voice().voice_id,
                                                                model_id="eleven_multilingual_v2")
                           .with_document(document))
    out = tmp_path / "out"
    out.mkdir()
    assert main(["queue", "add", str(project), str(_book(tmp_path)), "--out", str(out), "--format", "flac"]) == 0
    assert main(["queue", "add", str(project), "--out", str(out), "--format", "flac"]) == 1  # queued already
    assert "already in the queue" in capsys.readouterr().err
    assert main(["queue", "add", str(project), "--out", str(out), "--format", "wma"]) == 1
    assert "not supported" in capsys.readouterr().err
    assert main(["queue", "list"]) == 0
    listed = capsys.readouterr().out
    assert "Waiting" in listed and "tide.narration" in listed and "Overall: 0%" in listed
    book_id = RenderQueue.load().items[1].id
    assert main(["queue", "remove", book_id[:8]]) == 0
    assert main(["queue", "run"]) == 0, capsys.readouterr().err
    assert tts_requests(server) == 2  # the project's two paragraphs, with its own voice and model
    assert sorted(p.name for p in out.iterdir()) == ["tide.flac"]
    capsys.readouterr()
    assert main(["queue", "clear", "--finished"]) == 0
    assert "Removed 1" in capsys.readouterr().out and RenderQueue.load().items == []


def test_pause_finishes_the_paragraph_in_flight_then_waits(server: LocalServer, tmp_path: Path) -> None:
    """A paragraph longer than one request is finished before the pause takes hold."""
    from dataclasses import replace

    long = ("The keeper climbed the stairs at dusk, counting every step. He lit the lamp, wound the clock, "
            "and watched the beam sweep out across the restless water until the morning came.")
    book = tmp_path / "long.txt"
    book.write_text(f"Chapter One\n\n{long}\n\nThe gulls were quiet.\n\nChapter Two\n\nMorning came.", encoding="utf-8")
    gate = PauseGate()
    runner, queue, _ = _runner(server, tmp_path, gate)
    queue.items = []
    for item in queue_items(book, tmp_path / "out", by_chapter=True):
        queue.add(item)
    prepare = runner.prepare

    def short_requests(item, source, cancel):  # type: ignore[no-untyped-def]
        prepared = prepare(item, source, cancel)
        settings = replace(prepared.inputs.settings, max_segment_chars=60)  # the long paragraph: several requests
        return Prepared(source, replace(prepared.inputs, settings=settings))

    runner.prepare = short_requests
    # Paused with the heading and the long paragraph's first part written.
    runner.on_update, paused = _pause_at(gate, 2, lambda progress: progress.segments_total)
    with _running(runner) as thread:
        deadline = time.monotonic() + 60
        while not paused or tts_requests(server) < paused[0] - 1:
            assert time.monotonic() < deadline, (paused, tts_requests(server))
            time.sleep(0.02)
        total = paused[0]
        assert total >= 5  # the heading, the long paragraph's parts (3 or more), the short paragraph
        for _ in range(15):
            time.sleep(0.1)
            assert tts_requests(server) == total - 1  # the long paragraph finished; the next one waits
        gate.resume()
        thread.join(120)
    assert [i.state for i in queue.items] == [QueueState.DONE] * 2
    assert tts_requests(server) == total + 2
