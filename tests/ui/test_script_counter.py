"""The counter under the script shows exactly what Play and Export will spend now (issue 10).

Its numbers are the render plan's, planned in a worker: checked against what the next export
really sends, counted at the local server (a creator account, and a free one whose limit
splits a long paragraph), and for the worker itself (never the GUI thread, stale answers
dropped) on real widgets.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from studio.core.backends.offline import OfflineBackend
from studio.core.cache import SpeechCache
from studio.core.render_inputs import render_inputs
from studio.offline.voices import bundled_voice
from studio.server.catalog import generate_voices
from studio.ui import script_counter
from studio.ui.script_counter import ScriptCounter
from studio.ui.script_document import ScriptDocumentController
from studio.ui.script_editor import ScriptEditor
from studio.ui.worker import WorkerPool
from tests.fixtures.local_server import LocalServer, run_server
from tests.integration.export.conftest import tts_requests
from tests.ui.test_export_plan import PARAGRAPHS, close, connect, export_from, type_script, wait_counted
from tests.unit.core.script.prose import paragraphs


@pytest.fixture(scope="module")
def account() -> Iterator[LocalServer]:
    with run_server(tier="creator", catalog=generate_voices(3, seed=4)) as server:  # more voices than one
        yield server


@pytest.fixture(scope="module")
def free_account() -> Iterator[LocalServer]:
    with run_server(tier="free") as server:
        yield server


def test_the_counter_says_what_the_next_export_sends_and_costs(
    qtbot: Any, make_window: Any, account: LocalServer, tmp_path: Path
) -> None:
    window = connect(qtbot, make_window(), account)
    type_script(qtbot, window, "\n\n".join(PARAGRAPHS[:3]))
    close(qtbot, export_from(qtbot, window, tmp_path / "three.wav"))

    # Two new paragraphs and one edited: three to make, two already made.
    edited = [PARAGRAPHS[0], PARAGRAPHS[1] + " It always was.", PARAGRAPHS[2], PARAGRAPHS[3], PARAGRAPHS[4]]
    script = "\n\n".join(edited)
    type_script(qtbot, window, script)
    stats = window.counter.stats
    new = [edited[1], edited[3], edited[4]]
    assert (stats.requests, stats.paragraphs, stats.paragraphs_made) == (3, 5, 2)
    assert stats.credits == sum(len(p) for p in new)  # one credit a character on these models
    text = window.script.counter.text()
    assert text == f"{len(script):,} characters · 3 requests · ≈ {stats.credits:,.0f} credits · 2 of 5 paragraphs made"

    account.clear_requests()
    dialog = export_from(qtbot, window, tmp_path / "five.wav")
    assert tts_requests(account) == stats.requests
    assert dialog.last_result.generation.credits_spent == stats.credits  # what the server charged
    close(qtbot, dialog)
    wait_counted(qtbot, window)
    assert window.counter.stats.requests == 0

    # Another voice speaks other audio: everything is to be made again, and the counter says so.
    before = window.voices.current_voice.voice_id
    window.browser.list.setCurrentIndex(window.voices.model.index(1))
    assert window.voices.current_voice.voice_id != before
    qtbot.waitUntil(lambda: window.counter.stats is not None and window.counter.stats.requests == 5, timeout=5000)
    assert window.counter.stats.paragraphs_made == 0


def test_a_free_account_s_limit_splits_a_long_paragraph_and_the_counter_counts_it(
    qtbot: Any, make_window: Any, free_account: LocalServer, tmp_path: Path
) -> None:
    # eleven_monolingual_v1 allows a free account 2,500 characters a request (5,000 when subscribed).
    long = " ".join(paragraphs(20, seed=9))[:2_900].rsplit(" ", 1)[0] + "."
    assert 2_500 < len(long) < 5_000
    window = connect(qtbot, make_window(), free_account, model_id="eleven_monolingual_v1", tier="free")
    type_script(qtbot, window, PARAGRAPHS[0])
    close(qtbot, export_from(qtbot, window, tmp_path / "short.wav"))

    type_script(qtbot, window, PARAGRAPHS[0] + "\n\n" + long)
    stats = window.counter.stats
    assert (stats.limit, stats.requests, stats.paragraphs_made) == (2_500, 2, 1)
    assert "2 requests" in window.script.counter.text() and "2,500 characters" in window.script.counter.toolTip()
    free_account.clear_requests()
    dialog = export_from(qtbot, window, tmp_path / "long.wav")  # the server refuses any request over 2,500
    assert tts_requests(free_account) == stats.requests == 2
    assert dialog.last_result.generation.credits_spent == stats.credits == len(long) - 1  # the split drops a space
    close(qtbot, dialog)


def test_planning_runs_in_a_worker_and_an_answer_to_an_older_text_is_never_shown(
    qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    view = ScriptEditor()
    qtbot.addWidget(view)
    document = ScriptDocumentController(view.editor)
    pool = WorkerPool(max_threads=2)
    inputs = render_inputs(OfflineBackend(), voice_id=bundled_voice().voice_id, model_id="offline_piper")
    threads: list[str] = []
    release = threading.Event()
    real_plan = script_counter.plan_render

    def observed(*args: Any, **kwargs: Any):  # type: ignore[no-untyped-def]
        threads.append(threading.current_thread().name)
        if len(threads) == 1:
            release.wait(10)  # the first question is answered only after the text has moved on
        return real_plan(*args, **kwargs)

    monkeypatch.setattr(script_counter, "plan_render", observed)
    counter = ScriptCounter(view, document, pool, lambda: inputs, SpeechCache(tmp_path / "cache"))
    shown: list[Any] = []
    counter.updated.connect(shown.append)
    try:
        view.editor.setPlainText("One paragraph.")
        document.sync()
        counter.recount()
        qtbot.waitUntil(lambda: len(threads) == 1, timeout=5000)
        three = "One paragraph.\n\nAnd a second one.\n\nAnd a third."
        view.editor.setPlainText(three)
        document.sync()
        counter.recount()  # asked while the first is still planning: it follows it
        release.set()
        qtbot.waitUntil(lambda: not counter.busy, timeout=10000)
        assert [s.paragraphs for s in shown if s is not None] == [3]  # the stale one-paragraph answer: dropped
        assert counter.stats is not None and counter.stats.requests == 3 and counter.stats.credits is None
        assert view.counter.text() == f"{len(three)} characters · 3 requests · no credits (offline)"
        assert threads and threading.main_thread().name not in threads
    finally:
        release.set()
        assert pool.shutdown(10000)
