"""A project keeps its pronunciation (issue 12): saved by the real window, reopened
by another one, the rules, the shared dictionary attached and the dictionary's id (by which the
account sync finds the remote copy it made) all come back."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from studio.core.pronunciation import AliasRule, PhonemeRule, load_dictionary
from tests.ui.conftest import activate
from tests.ui.pronunciation_support import pronounce_as

SCRIPT = "Mr Nguyen flew to Thailand.\n\nHe wrote to Siobhan from there."


def test_saving_keeps_the_rules_and_reopening_restores_them(qtbot: Any, make_window: Any, tmp_path: Path) -> None:
    shared = tmp_path / "names.txt"
    shared.write_text("Siobhan = shiv awn\n", encoding="utf-8")
    window = make_window()
    window.script.editor.setPlainText(SCRIPT)
    activate(qtbot, window)
    pronounce_as(qtbot, window, SCRIPT.index("Nguyen"), "win")  # the gesture
    controller = window.pronunciation.controller
    controller.put_rule(controller.own.id, PhonemeRule("Thailand", "ˈtaɪ.lænd", "ipa"))
    controller.attach(load_dictionary(shared))
    own_id = controller.own.id
    assert window.project.dirty

    path = tmp_path / "trip.narration"
    with qtbot.waitSignal(window.project.saved, timeout=10000):
        window.project.save_as(str(path))
    qtbot.waitUntil(lambda: not window.project.dirty, timeout=10000)
    saved = json.loads(path.read_text(encoding="utf-8"))["pronunciation"]
    assert saved["id"] == own_id and saved["shared"] == [str(shared)]
    assert [r["string_to_replace"] for r in saved["rules"]] == ["Nguyen", "Thailand"]

    other = make_window()
    assert other.pronunciation.dictionaries() == ()
    with qtbot.waitSignal(other.project.opened, timeout=10000):
        other.open_project(str(path))
    reopened = other.pronunciation.controller
    assert reopened.own.id == own_id
    assert reopened.own.rules == (AliasRule("Nguyen", "win"), PhonemeRule("Thailand", "ˈtaɪ.lænd", "ipa"))
    # The shared file is read in a worker, then speaks with the project's rules.
    qtbot.waitUntil(lambda: [d.rules for d in reopened.shared] == [(AliasRule("Siobhan", "shiv awn"),)],
                    timeout=10000)
    assert [d.path for d in reopened.shared] == [str(shared)]
    assert [d.id for d in other.pronunciation.dictionaries()] == [own_id, reopened.shared[0].id]
    assert not other.project.dirty  # opening is not an edit
