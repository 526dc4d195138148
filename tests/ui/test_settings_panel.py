"""Voice settings and model picker against real backends (our server over loopback; offline)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt

from studio.api.requests import TextToSpeechRequest
from studio.core.script import Script, plan_render
from studio.server.catalog import generate_voices
from studio.server.models_data import MODELS
from studio.ui.settings_panel import SEED_MAX
from tests.fixtures.local_server import LocalServer, run_server
from tests.ui.conftest import wait_for_engine, wait_for_voices


@pytest.fixture(scope="module")
def creator_server() -> Iterator[LocalServer]:
    with run_server(tier="creator", catalog=generate_voices(20, seed=5)) as server:
        yield server


def _connected(qtbot, make_window, server: LocalServer) -> Any:
    window = make_window()
    window.session.start("elevenlabs", server.base_url, api_key="sk_any")
    wait_for_engine(qtbot, window, "elevenlabs")
    qtbot.waitUntil(lambda: window.settings_panel.model.isEnabled(), timeout=10000)
    wait_for_voices(qtbot, window)
    return window


def _choose_model(window: Any, model_id: str) -> None:
    combo = window.settings_panel.model
    index = combo.findData(model_id)
    assert index >= 0, model_id
    combo.setCurrentIndex(index)


def test_models_come_from_the_server(qtbot, make_window, creator_server) -> None:
    window = _connected(qtbot, make_window, creator_server)
    combo = window.settings_panel.model
    shown = [combo.itemData(i) for i in range(combo.count())]
    assert shown == [m["model_id"] for m in MODELS if m["can_do_text_to_speech"]]


def test_language_picker_only_for_models_that_take_a_language(qtbot, make_window, creator_server) -> None:
    window = _connected(qtbot, make_window, creator_server)
    panel = window.settings_panel
    _choose_model(window, "eleven_flash_v2_5")
    assert panel.language.isVisibleTo(panel) and panel.language.isEnabled()
    panel.language.setCurrentIndex(panel.language.findData("fr"))
    assert window.settings.state().language_code == "fr"
    _choose_model(window, "eleven_multilingual_v2")
    assert not panel.language.isVisibleTo(panel)
    assert window.settings.state().language_code is None


def test_controls_a_model_ignores_are_disabled_with_the_reason(qtbot, make_window, creator_server) -> None:
    window = _connected(qtbot, make_window, creator_server)
    panel = window.settings_panel
    _choose_model(window, "eleven_flash_v2_5")  # can_use_style: false
    assert not panel.sliders["style"].isEnabled()
    assert "does not use the style setting" in panel.sliders["style"].slider.toolTip()
    assert "style" not in window.settings.voice_settings().to_request()
    _choose_model(window, "eleven_multilingual_v2")
    assert panel.sliders["style"].isEnabled()
    assert "style" in window.settings.voice_settings().to_request()


def test_output_quality_follows_the_plan(qtbot, make_window, creator_server) -> None:
    window = _connected(qtbot, make_window, creator_server)
    combo = window.settings_panel.output_format
    items = combo.model()
    qtbot.waitUntil(lambda: "creator" in window.status.usage_label.toolTip().lower(), timeout=10000)

    def item(fmt: str) -> Any:
        return items.item(combo.findData(fmt))

    assert item("mp3_44100_192").isEnabled()  # Creator
    assert not item("pcm_44100").isEnabled()  # Pro+
    assert not item("wav_44100").isEnabled()
    assert "Pro plan" in item("pcm_44100").toolTip()
    assert item("mp3_44100_128").isEnabled()


def test_sliders_reach_the_request_and_reset_restores_voice_defaults(qtbot, make_window, creator_server) -> None:
    window = _connected(qtbot, make_window, creator_server)
    _choose_model(window, "eleven_multilingual_v2")
    panel = window.settings_panel
    panel.sliders["stability"].slider.setValue(20)
    panel.sliders["similarity_boost"].box.setValue(0.9)
    panel.sliders["speed"].slider.setValue(100)
    panel.speaker_boost.setChecked(False)
    panel.seed.setText("42")
    assert panel.sliders["stability"].box.value() == pytest.approx(0.2)  # numeric read-out follows
    inputs = window.render_source.current()
    backend = inputs.backend
    # What Play (and Export) would send: the one plan's request.
    plan = plan_render(Script.from_text("Hello there."), inputs.settings, inputs.capabilities)
    request = plan.requests[0].to_request()
    assert isinstance(request, TextToSpeechRequest)
    assert request.voice_settings.stability == 0.2
    assert request.voice_settings.similarity_boost == 0.9
    assert request.voice_settings.speed == 1.2
    assert request.voice_settings.use_speaker_boost is False
    assert request.seed == 42
    assert request.model_id == "eleven_multilingual_v2"
    assert request.voice_id == window.voices.current_voice.voice_id

    expected = backend.get_voice_settings(window.voices.current_voice.voice_id)
    assert panel.reset.isEnabled()
    panel.reset.click()
    qtbot.waitUntil(lambda: panel.sliders["stability"].value() == pytest.approx(expected.stability), timeout=10000)
    assert panel.sliders["similarity_boost"].value() == pytest.approx(expected.similarity_boost)
    assert panel.speaker_boost.isChecked() == bool(expected.use_speaker_boost)


def test_reset_failure_is_shown_in_the_panel(qtbot, make_window, creator_server) -> None:
    window = _connected(qtbot, make_window, creator_server)
    with creator_server.faults({"kind": "server_error", "endpoint": "voice_settings", "count": 10}):
        window.settings_panel.reset.click()
        qtbot.waitUntil(lambda: window.settings_panel.message.isVisible(), timeout=30000)
    assert "500" not in window.settings_panel.message.text
    assert window.settings_panel.message.action_button.text() == "Retry"


def test_a_seed_out_of_range_is_explained(qtbot, make_window) -> None:
    window = make_window()
    window.settings_panel.seed.setText(str(SEED_MAX + 1))
    assert window.settings_panel.message.isVisible()
    assert "4,294,967,295" in window.settings_panel.message.text
    assert window.settings.seed() is None
    window.settings_panel.seed.setText("7")
    assert not window.settings_panel.message.isVisible()


def test_offline_engine_disables_what_piper_ignores(qtbot, make_window) -> None:
    window = make_window()
    window.session.start("offline")
    wait_for_engine(qtbot, window, "offline", timeout=60000)
    qtbot.waitUntil(lambda: window.settings_panel.model.isEnabled(), timeout=10000)
    panel = window.settings_panel
    assert not panel.speaker_boost.isEnabled()
    assert panel.speaker_boost.toolTip()  # says why
    disabled = [key for key, slider in panel.sliders.items() if not slider.isEnabled()]
    assert disabled, "Piper ignores some settings; they must be disabled"
    for key in disabled:
        assert panel.sliders[key].slider.toolTip() != panel.sliders[key].spec.help
    # No account: every quality is offered.
    items = panel.output_format.model()
    assert all(items.item(i).isEnabled() for i in range(items.rowCount()))
    assert not panel.language.isVisibleTo(panel)
    assert panel.model.itemData(panel.model.currentIndex(), Qt.ItemDataRole.DisplayRole)


def test_the_last_model_is_remembered_between_runs(qtbot, make_window, creator_server) -> None:
    from studio.core.preferences import Preferences

    window = _connected(qtbot, make_window, creator_server)
    _choose_model(window, "eleven_turbo_v2_5")
    window.settings_panel.language.setCurrentIndex(window.settings_panel.language.findData("de"))
    voice_id = window.voices.current_voice.voice_id
    window._closing = True
    window.close()
    assert window.pool.shutdown(10000)
    # Closing hands the last save to the preferences writer and does not wait for it.
    qtbot.waitUntil(lambda: window.preferences_store.load().model_id is not None, timeout=10000)
    saved = window.preferences_store.load()
    assert saved.model_id == "eleven_turbo_v2_5" and saved.language_code == "de"
    assert saved.voice_id == voice_id

    again = make_window(Preferences.model_validate(saved.model_dump()))
    again.session.start("elevenlabs", creator_server.base_url, api_key="sk_any")
    wait_for_engine(qtbot, again, "elevenlabs")
    qtbot.waitUntil(lambda: again.settings_panel.model.currentData() == "eleven_turbo_v2_5", timeout=10000)
    assert again.settings.state().language_code == "de"
    assert again.voices.current_voice.voice_id == voice_id


def test_a_free_plan_gets_free_limits_and_fewer_qualities(qtbot, make_window) -> None:
    with run_server(tier="free") as server:
        window = _connected(qtbot, make_window, server)
        qtbot.waitUntil(lambda: "free" in window.status.usage_label.toolTip().lower(), timeout=10000)
        _choose_model(window, "eleven_monolingual_v1")  # 5,000 subscribed, 2,500 free
        window.script.editor.setPlainText("word " * 600)
        # The counter's plan (in a worker, once the document follows the text): the free limit splits it.
        qtbot.waitUntil(lambda: window.counter.stats is not None and not window.counter.busy, timeout=10000)
        assert (window.counter.stats.limit, window.counter.stats.requests) == (2_500, 2)
        assert window.script.counter.text().startswith("3,000 characters · 2 requests")
        assert "at most 2,500 characters" in window.script.counter.toolTip()
        combo = window.settings_panel.output_format
        blocked = combo.model().item(combo.findData("mp3_44100_192"))
        assert not blocked.isEnabled() and "Creator plan" in blocked.toolTip()
        window.session.shutdown()


def test_switching_engines_and_back_keeps_each_engines_voice_and_model(qtbot, make_window, creator_server) -> None:
    window = _connected(qtbot, make_window, creator_server)
    _choose_model(window, "eleven_v3")
    model = window.voices.model
    window.browser.list.setCurrentIndex(model.index(3))
    chosen = window.voices.current_voice.voice_id
    assert window.voices.current_voice.category != "offline"
    window._store_preferences()

    window.session.start("offline")
    wait_for_engine(qtbot, window, "offline", timeout=60000)
    qtbot.waitUntil(lambda: window.voices.current_voice is not None
                    and window.voices.current_voice.category == "offline", timeout=10000)
    qtbot.waitUntil(lambda: window.settings_panel.model.isEnabled(), timeout=10000)
    window._store_preferences()

    window.session.start("elevenlabs", creator_server.base_url, api_key="sk_any")
    wait_for_engine(qtbot, window, "elevenlabs")
    qtbot.waitUntil(lambda: window.voices.current_voice is not None
                    and window.voices.current_voice.voice_id == chosen, timeout=10000)
    qtbot.waitUntil(lambda: window.settings_panel.model.currentData() == "eleven_v3", timeout=10000)
