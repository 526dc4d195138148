"""Saves in order: saves, autosaves and recovery clears never overtake one another.

The project controller with real files in a temporary folder. The old races are forced with a
slow disk: a write that takes as long as the test says (it waits on an event), as a busy or
network disk can. Before, each write was its own worker on a thread pool, so a later write
could finish first.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from studio.core.preferences import Preferences
from studio.core.project import Project, RecoveryStore, load_project
from studio.ui import project_controller
from studio.ui.project_controller import ProjectController
from studio.ui.worker import WorkerPool


class SlowFirstWrite:
    """Makes the first call of ``write`` wait until ``release`` is set (then the real write)."""

    def __init__(self, write: Any) -> None:
        self._write = write
        self.started = threading.Event()
        self.release = threading.Event()
        self._calls = 0

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self._calls += 1
        if self._calls == 1:
            self.started.set()
            self.release.wait(10)
        return self._write(*args, **kwargs)


@pytest.fixture
def controller(qtbot: Any, tmp_path: Path) -> Any:
    pool = WorkerPool(max_threads=4)
    script = ["First words."]
    made = ProjectController(pool, lambda: Project(script=script[0]), lambda project: None,
                             RecoveryStore(tmp_path / "state"), Preferences())
    made.script = script  # the test changes what is "on screen" through this
    yield made
    made.shutdown()
    assert pool.shutdown(10000)
    made._disk.writer.wait_idle(10)


def _settle(qtbot: Any, controller: Any) -> None:
    qtbot.waitUntil(lambda: controller.pending_writes == 0, timeout=10000)
    qtbot.wait(50)  # the last outcome reaches the GUI thread


def test_an_autosave_still_being_written_cannot_bring_the_recovery_copy_back(qtbot, controller, tmp_path) -> None:
    recovery = controller.recovery
    slow = SlowFirstWrite(recovery.write)
    recovery.write = slow  # the autosave's write is slow
    controller.mark_changed()
    controller.autosave_now()
    assert slow.started.wait(5)
    target = tmp_path / "story.narration"
    controller.save_as(str(target))  # the work is saved while the autosave is still writing
    qtbot.wait(300)  # (before, the save ran beside the autosave and was done by now)
    slow.release.set()
    qtbot.waitUntil(lambda: not controller.dirty, timeout=10000)
    _settle(qtbot, controller)
    assert load_project(target).script == "First words."
    assert not recovery.path.exists(), "the saved work would be offered as 'recovered' at the next start"


def test_a_later_save_is_never_overwritten_by_an_earlier_one(qtbot, controller, tmp_path, monkeypatch) -> None:
    slow = SlowFirstWrite(project_controller.save_project)
    monkeypatch.setattr(project_controller, "save_project", slow)
    target = tmp_path / "story.narration"
    controller.mark_changed()
    controller.save_as(str(target))  # the first save is slow to reach the disk...
    assert slow.started.wait(5)
    controller.script[0] = "Second, better words."
    controller.mark_changed()
    controller.save_as(str(target))  # ...and a second one follows with newer words
    qtbot.wait(300)
    slow.release.set()
    qtbot.waitUntil(lambda: not controller.dirty, timeout=10000)
    _settle(qtbot, controller)
    assert load_project(target).script == "Second, better words."


def test_the_recovery_copy_stays_until_its_save_is_on_disk(qtbot, controller, tmp_path, monkeypatch) -> None:
    recovery = controller.recovery
    controller.mark_changed()
    controller.autosave_now()
    qtbot.waitUntil(recovery.path.exists, timeout=10000)
    slow = SlowFirstWrite(project_controller.save_project)
    monkeypatch.setattr(project_controller, "save_project", slow)
    controller.save_as(str(tmp_path / "story.narration"))
    assert slow.started.wait(5)
    assert recovery.path.exists(), "the recovery copy went before the save that replaces it was written"
    slow.release.set()
    qtbot.waitUntil(lambda: not recovery.path.exists(), timeout=10000)
    _settle(qtbot, controller)
