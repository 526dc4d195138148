"""The window's one description of how to speak (RenderSource), in the real window.

Play, Export and the counter read it, so what one pays for the others find in the cache;
a Play or Export pressed while the engine starts describes the speech again in its worker,
for the engine that really started, exactly as the window does once it is up.
"""

from __future__ import annotations

import pytest

from studio.core.preferences import Preferences
from studio.core.render_inputs import ready_inputs
from studio.core.script import spoken_key
from studio.offline.voices import bundled_voice
from studio.ui.render_source import NotReadyError
from studio.ui.worker import Worker


def test_no_engine_yet_is_explained(qtbot, make_window) -> None:
    window = make_window()
    with pytest.raises(NotReadyError, match="still starting") as caught:
        window.render_source.current()
    assert caught.value.remedy


def test_describes_the_window_s_voice_model_and_settings(qtbot, offline_window) -> None:
    window = offline_window
    window.settings_panel.sliders["speed"].set_value(1.1)
    inputs = window.render_source.current()
    assert inputs.backend is window.session.backend
    settings = inputs.settings
    assert settings.voice_id == window.voices.current_voice.voice_id
    assert settings.model_id == window.settings.state().model_id == "offline_piper"
    assert settings.voice_settings.speed == pytest.approx(1.1)
    assert settings.output_format == "pcm_22050"  # the offline voice's own rate: every path agrees
    assert inputs.capabilities.engine_id == "offline" and inputs.capabilities.model is not None


def test_while_the_engine_starts_the_worker_describes_it_as_the_window_will(qtbot, make_window) -> None:
    voice = bundled_voice()
    # Remembered from an ElevenLabs model: the offline engine does not have it.
    window = make_window(Preferences(engine="offline", voice_id=voice.voice_id, voice_name=voice.name,
                                     model_id="eleven_multilingual_v2"))
    window.start_engine()
    pending = window.render_source.current()  # not refused while starting
    assert not getattr(pending.backend, "is_ready", True)

    worker = Worker(lambda token: ready_inputs(pending, token))
    with qtbot.waitSignal(worker.signals.finished, timeout=60000) as blocker:
        window.pool.start(worker)
    ready = blocker.args[0]
    assert ready.backend.engine_id == "offline"

    qtbot.waitUntil(lambda: window.settings.current_model() is not None, timeout=30000)
    now = window.render_source.current()
    assert ready.settings == now.settings
    assert ready.capabilities.request_limit() == now.capabilities.request_limit()
    text = "The lamp was lit at dusk."
    assert spoken_key(text, ready.settings, "offline") == spoken_key(text, now.settings, "offline")
