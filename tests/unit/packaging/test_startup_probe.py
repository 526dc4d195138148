"""The start-up probe reports the first exposed main window once, then quits the app.

Each case runs a small Qt program offscreen in its own process: the probe quits the
application and stays installed for the app's life, which must not leak into the test
session's shared QApplication.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]

PROGRAM_HEAD = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMainWindow
from studio.ui.startup_probe import install_startup_probe

app = QApplication(sys.argv)
"""


def run_qt(body: str, probe_env: str | None, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env.pop("NARRATION_STUDIO_REPORT_SHOWN", None)
    if probe_env is not None:
        env["NARRATION_STUDIO_REPORT_SHOWN"] = probe_env
    program = PROGRAM_HEAD + textwrap.dedent(body)
    return subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT, env=env)


def test_reports_the_main_window_once_and_quits() -> None:
    result = run_qt("""
        install_startup_probe(app)
        install_startup_probe(app)  # the launcher and the app may both arm it
        window = QMainWindow()
        window.show()
        code = app.exec()
        print("exec-returned", code, flush=True)
    """, probe_env="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["main-window-shown", "exec-returned 0"]


def test_ignores_windows_that_are_not_the_main_window() -> None:
    result = run_qt("""
        install_startup_probe(app)
        dialog = QDialog()
        dialog.show()
        def show_main():
            print("dialog-was-up", flush=True)
            global window
            window = QMainWindow()
            window.show()
        QTimer.singleShot(300, show_main)
        app.exec()
    """, probe_env="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["dialog-was-up", "main-window-shown"]


@pytest.mark.parametrize("value", [None, "0", ""])
def test_does_nothing_unless_asked(value: str | None) -> None:
    result = run_qt("""
        install_startup_probe(app)
        window = QMainWindow()
        window.show()
        QTimer.singleShot(500, lambda: (print("still-running", flush=True), app.quit()))
        app.exec()
    """, probe_env=value)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["still-running"]
