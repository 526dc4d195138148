"""Playback ▸ Check Timing in the real window: real offline takes, a click selects the text."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from studio.core.backends.offline import MODEL_ID, OfflineBackend
from studio.core.cache import SpeechCache
from studio.core.render import render
from studio.core.render_inputs import render_inputs
from studio.core.script import plan_render
from studio.offline.voices import bundled_voice
from studio.ui.timing_qa_model import KindRole

TEXT = "Hello 😀 friends, welcome back.\n\nThe repair cost $4,250 in the end."


def _make_takes(window: Any, tmp_path: Path) -> SpeechCache:
    """Real offline takes of every paragraph, added to the window's document as Play would."""
    cache = window._cache
    if cache is None:  # pragma: no cover - the window always has one
        cache = window._cache = SpeechCache(tmp_path / "cache")
    backend = OfflineBackend()
    inputs = render_inputs(backend, voice_id=bundled_voice().voice_id, model_id=MODEL_ID)
    window.document.sync()
    snapshot = window.document.snapshot()
    plan = plan_render(snapshot, inputs.settings, inputs.capabilities, cache)
    made = render(plan, None, backend, cache=cache, record=False)
    for block_id, take in made.new_takes.items():
        window.document.add_take(block_id, take)
    return cache


def test_clicking_an_item_selects_its_text_in_the_script(qtbot: Any, make_window: Any, tmp_path: Path) -> None:
    window = make_window()
    window.script.editor.setPlainText(TEXT)
    _make_takes(window, tmp_path)
    window.timing_qa_action.trigger()
    dialog = window.timing_qa_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: bool(dialog.model.report.paragraphs) and dialog.refresh_button.isEnabled(), timeout=20000)
    model, view = dialog.model, dialog.list

    expanded = [r for r in model.rows_of_kind("expanded")
                if "$4,250" in model.index(r).data(Qt.ItemDataRole.DisplayRole)]
    assert len(expanded) == 1
    row = model.index(expanded[0])
    assert "four thousand two hundred fifty dollars" in row.data(Qt.ItemDataRole.DisplayRole)
    view.scrollTo(row)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(row).center())
    # The emoji before it is two UTF-16 units in the editor: the selection still lands on the amount.
    assert window.script.editor.textCursor().selectedText() == "$4,250"

    # Narrowed to the first paragraph, a click on its summary selects the whole paragraph.
    dialog.scope_combo.setCurrentIndex(dialog.scope_combo.findData(0))
    assert model.index(0).data(KindRole) == "paragraph"
    assert all(model.index(r).data(KindRole) != "script" for r in range(model.rowCount()))
    first = model.index(0)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(first).center())
    assert window.script.editor.textCursor().selectedText() == TEXT.split("\n\n")[0]

    # The whole-script row gives the reading speed of everything.
    dialog.scope_combo.setCurrentIndex(0)
    summary = model.index(0).data(Qt.ItemDataRole.DisplayRole)
    assert summary.startswith("Whole script") and "words/min" in summary
