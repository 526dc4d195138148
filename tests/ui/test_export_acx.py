"""The export dialog's ACX / Audible preset: ticked with a real click, real offline speech, checked file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QCheckBox

from studio.core.acx.check import check_file
from studio.core.render_inputs import render_inputs
from studio.ui.export_dialog import ExportDialog
from tests.ui.test_export_dialog import VOICE, cache, make_dialog, pool, server, wait_idle  # noqa: F401 - fixtures


def click(qtbot: Any, box: QCheckBox) -> None:
    """A click on the box itself (the widget's middle may be empty space in a wide form row)."""
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))


def test_ticking_the_acx_preset_exports_a_file_that_passes(qtbot: Any, make_dialog: Callable[..., ExportDialog],
                                                           tmp_path: Path) -> None:
    from studio.core.backends.offline import OfflineBackend

    dialog = make_dialog(inputs=render_inputs(OfflineBackend(), voice_id=VOICE, model_id="offline_piper"),
                         base_name="keeper")
    form = dialog.form
    assert form.audio_format == "wav" and form.destination.suffix == ".wav"
    form.loudness_combo.setCurrentIndex(form.loudness_combo.findData(-16.0))
    click(qtbot, form.acx_box)
    assert form.acx_box.isChecked()
    # ACX wants one MP3 per chapter, and the preset sets its own level and bit rate.
    assert form.audio_format == "chapters" and form.destination.name == "keeper"
    assert not form.quality_combo.isEnabled()
    assert not form.loudness_combo.isEnabled() and form.loudness_combo.currentData() is None
    options = form.options()
    assert options is not None and options.preset == "acx" and options.loudness_target is None
    assert form.choices().preset == "acx"  # remembered for the next export

    dialog.export_button.click()
    wait_idle(qtbot, dialog, timeout=120000)
    assert dialog.message.tone.value == "info", dialog.message.text
    assert "ACX check: every file passes every ACX audio rule." in dialog.message.text
    files = sorted((tmp_path / "out" / "keeper").glob("*.mp3"))
    assert len(files) == 1
    report = check_file(files[0])
    assert report.passed, [(r.rule, r.value) for r in report.failures()]

    # Choosing a format ACX does not take unticks the preset, and the controls come back.
    form.format_combo.setCurrentIndex(form.format_combo.findData("m4b"))
    assert not form.acx_box.isChecked() and form.loudness_combo.isEnabled() and form.quality_combo.isEnabled()
    assert form.options().preset is None
    click(qtbot, form.acx_box)  # MP3 is kept when ticked with it
    form.format_combo.setCurrentIndex(form.format_combo.findData("mp3"))
    assert form.acx_box.isChecked() and form.audio_format == "mp3" and not form.quality_combo.isEnabled()
