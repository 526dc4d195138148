"""Unexpected errors leave a crash report, and the API key is never in it."""

from __future__ import annotations

import threading
from pathlib import Path

from studio.crash_reports import CrashHandler
from studio.logsafe import register_secret

KEY = "sk_crash_report_secret_0123456789"


def _raise_with_key() -> None:
    raise RuntimeError(f"request failed with headers {{'xi-api-key': '{KEY}'}}")


def test_main_thread_crash_is_reported_without_the_key(tmp_path: Path) -> None:
    register_secret(KEY)
    handler = CrashHandler(tmp_path).install()
    told: list[Path] = []
    handler.notifiers.append(told.append)
    try:
        try:
            _raise_with_key()
        except RuntimeError as error:
            import sys

            sys.excepthook(type(error), error, error.__traceback__)
    finally:
        handler.uninstall()
    reports = list(tmp_path.glob("crash-*.txt"))
    assert len(reports) == 1 and told == reports
    text = reports[0].read_text()
    assert "RuntimeError" in text and "_raise_with_key" in text
    assert KEY not in text
    assert "[hidden]" in text


def test_worker_thread_crash_is_reported(tmp_path: Path) -> None:
    register_secret(KEY)
    handler = CrashHandler(tmp_path).install()
    try:
        thread = threading.Thread(target=_raise_with_key, name="synthesis")
        thread.start()
        thread.join(10)
    finally:
        handler.uninstall()
    [report] = list(tmp_path.glob("crash-*.txt"))
    text = report.read_text()
    assert "thread: synthesis" in text
    assert KEY not in text


def test_unwritable_folder_still_reports_on_stderr(tmp_path: Path, capsys) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    register_secret(KEY)
    handler = CrashHandler(blocker / "reports")
    try:
        _raise_with_key()
    except RuntimeError as error:
        assert handler.handle(type(error), error, error.__traceback__, "main") is None
    err = capsys.readouterr().err
    assert "could not be saved" in err and KEY not in err
