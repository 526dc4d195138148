"""The script editor: live counter against the model's limit, requests, credits, find, zoom, undo."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from studio.api.models import Model, ModelRates
from studio.core.segmenter import split_script
from studio.ui.script_counter import ScriptCounter
from studio.ui.script_editor import ScriptEditor
from studio.ui.script_stats import compute_stats


def _model(limit: int = 100, multiplier: float | None = None) -> Model:
    return Model(
        model_id="eleven_flash_v2_5", name="Flash v2.5", can_do_text_to_speech=True,
        maximum_text_length_per_request=limit, max_characters_request_subscribed_user=limit,
        max_characters_request_free_user=limit // 2,
        model_rates=ModelRates(character_cost_multiplier=multiplier) if multiplier is not None else None,
    )


@pytest.fixture
def editor(qtbot) -> ScriptEditor:
    view = ScriptEditor()
    qtbot.addWidget(view)
    view.resize(600, 400)
    view.show()
    return view


def test_counter_shows_characters_limit_and_credits(qtbot, editor) -> None:
    counter = ScriptCounter(editor)
    counter.set_model(_model(100, multiplier=0.5), "eleven_flash_v2_5", charges=True)
    editor.editor.setPlainText("a" * 40)
    counter.recount()
    assert editor.counter.text() == "40 / 100 characters · ≈ 20 credits"
    assert editor.counter.objectName() == "counter"


def test_counter_updates_live_while_typing(qtbot, editor) -> None:
    counter = ScriptCounter(editor)
    counter.set_model(_model(1000), "eleven_flash_v2_5", charges=True)
    editor.editor.setFocus()
    qtbot.keyClicks(editor.editor, "Hello")
    qtbot.waitUntil(lambda: editor.counter.text().startswith("5 / 1,000 characters"), timeout=2000)
    assert "≈ 5 credits" in editor.counter.text()  # no rate from the API: one credit a character


def test_over_the_limit_is_allowed_and_counts_requests(qtbot, editor) -> None:
    counter = ScriptCounter(editor)
    counter.set_model(_model(100), "eleven_flash_v2_5", charges=True)
    text = "\n\n".join(["This sentence is about forty characters." * 2] * 3)
    editor.editor.setPlainText(text)
    stats = counter.recount()
    assert stats.over_limit
    assert editor.editor.toPlainText() == text  # nothing cut off
    assert stats.requests == len(split_script(text, 100)) >= 3
    assert f"{stats.requests} requests" in editor.counter.text()
    assert editor.counter.objectName() == "counterOverLimit"
    assert "100 characters" in editor.counter.toolTip()


def test_free_accounts_use_the_free_limit() -> None:
    stats = compute_stats("x" * 60, _model(100), "eleven_flash_v2_5", charges=True, subscribed=False)
    assert stats.limit == 50
    assert stats.over_limit


def test_offline_costs_no_credits() -> None:
    stats = compute_stats("Hello there.", None, "offline", charges=False, subscribed=True)
    assert stats.credits is None
    assert "no credits" in stats.describe()


def test_find_next_previous_and_wraps(qtbot, editor) -> None:
    editor.editor.setPlainText("One fish. Two fish. Red fish.")
    editor.open_find()
    assert editor.find_bar.isVisible()
    qtbot.keyClicks(editor.find_bar.field, "fish")
    cursor = editor.editor.textCursor()
    assert (cursor.selectionStart(), cursor.selectedText()) == (4, "fish")
    editor.find(forward=True)
    assert editor.editor.textCursor().selectionStart() == 14
    editor.find(forward=True)
    editor.find(forward=True)  # wraps to the first
    assert editor.editor.textCursor().selectionStart() == 4
    editor.find(forward=False)  # wraps backwards to the last
    assert editor.editor.textCursor().selectionStart() == 24
    editor.find_bar.field.setText("whale")
    assert editor.find_bar.status.text() == "Not found"
    qtbot.keyClick(editor.find_bar.field, Qt.Key.Key_Escape)
    assert not editor.find_bar.isVisible()


def test_zoom_changes_font_and_is_bounded(qtbot, editor) -> None:
    base = editor.editor.font().pointSizeF()
    editor.zoom_in()
    editor.zoom_in()
    assert editor.editor.font().pointSizeF() == base + 2
    assert editor.zoom == 2
    editor.set_zoom(1000)
    assert editor.zoom == 24
    editor.reset_zoom()
    assert editor.editor.font().pointSizeF() == base


def test_undo_redo(qtbot, editor) -> None:
    editor.editor.setFocus()
    qtbot.keyClicks(editor.editor, "Draft")
    editor.editor.undo()
    assert editor.editor.toPlainText() == ""
    editor.editor.redo()
    assert editor.editor.toPlainText() == "Draft"
