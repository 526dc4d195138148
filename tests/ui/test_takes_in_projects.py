"""Takes, choices and locks survive save and reopen, autosave and recovery; old projects migrate."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from studio.core.project import RecoveryStore, load_project
from tests.ui.conftest import activate
from tests.ui.takes_support import ALT, CTRL, described_take, generate_takes

SCRIPT = ("The keeper climbed the stairs.\n\nBelow, the sea threw itself at the rocks.\n\n"
          "The gulls talked enough for both of them.")


def _state(window: Any) -> list[tuple[str, str, bool, str | None, list[str]]]:
    """What must survive: each block's id, text, lock, chosen take and takes."""
    window.document.sync()
    return [(b.id, b.text, b.locked, b.chosen_take_id, [t.id for t in b.takes]) for b in window.document.script]


def _save(qtbot: Any, window: Any, path: Path) -> None:
    with qtbot.waitSignal(window.project.saved, timeout=15000):
        window.project.save_as(str(path))
    qtbot.waitUntil(lambda: not window.project.dirty, timeout=10000)


def _open(qtbot: Any, window: Any, path: Path) -> None:
    with qtbot.waitSignal(window.project.opened, timeout=15000):
        window.open_project(str(path))


def test_real_takes_their_choice_and_lock_survive_save_close_and_reopen(qtbot: Any, offline_window: Any,
                                                                        make_window: Any, tmp_path: Path) -> None:
    window = offline_window
    editor = window.script.editor
    editor.setPlainText(SCRIPT)
    first = generate_takes(window, [0, 1])  # spoken by the offline voice through the render path
    second = generate_takes(window, [1])  # a second take of paragraph 2
    blocks = window.document.script.blocks
    assert len(blocks[1].takes) == 2 and blocks[1].chosen_take_id == second[blocks[1].id].id
    assert all(key in window._cache for t in (*first.values(), *second.values()) for key in t.cache_keys)
    activate(qtbot, window)
    cursor = editor.textCursor()
    cursor.setPosition(SCRIPT.index("Below") + 3)
    editor.setTextCursor(cursor)
    qtbot.keyClick(editor, Qt.Key.Key_Up, ALT)  # back to the first take of paragraph 2
    cursor.setPosition(2)
    editor.setTextCursor(cursor)
    qtbot.keyClick(editor, Qt.Key.Key_L, CTRL)  # lock paragraph 1
    assert blocks[1].chosen_take_id == first[blocks[1].id].id and blocks[0].locked
    saved = _state(window)

    path = tmp_path / "keeper.narration"
    _save(qtbot, window, path)
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["version"] == 2 and [b["id"] for b in document["blocks"]] == [s[0] for s in saved]
    take = document["blocks"][1]["takes"][0]
    assert take["voice_id"] == window.voices.current_voice.voice_id and take["engine_id"] == "offline"
    assert all(set(part) <= {"cache_key", "start", "end", "request_id", "created_unix", "character_cost"}
               for part in take["parts"])  # takes name cache entries; no audio goes in the file
    window._closing = True
    window.close()

    reopened = make_window()
    _open(qtbot, reopened, path)
    assert reopened.script.editor.toPlainText() == SCRIPT
    assert _state(reopened) == saved
    assert not reopened.project.dirty
    chosen = reopened.document.script.blocks[1].chosen_take
    assert chosen is not None and chosen.cache_keys == first[saved[1][0]].cache_keys  # the same audio, still in the cache
    assert [i for i, _row in reopened.takes.gutter.visible_marks()] == [0, 1, 2]


def test_a_version_1_project_opens_and_is_saved_as_version_2(qtbot: Any, make_window: Any, data_dir: Path,
                                                             tmp_path: Path) -> None:
    old = tmp_path / "lighthouse.narration"
    shutil.copy(data_dir / "projects" / "lighthouse-v1.narration", old)
    window = make_window()
    _open(qtbot, window, old)
    text = json.loads(old.read_text(encoding="utf-8"))["script"]
    blocks = window.document.script.blocks
    assert [b.text for b in blocks] == [p.strip() for p in text.split("\n\n") if p.strip()]
    assert all(not b.takes and not b.locked for b in blocks)
    window.document.add_take(blocks[1].id, described_take(blocks[1].text, "a1a1a1a1"))
    window.document.set_locked(blocks[4].id, True)
    saved = _state(window)
    _save(qtbot, window, old)
    document = json.loads(old.read_text(encoding="utf-8"))
    assert document["version"] == 2 and len(document["blocks"]) == 5
    assert load_project(old).document().blocks[1].takes[0].id == "a1a1a1a1"
    again = make_window()
    _open(qtbot, again, old)
    assert _state(again) == saved


def test_autosave_and_recovery_carry_the_takes_and_locks(qtbot: Any, make_window: Any, tmp_path: Path) -> None:
    state = tmp_path / "state-takes"
    window = make_window(state_dir=state)
    window.script.editor.setPlainText(SCRIPT)
    window.document.sync()
    blocks = window.document.script.blocks
    window.document.add_take(blocks[2].id, described_take(blocks[2].text, "b1b1b1b1"))
    window.document.set_locked(blocks[2].id, True)
    saved = _state(window)
    window.project.autosave_now()
    store = RecoveryStore(state)
    qtbot.waitUntil(lambda: store.read() is not None, timeout=10000)
    assert store.read().project.document().blocks[2].takes[0].id == "b1b1b1b1"

    after_crash = make_window(state_dir=state)
    with qtbot.waitSignal(after_crash.project.recovery_found, timeout=10000):
        after_crash.project.check_for_recovery()
    after_crash.banner.action_button.click()  # Restore
    assert after_crash.script.editor.toPlainText() == SCRIPT
    assert _state(after_crash) == saved
    assert after_crash.project.dirty


def test_file_new_starts_a_document_without_takes(qtbot: Any, make_window: Any) -> None:
    window = make_window()
    window.script.editor.setPlainText(SCRIPT)
    window.document.sync()
    block = window.document.script.blocks[0]
    window.document.add_take(block.id, described_take(block.text, "c1c1c1c1"))
    window.project.mark_clean()
    window.new_action.trigger()
    assert window.script.editor.toPlainText() == ""
    assert len(window.document.script) == 0
    window.script.editor.setPlainText(SCRIPT)  # the same words again are new paragraphs: no takes
    window.document.sync()
    assert all(not b.takes for b in window.document.script)
    assert block.id not in [b.id for b in window.document.script]


def test_a_new_take_or_lock_is_unsaved_work(qtbot: Any, make_window: Any) -> None:
    window = make_window()
    window.script.editor.setPlainText(SCRIPT)
    window.document.sync()
    window.project.mark_clean()
    block = window.document.script.blocks[0]
    window.document.add_take(block.id, described_take(block.text, "d1d1d1d1"))
    assert window.project.dirty
    window.project.mark_clean()
    window.document.set_locked(block.id, True)
    assert window.project.dirty
