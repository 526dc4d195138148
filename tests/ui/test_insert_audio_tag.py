"""Insert ▸ Audio Tag in the real window (issue 11, point 6): enabled only for a model whose
capability says audio tags (Eleven v3), inserting at the cursor; otherwise disabled with the
reason in the tooltip and status tip."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtGui import QTextCursor

from studio.core.script.spoken import SpokenText
from studio.ui.audio_tag_insert import PALETTE
from tests.fixtures.local_server import LocalServer, run_server
from tests.ui.conftest import activate
from tests.ui.test_export_plan import connect


@pytest.fixture(scope="module")
def account() -> Iterator[LocalServer]:
    with run_server(tier="creator") as server:
        yield server


def test_the_palette_lists_the_documented_tags() -> None:
    assert PALETTE[:4] == ("whispers", "laughs", "sighs", "pause")
    assert {"sarcastic", "excited", "applause", "short pause", "long pause"} <= set(PALETTE)


def test_tags_insert_at_the_cursor_for_v3_and_are_disabled_with_a_reason_elsewhere(
    qtbot: Any, make_window: Any, account: LocalServer
) -> None:
    window = make_window()
    connect(qtbot, window, account, "eleven_v3")
    activate(qtbot, window)
    palette = window.audio_tags
    palette.menu.aboutToShow.emit()  # what opening the menu does
    assert all(a.isEnabled() for a in palette.actions.values())
    editor = window.script.editor
    qtbot.keyClicks(editor, "Keep it down.")
    editor.moveCursor(QTextCursor.MoveOperation.Start)
    palette.actions["whispers"].trigger()
    assert editor.toPlainText() == "[whispers] Keep it down."
    editor.moveCursor(QTextCursor.MoveOperation.End)
    palette.actions["laughs"].trigger()
    assert editor.toPlainText() == "[whispers] Keep it down. [laughs]"
    qtbot.keyClicks(editor, " Fine.")
    assert SpokenText.build(editor.toPlainText(), window.render_source.capabilities()[0]).text == editor.toPlainText()

    # Another model: every tag is disabled, and the menu says why and what to do.
    combo = window.settings_panel.model
    combo.setCurrentIndex(combo.findData("eleven_multilingual_v2"))
    qtbot.waitUntil(lambda: not palette.actions["whispers"].isEnabled(), timeout=5000)
    assert not any(a.isEnabled() for a in palette.actions.values())
    tip = palette.menu.menuAction().toolTip()
    assert "does not take audio tags" in tip and "Eleven v3" in tip
    assert palette.actions["sighs"].statusTip() == tip
    before = editor.toPlainText()
    palette.insert("sighs")  # a disabled entry inserts nothing
    assert editor.toPlainText() == before
    # ... and what that model is sent has no tag in it.
    sent = SpokenText.build(before, window.render_source.capabilities()[0]).text
    assert "[" not in sent and "Keep it down." in sent
