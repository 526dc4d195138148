"""Play from a chapter, and the chapter heard in the status bar, with the real offline voice
(Piper), the real QAudioSink on the null sink (tests/run.sh) and the real keys and menus; then
the outline shows each chapter's length and what is still to be generated, from the takes."""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import Qt

from studio.core.script import Block, Script
from tests.integration.player.rig import needs_audio
from tests.ui.conftest import activate
from tests.ui.outline_support import open_outline, row_center
from studio.ui.outline_model import LENGTH, STATUS

pytestmark = needs_audio

OPENING = "A note before the story."
ONE = ["Chapter One", "The lamp was lit at dusk."]
TWO = ["Chapter Two", "Gulls argued on the roof."]


def _script() -> Script:
    return Script([Block(OPENING), Block(ONE[0], chapter=ONE[0]), Block(ONE[1]),
                   Block(TWO[0], chapter=TWO[0]), Block(TWO[1])])


def test_play_from_a_chapter_and_the_status_bar_follows_the_chapter_heard(qtbot: Any, offline_window: Any) -> None:
    window = offline_window
    outline = open_outline(qtbot, window, _script())
    view = outline.panel.view
    label = outline.status_label
    assert not label.isVisible()
    # Chapter One chosen in the outline, then its key: Play from Chapter (Alt+Shift+Return).
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=row_center(outline, 1))
    assert view.hasFocus()
    heard: list[str] = []
    label_texts: list[tuple[str, int | None]] = []

    def note() -> None:
        if label.isVisible() and (not label_texts or label_texts[-1][0] != label.text()):
            label_texts.append((label.text(), window.player.highlighted_index))

    outline._follow.timeout.connect(note)
    with qtbot.waitSignal(window.player.player.finished, timeout=90000):
        qtbot.keyClick(view, Qt.Key.Key_Return, Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.ShiftModifier)
        session = window.player.session
        assert session is not None
        heard = [window.document.script.block(b).text for b in session.block_ids]
        qtbot.waitUntil(lambda: label.text() == "Chapter: Chapter One" and label.isVisible(), timeout=60000)
        # Where the person looks: in the status bar, on screen, and the row in bold.
        bar = window.status
        assert bar.rect().contains(label.geometry()) and label.width() > 0
        assert outline.model.index(1, 0).data(Qt.ItemDataRole.FontRole).bold()
        qtbot.waitUntil(lambda: label.text() == "Chapter: Chapter Two", timeout=60000)
        assert outline.model.index(2, 0).data(Qt.ItemDataRole.FontRole).bold()
        assert outline.model.index(1, 0).data(Qt.ItemDataRole.FontRole) is None
    assert heard == ONE + TWO  # from the chapter on: not the opening
    # It followed the highlight: when it named Chapter Two, the lit word was in Chapter Two's text.
    text = session.text
    two_starts = text.index(TWO[0])
    changes = [(t, i) for t, i in label_texts]
    assert [t for t, _ in changes] == ["Chapter: Chapter One", "Chapter: Chapter Two"]
    lit = changes[1][1]
    assert lit is None or lit >= two_starts
    qtbot.waitUntil(lambda: not label.isVisible(), timeout=5000)  # stopped: no chapter is heard

    # The takes made give the outline its figures: the two chapters are made, the opening is not.
    model = outline.model
    qtbot.waitUntil(lambda: model.index(1, STATUS).data() == "All generated"
                    and model.index(2, STATUS).data() == "All generated", timeout=30000)
    assert model.index(0, STATUS).data() == "Needs 1 paragraph"
    for row in (1, 2):
        assert re.fullmatch(r"0:0[1-9]", model.index(row, LENGTH).data()), model.index(row, LENGTH).data()
    assert model.index(0, LENGTH).data() == ""


def test_play_from_here_in_the_context_menu_starts_at_that_chapter(qtbot: Any, offline_window: Any) -> None:
    window = offline_window
    outline = open_outline(qtbot, window, _script())
    activate(qtbot, window)
    outline.panel.view.customContextMenuRequested.emit(row_center(outline, 2))  # a right-click on Chapter Two
    menu = outline.panel.menu
    play = next(a for a in menu.actions() if a.text() == "&Play from Here")
    with qtbot.waitSignal(window.player.player.finished, timeout=90000):
        play.trigger()
        session = window.player.session
        assert session is not None
        assert [window.document.script.block(b).text for b in session.block_ids] == TWO
