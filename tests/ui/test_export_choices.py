"""Export follows the studio (issue 17, point 5; issue 16, point 9): the dialog starts from the
window's Quality, remembers its own last choices across exports and restarts, starts with SRT
on first use, offers the folder and the file afterwards, and its subtitles end with the audio.

The window runs on the real offline voice and exports real speech to real files.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, get_args

import soundfile as sf
import srt
from PySide6.QtCore import Qt, QUrl
from PySide6.QtWidgets import QApplication, QComboBox

from studio.core.audiobook import AUDIO_SUFFIXES, book_kind
from studio.core.audio_export import QUALITIES
from studio.core.preferences import ExportFormat, ExportQuality, SubtitleFormat
from studio.core.subtitles import FORMATS as SUBTITLE_FORMATS
from studio.ui.export_form import AUDIO_FORMATS, SUBTITLE_CHOICES
from tests.ui.conftest import activate, wait_for_engine, wait_for_voices

CTRL = Qt.KeyboardModifier.ControlModifier
SCRIPT = "The keeper climbed the stairs at dusk.\n\nHe lit the lamp."


def choose(qtbot: Any, combo: QComboBox, value: object) -> None:
    """Pick ``value`` in ``combo`` with the arrow keys, as a keyboard user does."""
    combo.setFocus()
    start = combo.currentIndex()
    key = Qt.Key.Key_Down if combo.findData(value) > start else Qt.Key.Key_Up
    for _ in range(combo.count()):
        if combo.currentData() == value:
            return
        qtbot.keyClick(combo, key)
    assert combo.currentData() == value


def open_export(qtbot: Any, window: Any) -> Any:
    activate(qtbot, window)
    qtbot.keyClick(window.script.editor, Qt.Key.Key_E, CTRL)
    dialog = window.export_dialog
    qtbot.waitUntil(dialog.isVisible, timeout=5000)
    return dialog


def ticked(dialog: Any) -> list[str]:
    return [key for key, box in dialog.form.subtitle_boxes.items() if box.isChecked()]


def close(qtbot: Any, dialog: Any) -> None:
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)


def test_export_follows_the_window_remembers_its_choices_and_offers_the_result(
    qtbot: Any, offline_window: Any, make_window: Any, tmp_path: Path
) -> None:
    window = offline_window
    window.script.editor.setPlainText(SCRIPT)
    choose(qtbot, window.settings_panel.output_format, "opus_48000_128")

    # First use: the window's Quality (Opus 128 kbps → OGG, high), SRT ticked, loudness off.
    dialog = open_export(qtbot, window)
    assert (dialog.audio_format, dialog.form.quality_combo.currentData()) == ("ogg", "high")
    assert ticked(dialog) == ["srt"]
    assert dialog.form.loudness_combo.currentData() is None
    assert dialog.destination.name == "The keeper climbed the stairs at.ogg"  # the first words

    # The narrator picks FLAC, adds WebVTT, −16 LUFS and another folder, and exports.
    folder = tmp_path / "exports"
    folder.mkdir()
    choose(qtbot, dialog.form.format_combo, "flac")
    qtbot.mouseClick(dialog.form.subtitle_boxes["vtt"], Qt.MouseButton.LeftButton)
    choose(qtbot, dialog.form.loudness_combo, -16.0)
    dialog.form.destination_edit.clear()
    qtbot.keyClicks(dialog.form.destination_edit, str(folder / "keeper.flac"))
    opened: list[QUrl] = []
    dialog.open_url = lambda url: opened.append(url)  # the desktop's player is not started in a test
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.last_result is not None, timeout=120000)
    assert sorted(p.name for p in folder.iterdir()) == ["keeper.flac", "keeper.srt", "keeper.vtt"]

    # No subtitle is shown after the audio has ended.
    seconds = sf.info(str(folder / "keeper.flac")).duration
    cues = list(srt.parse((folder / "keeper.srt").read_text(encoding="utf-8")))
    assert cues and max(c.end.total_seconds() for c in cues) <= seconds

    # After the export: open the folder, or play the file.
    message = dialog.message
    assert message.action_button.text() == "Open folder" and message.second_button.text() == "Play"
    assert dialog.offered == {"Open folder": QUrl.fromLocalFile(str(folder)),
                              "Play": QUrl.fromLocalFile(str(folder / "keeper.flac"))}
    qtbot.mouseClick(message.action_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(message.second_button, Qt.MouseButton.LeftButton)  # both offers stay
    assert opened == [QUrl.fromLocalFile(str(folder)), QUrl.fromLocalFile(str(folder / "keeper.flac"))]
    assert "Saved keeper.flac and 2 subtitle files" in message.text
    close(qtbot, dialog)

    # The next export starts from those choices...
    again = open_export(qtbot, window)
    assert again is not dialog
    assert (again.audio_format, again.form.quality_combo.currentData()) == ("flac", "high")
    assert ticked(again) == ["srt", "vtt"]
    assert again.form.loudness_combo.currentData() == -16.0
    assert again.destination.parent == folder
    close(qtbot, again)

    # ...and so does the first export after a restart (they are kept in the preferences).
    store = window.preferences_store
    qtbot.waitUntil(lambda: store.load().export is not None, timeout=5000)
    restarted = make_window(preferences=store.load())
    restarted.start_engine()
    wait_for_engine(qtbot, restarted, "offline", timeout=60000)
    wait_for_voices(qtbot, restarted)
    qtbot.waitUntil(lambda: restarted.voices.current_voice is not None, timeout=5000)
    restarted.script.editor.setPlainText(SCRIPT)
    after = open_export(qtbot, restarted)
    assert (after.audio_format, ticked(after), after.form.loudness_combo.currentData()) == ("flac", ["srt", "vtt"], -16.0)
    assert after.destination.parent == folder
    close(qtbot, after)

    # A new Quality choice in the window is followed again (the rest is still remembered).
    choose(qtbot, restarted.settings_panel.output_format, "mp3_44100_192")
    followed = open_export(qtbot, restarted)
    assert (followed.audio_format, followed.form.quality_combo.currentData()) == ("mp3", "best")
    assert ticked(followed) == ["srt", "vtt"] and followed.destination.parent == folder
    close(qtbot, followed)
    assert QApplication.activeModalWidget() is None


def test_the_remembered_formats_are_the_ones_the_exporter_writes() -> None:
    """The preferences' lists of formats agree with the exporter's and the dialog's."""
    assert list(get_args(ExportFormat)) == [key for key, _label, _suffix in AUDIO_FORMATS]
    # Every file format the dialog offers is one the exporter writes, and the suffix-less one
    # ("chapters") is the exporter's folder of one file per chapter.
    offered = {suffix for _key, _label, suffix in AUDIO_FORMATS}
    assert offered - {""} == set(AUDIO_SUFFIXES) - {".m4a"}
    assert book_kind(Path("book")) == "folder" and "" in offered
    assert list(get_args(ExportQuality)) == list(QUALITIES)
    assert list(get_args(SubtitleFormat)) == [key for key, _label in SUBTITLE_CHOICES] == list(SUBTITLE_FORMATS)
