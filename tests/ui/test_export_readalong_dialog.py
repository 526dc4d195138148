"""The Export dialog offers a read-along EPUB (issue 13, point 8): chosen with real keys and
clicks, exported through the same controller and exporter as every other format, over
loopback to the local server with real Piper speech, and read back with other code."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from studio.ui.export_dialog import ExportDialog
from tests.fixtures.local_server import LocalServer
from tests.fixtures.readalong import read_book
from tests.ui.test_export_dialog import PARAGRAPHS, cache, make_dialog, pool, server, tts_requests, wait_idle

__all__ = ["cache", "make_dialog", "pool", "server"]  # the fixtures, shared with the export dialog's tests


def test_read_along_epub_is_offered_and_exported(qtbot: Any, make_dialog: Callable[..., ExportDialog],
                                                 server: LocalServer, tmp_path: Path) -> None:
    dialog = make_dialog(base_name="keeper")
    form = dialog.form
    labels = [form.format_combo.itemText(i) for i in range(form.format_combo.count())]
    assert "Read-along EPUB (.epub)" in labels
    assert not form.word_box.isVisibleTo(dialog) and form.subtitles_group.isEnabled()

    # Pick it from the list with the keyboard, as a person would.
    form.format_combo.setFocus()
    while form.format_combo.currentText() != "Read-along EPUB (.epub)":
        qtbot.keyClick(form.format_combo, Qt.Key.Key_Down)
    assert dialog.destination == tmp_path / "out" / "keeper.epub"
    # Its timings are inside: no subtitle files, no loudness; the book's tags and word highlighting instead.
    assert not form.subtitles_group.isEnabled() and not form.loudness_combo.isEnabled()
    assert form.tags_box.isVisibleTo(dialog) and form.word_box.isVisibleTo(dialog)
    form.subtitle_boxes["srt"].setChecked(True)  # ticked on first use; not written beside an EPUB
    qtbot.keyClicks(form.title_edit, "The Keeper")
    qtbot.keyClicks(form.tags_box.author_edit, "A. Writer")
    qtbot.keyClicks(form.tags_box.narrator_edit, "Joe")

    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, dialog, timeout=120000)
    assert dialog.message.tone.value == "info", dialog.message.text
    assert "Saved keeper.epub" in dialog.message.text
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["keeper.epub"]
    assert tts_requests(server) == len(PARAGRAPHS)  # no timings yet: every paragraph was generated

    book = read_book(tmp_path / "out" / "keeper.epub")
    assert book.nav_titles == ["The Keeper"] and book.metadata["media:narrator"] == ["Joe"]
    assert book.metadata["creator"] == ["A. Writer"]
    (chapter,) = book.chapters
    assert len(chapter.pars) == len(chapter.sentences) == 3 and {p.text for p in chapter.pars} <= chapter.ids
    assert chapter.pars[0].begin == 0.0 and abs(chapter.pars[-1].end - chapter.audio_samples / chapter.audio_rate) < 0.002

    # Word by word, the second time: all from the cache.
    server.clear_requests()
    qtbot.mouseClick(form.word_box, Qt.MouseButton.LeftButton)
    form.set_destination(tmp_path / "out" / "words.epub")
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, dialog, timeout=120000)
    assert tts_requests(server) == 0
    (chapter,) = read_book(tmp_path / "out" / "words.epub").chapters
    assert [p.text for p in chapter.pars] == [w for s in chapter.sentences for w, _ in s.words]
