"""An unexpected error on a worker thread tells the person, on the GUI thread, where the report is."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

from studio.ui import app as app_module


def test_worker_crash_opens_a_message_with_the_report(qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("studio.crash_reports.reports_dir", lambda: tmp_path)
    window = app_module.build_main_window()
    qtbot.addWidget(window)
    handler = app_module._report_crashes_to(window)
    try:
        def broken() -> None:
            raise ValueError("unexpected state in a worker")

        thread = threading.Thread(target=broken, name="worker")
        thread.start()
        thread.join(10)

        def message_shown() -> bool:
            return any(isinstance(w, QMessageBox) and w.isVisible() for w in QApplication.topLevelWidgets())

        qtbot.waitUntil(message_shown, timeout=5000)
        box = next(w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible())
        [report] = list(tmp_path.glob("crash-*.txt"))
        assert str(report) in box.text()
        assert "Your script is safe" in box.text()
        assert "ValueError: unexpected state in a worker" in report.read_text()
        box.close()
    finally:
        handler.uninstall()
        window.pool.shutdown(5000)
        window.session.shutdown()
