"""The export dialog's audiobook formats (issue 13, point 8): a chaptered book (imported from a
real EPUB) exported from the real window on the offline voice to M4B with tags and a cover
typed into the dialog, the cover shown as a thumbnail; the file read back with mutagen and
PyAV; the tags remembered for the next export; a cover that is not a picture refused by name."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import av
from mutagen.mp4 import MP4
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from tests.fixtures.books import write_epub
from tests.fixtures.images import write_image
from tests.ui.test_export_choices import choose, close, open_export

CHAPTERS = [("Chapter One", ["The keeper climbed the stairs."]), ("Chapter Two", ["He lit the lamp."])]


def _import(qtbot: Any, window: Any, path: Path) -> None:
    window.books._ask_path = lambda _parent, _directory: str(path)
    with qtbot.waitSignal(window.books.previewing, timeout=30000) as shown:
        window.import_book_action.trigger()
    qtbot.mouseClick(shown.args[0].import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.books.preview is None, timeout=5000)
    assert [c.title for c in window.document.script.chapters()] == ["Chapter One", "Chapter Two"]


def _type(qtbot: Any, edit: QLineEdit, text: str) -> None:
    edit.window().activateWindow()
    edit.setFocus()
    qtbot.waitUntil(edit.hasFocus, timeout=5000)
    edit.clear()
    for char in text:  # QTest types only Latin-1 keys; other letters arrive as an input method's would
        if ord(char) < 128:
            qtbot.keyClicks(edit, char)
        else:
            edit.insert(char)
    qtbot.keyClick(edit, Qt.Key.Key_Tab)  # leaving the field: the cover's thumbnail is made


def test_m4b_from_the_dialog_has_chapters_tags_cover_and_the_tags_are_remembered(
        qtbot: Any, offline_window: Any, tmp_path: Path) -> None:
    window = offline_window
    _import(qtbot, window, write_epub(tmp_path / "keeper.epub", CHAPTERS))
    cover = write_image(tmp_path / "cover.png", "png", 300, 200)
    dialog = open_export(qtbot, window)
    form = dialog.form
    choose(qtbot, form.format_combo, "wav")
    assert not form.tags_box.isVisibleTo(dialog) and form.artist_edit.isVisibleTo(dialog)  # not for WAV/FLAC/OGG
    choose(qtbot, form.format_combo, "m4b")
    assert form.tags_box.isVisibleTo(dialog) and not form.artist_edit.isVisibleTo(dialog)
    assert form.destination.suffix == ".m4b"
    tags = form.tags_box
    _type(qtbot, form.title_edit, "Le Phare")
    _type(qtbot, tags.author_edit, "Åsa Öberg")
    _type(qtbot, tags.narrator_edit, "Nóra Reader")
    _type(qtbot, tags.year_edit, "2025")
    tags.description_edit.setFocus()
    qtbot.keyClicks(tags.description_edit, "A keeper and a lamp.")
    _type(qtbot, tags.cover_edit, str(cover))
    qtbot.waitUntil(lambda: tags.thumbnail.pixmap() is not None and not tags.thumbnail.pixmap().isNull(),
                    timeout=10000)
    assert max(tags.thumbnail.pixmap().width(), tags.thumbnail.pixmap().height()) == 96
    folder = tmp_path / "out"
    folder.mkdir()
    _type(qtbot, form.destination_edit, str(folder / "keeper.m4b"))
    dialog.open_url = lambda _url: None
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.last_result is not None, timeout=180000)

    out = folder / "keeper.m4b"
    mp4 = MP4(out)
    assert [c.title for c in mp4.chapters] == ["Chapter One", "Chapter Two"]
    assert bytes(mp4.tags["covr"][0]) == cover.read_bytes()  # type: ignore[index]
    with av.open(str(out)) as container:
        meta = container.metadata
        assert (meta["title"], meta["artist"], meta["composer"], meta["date"], meta["description"]) == (
            "Le Phare", "Åsa Öberg", "Nóra Reader", "2025", "A keeper and a lamp.")
    close(qtbot, dialog)

    again = open_export(qtbot, window)  # the tags are remembered (in the preferences)
    assert again.audio_format == "m4b"
    remembered = again.form.tags_box.values()
    assert remembered == {"author": "Åsa Öberg", "narrator": "Nóra Reader", "year": "2025",
                          "description": "A keeper and a lamp.", "cover": cover}
    store = window.preferences_store
    qtbot.waitUntil(lambda: (store.load().export or None) is not None
                    and store.load().export.audiobook_tags.get("narrator") == "Nóra Reader", timeout=5000)

    # A cover that is not a picture: refused by name, before anything is made; nothing written.
    bad = tmp_path / "notes.png"
    bad.write_text("not a picture")
    _type(qtbot, again.form.tags_box.cover_edit, str(bad))
    qtbot.waitUntil(lambda: again.form.tags_box.thumbnail.text() == "Not a picture", timeout=10000)
    _type(qtbot, again.form.destination_edit, str(folder / "second.m4b"))
    qtbot.mouseClick(again.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "notes.png" in again.message.text, timeout=30000)
    assert "JPEG or PNG" in again.message.text
    assert sorted(p.name for p in folder.iterdir()) == ["keeper.m4b", "keeper.srt"]  # the first export only
    close(qtbot, again)
