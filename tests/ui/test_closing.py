"""Closing waits for nothing — and loses nothing.

The real window with real stores on a deliberately slow disk: each write takes a second
(before, closing waited for it — up to 5 s for the preferences, and 5 s for each project
write in flight). Closing must hand the writes over and return; the files must still be
written. Checked twice: structurally (closeEvent makes no wait longer than 0.1 s on the GUI
thread) and by behaviour (it returns well before the slow write could have finished).
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QThreadPool

from studio.core.preferences import Preferences, PreferencesStore
from studio.core.project import RecoveryStore
from studio.core.serial_writer import SerialWriter
from studio.ui.project_controller import CloseAnswer
from studio.ui.worker import Worker

SLOW_WRITE_S = 1.0


class SlowDiskStore(PreferencesStore):
    def save(self, preferences: Preferences) -> None:
        time.sleep(SLOW_WRITE_S)
        super().save(preferences)


class SlowRecoveryStore(RecoveryStore):
    def write(self, *args: Any, **kwargs: Any) -> None:
        time.sleep(SLOW_WRITE_S)
        super().write(*args, **kwargs)


@pytest.fixture
def slow_window(qtbot: Any, tmp_path: Path) -> Iterator[Any]:
    from studio.ui.app import build_main_window

    store = SlowDiskStore(tmp_path / "prefs" / "preferences.json")
    window = build_main_window(store, SlowRecoveryStore(tmp_path / "state"))
    window.preferences_store = store
    window.show()
    qtbot.waitExposed(window)
    yield window
    window._closing = True
    window.close()
    assert window.pool.shutdown(10000)
    window.session.shutdown()
    window.deleteLater()


@pytest.fixture
def long_waits(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every wait longer than 0.1 s (or unbounded) made on the GUI thread while the fixture is on."""
    found: list[str] = []
    gui = threading.main_thread()

    def spy(name: str, original: Any, timeout_of: Any) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            timeout = timeout_of(*args, **kwargs)
            caller = sys._getframe(1).f_code
            # Thread.start() waits (microseconds) for the new thread to be running: not a wait on work.
            starting_a_thread = caller.co_name == "start" and caller.co_filename == threading.__file__
            if threading.current_thread() is gui and (timeout is None or timeout > 0.1) and not starting_a_thread:
                found.append(f"{name}({timeout})")
            return original(*args, **kwargs)
        return wrapper

    seconds = lambda self=None, timeout=None, *a, **k: timeout  # noqa: E731
    monkeypatch.setattr(Worker, "wait", spy("Worker.wait", Worker.wait, seconds))
    monkeypatch.setattr(SerialWriter, "wait_idle", spy("SerialWriter.wait_idle", SerialWriter.wait_idle, seconds))
    monkeypatch.setattr(threading.Event, "wait", spy("Event.wait", threading.Event.wait, seconds))
    monkeypatch.setattr(QThreadPool, "waitForDone", spy(
        "QThreadPool.waitForDone", QThreadPool.waitForDone,
        lambda self, msecs=-1, *a, **k: None if msecs is None or msecs < 0 else msecs / 1000))
    monkeypatch.setattr(time, "sleep", spy("time.sleep", time.sleep, lambda seconds, *a, **k: seconds))
    return found


def _close(window: Any) -> float:
    started = time.perf_counter()
    window.close()
    return time.perf_counter() - started


def test_closing_hands_the_preferences_over_and_they_still_reach_the_disk(qtbot, slow_window, long_waits) -> None:
    window = slow_window
    store = window.preferences_store
    window.script.zoom_in()
    zoom = window.preferences.editor_zoom
    assert zoom != 0
    window._closing = True  # nothing unsaved to ask about
    took = _close(window)
    waits = list(long_waits)
    assert not window.isVisible()
    assert waits == [], f"closeEvent waited on the GUI thread: {waits}"
    assert took < SLOW_WRITE_S / 2, f"closing took {took:.2f} s: it waited for the slow disk"
    qtbot.waitUntil(lambda: store.path.exists() and store.load().editor_zoom == zoom, timeout=10000)


def test_closing_while_an_autosave_is_slow_waits_for_nothing_and_leaves_no_recovery(
        qtbot, slow_window, long_waits, monkeypatch) -> None:
    window = slow_window
    window.script.editor.setPlainText("Words the narrator decides not to keep.")
    window.project.autosave_now()  # a slow write is in flight when the window closes
    qtbot.wait(100)
    monkeypatch.setattr(window, "_ask_unsaved", lambda: CloseAnswer.DISCARD)
    took = _close(window)
    assert not window.isVisible()
    assert long_waits == [], f"closeEvent waited on the GUI thread: {long_waits}"
    assert took < SLOW_WRITE_S / 2, f"closing took {took:.2f} s: it waited for the autosave"
    recovery = window.project.recovery
    qtbot.waitUntil(lambda: window.project.pending_writes == 0, timeout=10000)
    assert not recovery.path.exists(), "discarded work would be offered back at the next start"


QUITTING = textwrap.dedent(
    """
    import json, sys, time
    from pathlib import Path
    from PySide6.QtCore import QTimer
    from studio.core.preferences import Preferences, PreferencesStore
    from studio.core.project import RecoveryStore
    from studio.ui.app import build_main_window, create_application

    class SlowDiskStore(PreferencesStore):
        def save(self, preferences):
            time.sleep(1.0)
            super().save(preferences)

    folder = Path(sys.argv[1])
    app = create_application([])
    window = build_main_window(SlowDiskStore(folder / "preferences.json"), RecoveryStore(folder))
    window.show()
    took = []

    def quit_now():
        window.script.zoom_in()
        started = time.perf_counter()
        window.close()  # the last window: the application quits
        took.append(time.perf_counter() - started)

    QTimer.singleShot(300, quit_now)
    app.exec()
    window.pool.shutdown(5000)
    window.session.shutdown()
    print(json.dumps({"close_s": took[0], "zoom": window.preferences.editor_zoom}), flush=True)
    # The program ends here; the preferences write is still sleeping on its slow disk.
    """
)


def test_quitting_the_app_still_writes_the_preferences_before_the_process_ends(tmp_path: Path) -> None:
    import json

    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run([sys.executable, "-c", QUITTING, str(tmp_path)], capture_output=True, text=True,
                          timeout=60, env=env, cwd=Path(__file__).resolve().parents[2])
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["close_s"] < 0.5
    assert PreferencesStore(tmp_path / "preferences.json").load().editor_zoom == result["zoom"] != 0
