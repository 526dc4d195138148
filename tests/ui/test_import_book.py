"""File ▸ Import Book… in the real window: a real EPUB (written by ebooklib) is read in a worker,
the preview shows its chapters with paragraph counts and the front matter unticked, and only
Import replaces the script (as a new, unsaved project with chapters); a DRM-protected or
broken book, or Cancel, leaves the current script untouched with a message naming the file."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from tests.fixtures.books import write_epub
from tests.unit.core.script.prose import paragraphs

PROSE = paragraphs(9)
CHAPTERS = [("Chapter One", PROSE[:3]), ("Chapter Two", PROSE[3:6]), ("Chapter Three", PROSE[6:9])]
OLD = "The old script.\n\nIts second paragraph."


def _window(make_window: Any) -> Any:
    window = make_window()
    window.script.editor.setPlainText(OLD)
    window.document.sync()
    window.project.mark_clean()  # nothing unsaved: the import does not ask first
    return window


def _open_preview(qtbot: Any, window: Any, path: Path) -> Any:
    window.books._ask_path = lambda _parent, _directory: str(path)
    with qtbot.waitSignal(window.books.previewing, timeout=30000) as shown:
        window.import_book_action.trigger()  # File ▸ Import Book…
    return shown.args[0]


def _rows(dialog: Any) -> list[tuple[str, str, bool]]:
    return [(dialog.item(i).text(0), dialog.item(i).text(1), dialog.item(i).checkState(0) == Qt.CheckState.Checked)
            for i in range(dialog.tree.topLevelItemCount())]


def test_preview_then_import_makes_a_chaptered_unsaved_project(qtbot: Any, make_window: Any, tmp_path: Path) -> None:
    window = _window(make_window)
    dialog = _open_preview(qtbot, window, write_epub(tmp_path / "keeper.epub", CHAPTERS))
    assert _rows(dialog) == [("(opening, untitled)", "4", False), ("Copyright", "2", False), ("Dedication", "1", False),
                             ("Chapter One", "4", True), ("Chapter Two", "4", True), ("Chapter Three", "4", True)]
    assert "keeper.epub" in dialog.summary.text() and "A. Writer" in dialog.summary.text()
    assert not dialog.rule_row.isVisibleTo(dialog)  # an EPUB has headings: no chapter rule to choose
    assert window.script.editor.toPlainText() == OLD  # nothing changes while the preview is open
    # Untick Chapter Two with the keyboard (Space toggles the current item's tick box).
    dialog.tree.setFocus()
    dialog.tree.setCurrentItem(dialog.item(4))
    qtbot.keyClick(dialog.tree.viewport(), Qt.Key.Key_Space)
    assert not _rows(dialog)[4][2]
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.books.preview is None, timeout=5000)
    script = window.document.script
    assert [c.title for c in script.chapters()] == ["Chapter One", "Chapter Three"]
    assert window.script.editor.toPlainText() == "\n\n".join(["Chapter One", *PROSE[:3], "Chapter Three", *PROSE[6:]])
    assert window.project.path is None and window.project.dirty  # a new project, work to save
    assert "Imported “keeper.epub”: 2 chapters, 8 paragraphs" in window.script.message.text
    # The chapters are saved with the project (its snapshot holds them).
    saved = window._snapshot().document()
    assert [c.title for c in saved.chapters()] == ["Chapter One", "Chapter Three"]


@pytest.mark.parametrize("case", ["drm", "broken"])
def test_a_bad_book_names_the_file_and_leaves_the_script_untouched(qtbot: Any, make_window: Any, tmp_path: Path,
                                                                   case: str) -> None:
    window = _window(make_window)
    ids = [b.id for b in window.document.script]
    path = tmp_path / f"{case}.epub"
    if case == "drm":
        write_epub(path, CHAPTERS)
        with zipfile.ZipFile(path, "a") as archive:
            archive.writestr("META-INF/rights.xml", "<rights/>")
    else:
        path.write_bytes(b"PK\x03\x04 cut short")
    window.books._ask_path = lambda _parent, _directory: str(path)
    window.import_book_action.trigger()
    qtbot.waitUntil(lambda: window.script.message.isVisible() and path.name in window.script.message.text,
                    timeout=30000)
    assert ("DRM" if case == "drm" else "damaged") in window.script.message.text
    assert window.books.preview is None and not window.books.is_running
    assert window.script.editor.toPlainText() == OLD and [b.id for b in window.document.script] == ids
    assert not window.project.dirty


def test_cancel_in_the_preview_changes_nothing(qtbot: Any, make_window: Any, tmp_path: Path) -> None:
    window = _window(make_window)
    dialog = _open_preview(qtbot, window, write_epub(tmp_path / "keeper.epub", CHAPTERS))
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.books.preview is None, timeout=5000)
    assert window.script.editor.toPlainText() == OLD and not window.project.dirty


def test_plain_text_offers_the_chapter_rule_and_reads_again(qtbot: Any, make_window: Any, tmp_path: Path) -> None:
    window = _window(make_window)
    path = tmp_path / "draft.txt"
    path.write_text("Chapter 1\n\nThe sea.\n\n# Night\n\nThe dark.\n\nChapter 2\n\nMorning.", encoding="utf-8")
    dialog = _open_preview(qtbot, window, path)
    assert dialog.rule_row.isVisibleTo(dialog)
    assert [r[0] for r in _rows(dialog)] == ["Chapter 1", "Night", "Chapter 2"]
    dialog.rule.setFocus()
    # Choose "nowhere (one chapter)" with the keyboard: End selects the last entry.
    qtbot.keyClick(dialog.rule, Qt.Key.Key_End)
    qtbot.waitUntil(lambda: [r[0] for r in _rows(dialog)] == ["(opening, untitled)"], timeout=30000)
    qtbot.keyClick(dialog.rule, Qt.Key.Key_Home)  # back to "Chapter 1" or "# Title"
    qtbot.waitUntil(lambda: len(_rows(dialog)) == 3, timeout=30000)
    qtbot.keyClick(dialog.rule, Qt.Key.Key_Down)  # "Chapter 1" lines only: "# Night" stays a paragraph
    qtbot.waitUntil(lambda: [r[0] for r in _rows(dialog)] == ["Chapter 1", "Chapter 2"], timeout=30000)
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.books.preview is None, timeout=5000)
    assert [c.title for c in window.document.script.chapters()] == ["Chapter 1", "Chapter 2"]
    assert "# Night" in window.script.editor.toPlainText()
