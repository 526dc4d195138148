"""The export dialog's subtitle rules with real offline takes: a violation is listed before the
export, one click fixes it, and the exported SRT (read back with ``srt``) keeps the fix."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import srt
from PySide6.QtCore import Qt

from studio.core.backends.offline import MODEL_ID, OfflineBackend
from studio.core.cache import SpeechCache
from studio.core.preferences import Preferences
from studio.core.render import render
from studio.core.render_inputs import render_inputs
from studio.core.script import Script, plan_render
from studio.offline.voices import bundled_voice
from studio.ui.export_choices import RememberedExport
from studio.ui.export_dialog import ExportDialog
from studio.ui.worker import WorkerPool

SCRIPT = "Yes.\n\nThe lighthouse keeper climbed the stairs at dusk."
PAUSE_MS = 3000
SHORTEST_MS = 3000


@pytest.fixture
def pool() -> Iterator[WorkerPool]:
    pool = WorkerPool(max_threads=2)
    yield pool
    assert pool.shutdown(15000), "a check or an export outlived the test"


def _spoken(cache: SpeechCache) -> tuple[Script, Any]:
    backend = OfflineBackend()
    inputs = render_inputs(backend, voice_id=bundled_voice().voice_id, model_id=MODEL_ID)
    script = Script.from_text(SCRIPT)
    render(plan_render(script, inputs.settings, inputs.capabilities, cache), script, backend, cache=cache)
    assert all(block.chosen_take is not None for block in script.blocks)
    return script, inputs


def test_a_short_cue_is_listed_fixed_with_one_click_and_exported_fixed(qtbot: Any, pool: WorkerPool,
                                                                       tmp_path: Path) -> None:
    cache = SpeechCache(tmp_path / "cache")
    script, inputs = _spoken(cache)
    preferences = Preferences()
    (tmp_path / "out").mkdir()
    dialog = ExportDialog(script, inputs, source=SCRIPT, pool=pool, cache=cache, pause_ms=PAUSE_MS,
                          directory=tmp_path / "out", remembered=RememberedExport(preferences, None))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    panel = dialog.rules_panel
    with qtbot.waitSignal(panel.checked, timeout=30000) as first:
        pass
    # Netflix English: "Yes." keeps the rules (the pause after it leaves time to read it).
    assert not any(v.text == "Yes." for v in first.args[0])
    assert "42 characters a line" in panel.summary.text()

    # Custom rules, by keyboard: the last rule set, then a 3 s shortest cue.
    panel.rules_combo.setFocus()
    qtbot.keyClick(panel.rules_combo, Qt.Key.Key_End)
    assert panel.rules_name == "custom" and panel.custom_box.isVisible()
    spin = panel.custom_spins["min_duration_ms"]
    spin.setFocus()
    spin.selectAll()
    with qtbot.waitSignal(panel.checked, timeout=30000) as checked:
        qtbot.keyClicks(spin, str(SHORTEST_MS))
    qtbot.waitUntil(lambda: panel.custom_spins["min_duration_ms"].value() == SHORTEST_MS and
                    panel._worker is None and any(v.text == "Yes." for v in panel.violations), timeout=30000)
    [yes] = [v for v in panel.violations if v.text == "Yes."]
    assert yes.kind == "too-short" and yes.fix is not None and yes.fix.kind == "extend"
    assert panel.list.count() == len(panel.violations) and "“Yes.”" in panel.list.item(0).text()

    # One click on the cue, one on Fix: it is fixed and no longer listed.
    row = panel.list.visualItemRect(panel.list.item(panel.violations.index(yes)))
    qtbot.mouseClick(panel.list.viewport(), Qt.MouseButton.LeftButton, pos=row.center())
    assert panel.fix_button.isEnabled() and panel.fix_button.text() == "&Extend"
    with qtbot.waitSignal(panel.checked, timeout=30000):
        qtbot.mouseClick(panel.fix_button, Qt.MouseButton.LeftButton)
    assert not any(v.text == "Yes." for v in panel.violations)
    assert panel.fixes == [yes.fix]

    # Export (SRT is ticked by default): the file keeps the fix.
    dialog.set_destination(tmp_path / "out" / "book.wav")
    with qtbot.waitSignal(dialog.exported, timeout=60000):
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    subs = list(srt.parse((tmp_path / "out" / "book.srt").read_text(encoding="utf-8")))
    assert subs[0].content == "Yes."
    assert (subs[0].end - subs[0].start).total_seconds() >= SHORTEST_MS / 1000 - 0.001
    assert (subs[1].start - subs[0].end).total_seconds() >= 0.084 - 0.001  # the gap still holds
    # The rule set is remembered for the next export.
    assert preferences.export is not None and preferences.export.subtitle_rules == "custom"
    assert preferences.export.custom_subtitle_rules["min_duration_ms"] == SHORTEST_MS
