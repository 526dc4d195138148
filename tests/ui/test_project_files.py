"""Projects in the real window: save and reopen, unsaved-change prompts, autosave and crash recovery."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from studio.api.models import VoiceSettings
from studio.core.project import PROJECT_FORMAT, RecoveryStore, load_project
from studio.ui.project_controller import CloseAnswer

SCRIPT = "Chapter One.\n\nThe lighthouse keeper counted the ships — all forty-two of them."


def _wait_saved(qtbot, window, path: Path) -> None:
    qtbot.waitUntil(lambda: path.exists() and not window.project.dirty, timeout=10000)


def test_save_and_reopen_restores_script_voice_and_settings(qtbot, make_window, tmp_path) -> None:
    window = make_window()
    window.script.editor.setPlainText(SCRIPT)
    window.settings_panel.sliders["stability"].set_value(0.31)
    window.settings_panel.sliders["speed"].slider.setValue(80)  # moves the slider like a person
    window.settings_panel.seed.setText("1234")
    assert window.project.dirty
    assert window.windowTitle().startswith("• Untitled")

    path = tmp_path / "projects" / "lighthouse.narration"
    path.parent.mkdir()
    with qtbot.waitSignal(window.project.saved, timeout=10000):
        window.project.save_as(str(path))
    _wait_saved(qtbot, window, path)
    assert window.windowTitle() == "lighthouse — Narration Studio"
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["format"] == PROJECT_FORMAT and document["version"] == 2
    assert document["script"] == SCRIPT
    assert document["seed"] == 1234
    speed = round(0.7 + 0.5 * 80 / 100, 2)
    assert document["voice_settings"]["speed"] == speed
    assert str(path) in window.preferences.recent_projects
    assert [p.name for p in path.parent.iterdir()] == ["lighthouse.narration"]  # no temp file left

    other = make_window()
    assert other.script.editor.toPlainText() == ""
    with qtbot.waitSignal(other.project.opened, timeout=10000):
        other.open_project(str(path))
    assert other.script.editor.toPlainText() == SCRIPT
    assert other.settings_panel.sliders["stability"].value() == 0.31
    assert other.settings_panel.sliders["speed"].value() == speed
    assert other.settings_panel.seed.text() == "1234"
    assert not other.project.dirty
    assert other.windowTitle() == "lighthouse — Narration Studio"
    assert other.recent_menu.actions()[0].text() == "lighthouse.narration"


def test_opening_a_damaged_file_shows_why_in_the_script_panel(qtbot, make_window, tmp_path) -> None:
    window = make_window()
    window.script.editor.setPlainText("keep me")
    window.project.mark_clean()
    bad = tmp_path / "bad.narration"
    bad.write_text("{ this is not json", encoding="utf-8")
    with qtbot.waitSignal(window.project.error, timeout=10000):
        window.open_project(str(bad))
    assert window.script.message.isVisible()
    assert "damaged" in window.script.message.text
    assert window.script.editor.toPlainText() == "keep me"  # nothing lost


def test_failed_save_keeps_the_work_unsaved(qtbot, make_window, tmp_path) -> None:
    window = make_window()
    window.script.editor.setPlainText(SCRIPT)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where a folder should be")
    with qtbot.waitSignal(window.project.error, timeout=10000):
        window.project.save_as(str(blocker / "story.narration"))
    assert window.project.dirty
    assert "Could not save the project" in window.script.message.text
    assert window.script.editor.toPlainText() == SCRIPT


def test_quitting_with_unsaved_changes_asks_first(qtbot, make_window, tmp_path, monkeypatch) -> None:
    window = make_window()
    window.script.editor.setPlainText(SCRIPT)
    answers = [CloseAnswer.CANCEL]
    monkeypatch.setattr(window, "_ask_unsaved", lambda: answers.pop(0))
    window.close()
    assert window.isVisible(), "Cancel must keep the window open"
    assert window.project.dirty

    # Save: asks where (untitled), saves in a worker, then closes by itself.
    target = tmp_path / "on-quit.narration"
    answers.append(CloseAnswer.SAVE)
    monkeypatch.setattr(window, "_ask_save_path", lambda: str(target))
    window.close()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=10000)
    assert load_project(target).script == SCRIPT


def test_discard_closes_without_saving_and_leaves_nothing_to_recover(qtbot, make_window, tmp_path, monkeypatch) -> None:
    state = tmp_path / "discard-on-quit"
    window = make_window(state_dir=state)
    window.script.editor.setPlainText(SCRIPT)
    window.project.autosave_now()
    store = RecoveryStore(state)
    qtbot.waitUntil(lambda: store.path.exists(), timeout=10000)
    monkeypatch.setattr(window, "_ask_unsaved", lambda: CloseAnswer.DISCARD)
    window.close()
    assert not window.isVisible()
    assert not store.path.exists()  # a deliberate Discard is not a crash


def test_an_empty_untitled_project_closes_without_asking(qtbot, make_window, monkeypatch) -> None:
    window = make_window()
    window.settings_panel.sliders["style"].set_value(0.4)
    window.project.mark_changed()

    def never() -> CloseAnswer:
        raise AssertionError("asked about an empty project")

    monkeypatch.setattr(window, "_ask_unsaved", never)
    window.close()
    assert not window.isVisible()


def test_autosave_writes_the_recovery_file_and_saving_removes_it(qtbot, make_window, tmp_path) -> None:
    state = tmp_path / "state-autosave"
    window = make_window(state_dir=state)
    store = RecoveryStore(state)
    window.script.editor.setPlainText(SCRIPT)
    window.project.autosave_now()
    qtbot.waitUntil(lambda: store.read() is not None, timeout=10000)
    assert store.read().project.script == SCRIPT
    target = tmp_path / "saved.narration"
    with qtbot.waitSignal(window.project.saved, timeout=10000):
        window.project.save_as(str(target))
    qtbot.waitUntil(lambda: not store.path.exists(), timeout=10000)


CRASHING_SESSION = textwrap.dedent(
    """
    import os, sys, time
    from pathlib import Path
    from PySide6.QtCore import QTimer
    from studio.core.preferences import Preferences, PreferencesStore
    from studio.core.project import RecoveryStore
    from studio.ui.app import build_main_window, create_application

    state = Path(sys.argv[1])
    app = create_application([])
    store = PreferencesStore(state / "prefs.json")
    prefs = Preferences(autosave_seconds=5)
    store.save(prefs)
    window = build_main_window(store, RecoveryStore(state))
    window.project.set_autosave_seconds(1)  # autosave as a real timer would, but sooner
    window.show()
    window.script.editor.setPlainText(sys.argv[2])
    recovery = RecoveryStore(state)

    def crash_once_saved():
        if recovery.path.exists():
            os._exit(3)  # die like a crash: no close event, no clean-up

    timer = QTimer()
    timer.timeout.connect(crash_once_saved)
    timer.start(50)
    QTimer.singleShot(20000, lambda: os._exit(4))
    app.exec()
    """
)


def test_crash_recovery_offers_the_unsaved_script_back(qtbot, make_window, tmp_path) -> None:
    state = tmp_path / "crash-state"
    state.mkdir()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, "-c", CRASHING_SESSION, str(state), SCRIPT],
        env=env, cwd=Path(__file__).resolve().parents[2], capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 3, result.stderr[-2000:]

    window = make_window(state_dir=state)
    with qtbot.waitSignal(window.project.recovery_found, timeout=10000):
        window.project.check_for_recovery()
    assert window.banner.isVisible()
    assert "closed unexpectedly" in window.banner.text
    assert window.banner.action_button.text() == "Restore"
    window.banner.action_button.click()
    assert window.script.editor.toPlainText() == SCRIPT
    assert window.project.dirty  # still needs a Save
    assert not window.banner.isVisible()


def test_discarding_recovered_work_removes_it(qtbot, make_window, tmp_path) -> None:
    from studio.core.project import Project

    state = tmp_path / "discard-state"
    RecoveryStore(state).write(Project(script="old words"))
    window = make_window(state_dir=state)
    with qtbot.waitSignal(window.project.recovery_found, timeout=10000):
        window.project.check_for_recovery()
    window.banner.second_button.click()
    qtbot.waitUntil(lambda: not RecoveryStore(state).path.exists(), timeout=10000)
    assert window.script.editor.toPlainText() == ""


@pytest.mark.parametrize("settings", [VoiceSettings(stability=0.9, similarity_boost=0.1, style=0.2, speed=1.15)])
def test_last_settings_are_remembered_between_runs(qtbot, make_window, tmp_path, settings) -> None:
    window = make_window()
    window.settings.apply_voice_settings(settings)
    window.settings_panel.seed.setText("77")
    window.script.set_zoom(3)
    store = window.preferences_store
    window._closing = True
    window.close()
    assert window.pool.shutdown(10000)
    # Closing hands the write to the preferences writer without waiting for it.
    qtbot.waitUntil(lambda: store.path.exists() and store.load().seed == 77, timeout=5000)
    saved = store.load()
    assert saved.voice_settings is not None
    assert saved.voice_settings.stability == 0.9 and saved.voice_settings.speed == 1.15
    assert saved.seed == 77 and saved.editor_zoom == 3

    from studio.core.preferences import PreferencesStore
    from studio.ui.app import build_main_window

    again = build_main_window(PreferencesStore(store.path), RecoveryStore(tmp_path / "s2"))
    try:
        assert again.settings_panel.sliders["stability"].value() == 0.9
        assert again.settings_panel.sliders["similarity_boost"].value() == 0.1
        assert again.settings_panel.seed.text() == "77"
        assert again.script.zoom == 3
    finally:
        again._closing = True
        again.close()
        assert again.pool.shutdown(10000)


def test_new_project_after_save_answer_saves_first(qtbot, make_window, tmp_path, monkeypatch) -> None:
    window = make_window()
    window.script.editor.setPlainText(SCRIPT)
    target = tmp_path / "before-new.narration"
    monkeypatch.setattr(window, "_ask_unsaved", lambda: CloseAnswer.SAVE)
    monkeypatch.setattr(window, "_ask_save_path", lambda: str(target))
    window.new_action.trigger()
    qtbot.waitUntil(lambda: window.script.editor.toPlainText() == "", timeout=10000)
    assert load_project(target).script == SCRIPT
    assert window.project.path is None and not window.project.dirty
    assert window.windowTitle() == "Untitled — Narration Studio"

    window.script.editor.setPlainText("second draft")
    monkeypatch.setattr(window, "_ask_unsaved", lambda: CloseAnswer.CANCEL)
    window.new_action.trigger()
    assert window.script.editor.toPlainText() == "second draft"


def test_a_recent_project_that_is_gone_leaves_the_menu(qtbot, make_window, tmp_path) -> None:
    window = make_window()
    window.script.editor.setPlainText(SCRIPT)
    path = tmp_path / "moved-away.narration"
    with qtbot.waitSignal(window.project.saved, timeout=10000):
        window.project.save_as(str(path))
    assert [a.text() for a in window.recent_menu.actions()] == ["moved-away.narration"]
    path.unlink()
    with qtbot.waitSignal(window.project.error, timeout=10000):
        window.recent_menu.actions()[0].trigger()
    assert "no longer exists" in window.script.message.text
    assert str(path) not in window.preferences.recent_projects
    assert window.recent_menu.actions() == []
    assert window.script.editor.toPlainText() == SCRIPT
