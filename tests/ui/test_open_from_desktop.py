"""``narration-studio story.narration`` (the desktop's "Open with") opens that project."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from studio.cli import _project_to_open, main
from studio.core.project import Project, save_project
from studio.ui import app as app_module


def test_a_project_file_argument_is_taken_apart_from_commands() -> None:
    assert _project_to_open(["story.narration"]) == ("story.narration", [])
    assert _project_to_open(["voices", "--json"]) == (None, ["voices", "--json"])
    assert _project_to_open(["-v"]) == (None, ["-v"])


def test_a_project_file_with_a_command_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["story.narration", "models"]) == 2
    assert "cannot be combined" in capsys.readouterr().err


def test_run_app_opens_the_given_project(qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = save_project(tmp_path / "lighthouse.narration", Project(script="The lighthouse keeper woke at dawn."))
    seen: dict[str, object] = {}
    build = app_module.build_main_window

    def recording_build(*args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        seen["window"] = window = build(*args, **kwargs)
        return window

    def fake_exec(self: QApplication) -> int:
        # Stand in for the event loop: wait until the project is open, then close as a person would.
        window = seen["window"]
        qtbot.waitUntil(lambda: window.script.editor.toPlainText().startswith("The lighthouse"), timeout=10000)
        seen["title"] = window.windowTitle()
        window.project.mark_clean()
        window.close()
        return 0

    monkeypatch.setattr(app_module, "build_main_window", recording_build)
    monkeypatch.setattr(QApplication, "exec", fake_exec)
    previous = signal.getsignal(signal.SIGINT)
    try:
        assert app_module.run_app(str(path)) == 0
    finally:
        signal.signal(signal.SIGINT, previous)
    assert "lighthouse" in str(seen["title"])
