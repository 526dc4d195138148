"""The whole window: layout, shortcuts, accessibility, 200 % scaling, preview, and a screenshot.

The window runs on the real offline engine (no key in tests: the null keyring), exactly as a
first start on a new computer does.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QMenuBar,
    QPlainTextEdit,
    QScrollBar,
    QWidget,
)

from studio.ui.engine_session import NO_KEYRING
from studio.ui.main_window import NotReadyError
from tests.integration.player.rig import needs_audio
from tests.ui.conftest import wait_for_engine, wait_for_voices
from tests.ui.pronunciation_support import spy_requests

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
SCRIPT = (
    "Chapter One: The Lighthouse\n\n"
    "The keeper climbed the hundred and twelve steps at dusk, as he had every evening for forty "
    "years. Below him the sea turned from silver to slate.\n\n"
    "“Another storm,” he said to no one, and lit the lamp."
)


def test_first_start_opens_on_the_offline_voice_with_a_friendly_banner(qtbot, offline_window) -> None:
    window = offline_window
    assert window.banner.isVisible() and window.banner.text == NO_KEYRING
    assert "Account" in window.banner.text and "HTTP" not in window.banner.text
    assert window.status.engine_label.text() == "Offline voice"
    assert window.voices.current_voice.category == "offline"  # chosen for the narrator
    assert window.details.name.text() == window.voices.current_voice.name
    assert not window.project.dirty  # nothing the narrator did yet
    assert window.windowTitle() == "Untitled — Narration Studio"
    # the panels are where the issue puts them
    assert [window.splitter.widget(i) for i in range(3)][:2] == [window.left, window.script]
    assert window.splitter.widget(2).widget() is window.settings_panel
    assert window.transport is not None and window.transport_slot.isAncestorOf(window.transport)


def test_window_geometry_and_splitters_are_remembered(qtbot, make_window) -> None:
    window = make_window()
    window.resize(790, 700)  # the offscreen screen is 800x800: restoring clamps to it
    window.splitter.setSizes([250, 300, 240])
    sizes = window.splitter.sizes()
    window.save_ui_state()
    again = make_window()
    assert again.splitter.sizes() == sizes
    assert again.size() == window.size()


def test_keyboard_shortcuts(qtbot, offline_window, monkeypatch) -> None:
    window = offline_window
    calls: list[str] = []
    monkeypatch.setattr(window.player, "play", lambda: calls.append("play"))
    monkeypatch.setattr(window.player, "toggle_pause", lambda: calls.append("toggle"))
    window.activateWindow()
    editor = window.script.editor
    editor.setFocus()
    qtbot.keyClick(editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert calls == ["play"]
    qtbot.keyClick(editor, Qt.Key.Key_Space)  # in the editor, Space types a space
    assert editor.toPlainText() == " " and calls == ["play"]

    window.browser.list.setFocus()  # outside text fields, Space is play/pause
    qtbot.keyClick(window.browser.list, Qt.Key.Key_Space)
    assert calls == ["play", "toggle"]
    window.browser.search.setFocus()  # ...but a search box still gets its spaces
    qtbot.keyClick(window.browser.search, Qt.Key.Key_Space)
    assert calls == ["play", "toggle"]
    assert window.browser.search.text() == " "
    favourite = window.details.favourite_button  # ...and a focused button is still pressed
    favourite.setFocus()
    qtbot.keyClick(favourite, Qt.Key.Key_Space)
    qtbot.waitUntil(favourite.isChecked, timeout=2000)
    assert calls == ["play", "toggle"]

    editor.setFocus()
    qtbot.keyClick(editor, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is window.browser.search
    qtbot.keyClick(window.browser.search, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.script.find_bar.isVisible()
    assert QApplication.focusWidget() is window.script.find_bar.field
    assert window.find_action.shortcut().matches(window.search_action.shortcut()) != window.find_action.shortcut().matches(window.find_action.shortcut())  # distinct
    for action in (window.new_action, window.open_action, window.save_action, window.save_as_action):
        assert not action.shortcut().isEmpty(), action.text()


def test_play_without_a_voice_explains_what_to_do(qtbot, make_window) -> None:
    window = make_window()
    with pytest.raises(NotReadyError, match="still starting"):
        window.render_source.current()


def test_preview_plays_the_offline_sample_or_explains_why_not(qtbot, offline_window) -> None:
    window = offline_window
    preview = window.voices.preview
    window.details.preview_button.click()
    assert window.details.preview_button.text() == "Stop preview"
    if os.environ.get("STUDIO_TEST_AUDIO"):
        qtbot.waitUntil(lambda: preview.player.is_playing, timeout=30000)
        window.details.preview_button.click()
        assert window.details.preview_button.text() == "Preview"
    else:  # no sound device here: the narrator is told, in words, and nothing hangs
        qtbot.waitUntil(lambda: window.details.message.isVisible(), timeout=30000)
        assert "sound" in window.details.message.text.lower() or "audio" in window.details.message.text.lower()
        assert window.details.preview_button.text() == "Preview"


def _controls(root: QWidget) -> list[QWidget]:
    kinds = (QAbstractButton, QLineEdit, QComboBox, QAbstractSlider, QAbstractSpinBox, QAbstractItemView, QPlainTextEdit)
    found = []
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, kinds) or isinstance(widget, QScrollBar):
            continue
        parent = widget.parentWidget()
        # parts of a compound control (a spin box's line edit, a combo's popup, a search box's
        # clear button, the menu bar's overflow arrow) are named by the control itself
        if isinstance(parent, (QComboBox, QAbstractSpinBox, QLineEdit, QMenuBar)) or type(widget).__name__ == "QComboBoxListView":
            continue
        if widget.window() is not root.window():
            continue
        found.append(widget)
    return found


def test_every_control_has_an_accessible_name(qtbot, offline_window) -> None:
    window = offline_window
    buddies = {label.buddy() for label in window.findChildren(QLabel) if label.buddy() is not None}
    nameless = [
        f"{type(w).__name__} {w.objectName()!r} text={getattr(w, 'text', lambda: '')()!r} parent={type(w.parentWidget()).__name__}"
        for w in _controls(window)
        if not w.accessibleName() and w not in buddies
    ]
    assert len(_controls(window)) > 30
    assert nameless == []


def test_account_dialog_controls_have_accessible_names(qtbot, offline_window) -> None:
    window = offline_window
    window.open_account()
    dialog = window.account_dialog
    qtbot.addWidget(dialog)
    buddies = {label.buddy() for label in dialog.findChildren(QLabel) if label.buddy() is not None}
    controls = [w for w in dialog.findChildren(QWidget) if w in _controls(dialog)]
    assert len(controls) >= 8
    assert [type(w).__name__ for w in controls if not w.accessibleName() and w not in buddies] == []
    dialog.reject()


SCALED = textwrap.dedent(
    """
    import json, sys
    from PySide6.QtWidgets import QAbstractButton, QComboBox, QLineEdit, QAbstractSpinBox, QLabel
    from studio.core.preferences import PreferencesStore
    from studio.core.project import RecoveryStore
    from studio.ui.app import build_main_window, create_application
    from pathlib import Path

    out = Path(sys.argv[1])
    app = create_application([])
    window = build_main_window(PreferencesStore(out / "p.json"), RecoveryStore(out))
    # 200 %: a 1920x1080 screen is 960x540 logical pixels. The window must fit and not clip.
    window.resize(960, 540)
    window.show()
    app.processEvents()
    minimum = window.minimumSizeHint()
    clipped = []
    from PySide6.QtWidgets import QWidget
    for w in window.findChildren(QWidget):
        if not isinstance(w, (QAbstractButton, QComboBox, QLineEdit, QAbstractSpinBox)):
            continue
        if isinstance(w.parentWidget(), (QComboBox, QAbstractSpinBox)):
            continue  # inner parts are sized by their control
        if w.isVisible() and (w.width() < w.minimumSizeHint().width() or w.height() < w.minimumSizeHint().height()):
            clipped.append(f"{type(w).__name__}:{w.accessibleName() or w.objectName()}")
    window.grab().save(str(out / "scaled.png"))
    print(json.dumps({"ratio": window.devicePixelRatio(), "min": [minimum.width(), minimum.height()],
                      "size": [window.width(), window.height()], "clipped": clipped}))
    window._closing = True
    window.close()
    window.pool.shutdown(5000)
    """
)


def test_usable_at_200_percent_scaling(tmp_path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QT_SCALE_FACTOR="2")
    result = subprocess.run([sys.executable, "-c", SCALED, str(tmp_path)], env=env, cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["ratio"] == 2.0
    assert report["min"][0] <= 960 and report["min"][1] <= 540, report
    assert report["size"] == [960, 540]
    assert report["clipped"] == [], report["clipped"]
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "main_window_200.png").write_bytes((tmp_path / "scaled.png").read_bytes())


def test_screenshot_of_the_main_window(qtbot, make_window) -> None:
    """Saves test-artifacts/main_window.png: connected to our server, a voice chosen, a script."""
    from studio.server.catalog import generate_voices
    from studio.ui.theme import apply_theme
    from tests.fixtures.local_server import run_server

    app = QApplication.instance()
    apply_theme(app)
    try:
        with run_server(catalog=generate_voices(60, seed=11)) as server:
            window = make_window()
            window.resize(1280, 800)
            window.session.start("elevenlabs", server.base_url, api_key="sk_screenshot")
            wait_for_engine(qtbot, window, "elevenlabs")
            wait_for_voices(qtbot, window)
            qtbot.waitUntil(lambda: window.settings_panel.model.isEnabled(), timeout=10000)
            qtbot.waitUntil(lambda: window.status.usage_label.text().startswith("Characters"), timeout=10000)
            model = window.voices.model
            window.browser.list.setCurrentIndex(model.index(2))
            window.settings_panel.model.setCurrentIndex(window.settings_panel.model.findData("eleven_multilingual_v2"))
            window.script.editor.setPlainText(SCRIPT)
            window.counter.recount()
            qtbot.wait(300)
            ARTIFACTS.mkdir(exist_ok=True)
            path = ARTIFACTS / "main_window.png"
            assert window.grab().save(str(path))
            assert path.stat().st_size > 10_000
            window.session.shutdown()
    finally:
        app.setStyleSheet("")


def test_ctrl_enter_speaks_the_script_with_the_chosen_voice(qtbot, offline_window) -> None:
    """The window hands the player a real request; with a sound device the words light up."""
    window = offline_window
    window.script.editor.setPlainText("Hello from the lighthouse.")
    window.settings_panel.sliders["speed"].set_value(1.1)
    requests = spy_requests(window)
    window.script.editor.setFocus()
    qtbot.keyClick(window.script.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    if os.environ.get("STUDIO_TEST_AUDIO"):
        qtbot.waitUntil(lambda: window.player.highlighted_index is not None, timeout=30000)
        assert requests and requests[0].voice_id == window.voices.current_voice.voice_id
        assert requests[0].text == "Hello from the lighthouse."
        assert requests[0].voice_settings.speed == 1.1
        window.player.stop()
    else:  # no sound device: no credit spent, and the script panel says why
        qtbot.waitUntil(lambda: window.script.message.isVisible(), timeout=10000)
        assert "sound" in window.script.message.text.lower() or "audio" in window.script.message.text.lower()


def test_export_opens_with_the_window_s_voice_and_settings(qtbot, offline_window) -> None:
    window = offline_window
    window.open_export()  # empty script: explained, no dialog
    assert "nothing to export" in window.script.message.text
    window.script.editor.setPlainText(SCRIPT)
    window.settings_panel.sliders["speed"].set_value(0.9)
    window.export_action.trigger()
    dialog = window.export_dialog
    qtbot.addWidget(dialog)
    assert dialog.isVisible()
    assert dialog.script.text == SCRIPT
    settings = dialog.controller.inputs.settings
    assert settings.voice_id == window.voices.current_voice.voice_id
    assert settings.voice_settings.speed == 0.9
    assert settings.output_format == "pcm_22050"  # the offline voice's own rate, as the command line asks
    dialog.reject()


@needs_audio
def test_closing_while_playing_with_every_thread_busy_still_saves_the_preferences(qtbot, tmp_path) -> None:
    """Closing stops playback before it waits for the preferences: the stream's thread is freed,
    so the save is not stuck behind work that only ends when cancelled (a 5 s freeze, then
    closing with the preferences not yet written)."""
    import time

    from studio.core.preferences import Preferences, PreferencesStore
    from studio.core.project import RecoveryStore
    from studio.ui.app import build_main_window
    from studio.ui.worker import Worker
    from tests.integration.player.rig import inputs_for
    from tests.integration.player.tone_backend import ToneBackend

    class SlowDiskStore(PreferencesStore):
        def save(self, preferences: Preferences) -> None:
            time.sleep(0.3)  # a slow disk: the write is still going when nobody waits for it
            super().save(preferences)

    store = SlowDiskStore(tmp_path / "prefs" / "preferences.json")
    window = build_main_window(store, RecoveryStore(tmp_path / "state"))
    window.show()
    qtbot.waitExposed(window)
    try:
        backend = ToneBackend(realtime_factor=1.0)  # streams at the speed it plays: long enough
        window.player._inputs = inputs_for(backend)
        window.script.editor.setPlainText("A line for the tone engine to speak, slowly and at length. " * 3)
        window.player.play()
        qtbot.waitUntil(lambda: window.player.session_worker is not None and len(backend.requests) == 1)
        for _ in range(3):  # the rest of the pool: work that ends only when the pool shuts down
            window.pool.start(Worker(lambda token: token.wait(60)))
        qtbot.waitUntil(lambda: window.pool.active_count >= 4)  # every one of its 4 threads taken
        window.script.zoom_in()
        zoom = window.preferences.editor_zoom
        assert zoom != 0
        window._closing = True  # no unsaved-work question
        window.close()
        # Closing hands the save to the preferences writer (its own thread, not the busy pool)
        # and does not wait for it (tests/ui/test_closing.py); the write still lands.
        qtbot.waitUntil(lambda: store.path.exists() and store.load().editor_zoom == zoom, timeout=5000)
    finally:
        window._closing = True
        window.close()
        assert window.pool.shutdown(10000)
        window.session.shutdown()
        window.deleteLater()
