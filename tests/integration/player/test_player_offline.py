"""The player with the offline engine (Piper in this process): no account, no network."""

from __future__ import annotations

import pytest

from studio.api.requests import TextToSpeechRequest
from studio.core.backends.offline import OfflineBackend
from studio.offline.engine import get_engine
from studio.offline.voices import bundled_voice
from studio.playback.pcm_player import PlayerState
from studio.ui.player_controller import FROM_CACHE_STATUS
from tests.integration.player.rig import (  # noqa: F401 - rigs is a fixture
    assert_follows_audio,
    make_rig,
    needs_audio,
    rigs,
)

pytestmark = [needs_audio, pytest.mark.slow]

TEXT = "Offline speech works anywhere. Every word lights up as it is heard, with no account at all."


@pytest.fixture(scope="module")
def voice_id() -> str:
    voice = bundled_voice()
    get_engine(voice.voice_id).load()
    return voice.voice_id


def _request(voice_id: str):
    return lambda text: TextToSpeechRequest(voice_id=voice_id, text=text, output_format="pcm_22050")


def test_offline_voice_streams_and_highlights(qtbot, tmp_path, rigs, voice_id) -> None:
    rig = make_rig(qtbot, tmp_path, OfflineBackend(), TEXT, _request(voice_id))
    rigs.append(rig)
    rig.start_sampling()
    with qtbot.waitSignal(rig.controller.player.finished, timeout=60000):
        rig.controller.play()
    assert not rig.errors
    assert_follows_audio(rig, TEXT)
    assert rig.controller.player.sample_rate == 22050


def test_offline_play_from_cursor_and_cache(qtbot, tmp_path, rigs, voice_id) -> None:
    rig = make_rig(qtbot, tmp_path, OfflineBackend(), TEXT, _request(voice_id))
    rigs.append(rig)
    cursor = rig.editor.textCursor()
    start = TEXT.index("Every") + 2  # inside the word: playback starts at the word's beginning
    cursor.setPosition(start)
    rig.editor.setTextCursor(cursor)
    rig.start_sampling()
    with qtbot.waitSignal(rig.controller.player.finished, timeout=60000):
        rig.controller.play_from_cursor()
    spoken = TEXT[TEXT.index("Every"):]
    assert rig.controller.clock is not None and rig.controller.clock.text == spoken
    shown = [s for i, _c, s, _at in rig.samples if i is not None]
    assert shown and shown[0] in "Every"
    # Same text, voice and settings again: from the cache.
    with qtbot.waitSignal(rig.controller.player.finished, timeout=60000):
        rig.controller.play_from_cursor()
    assert FROM_CACHE_STATUS in rig.statuses


def test_offline_stop_ends_synthesis(qtbot, tmp_path, rigs, voice_id) -> None:
    rig = make_rig(qtbot, tmp_path, OfflineBackend(), TEXT * 6, _request(voice_id), cache=False)
    rigs.append(rig)
    rig.controller.play()
    qtbot.waitUntil(lambda: rig.controller.player.received_seconds() > 0, timeout=30000)
    worker = rig.controller.session_worker
    assert worker is not None
    rig.controller.stop()
    assert worker.wait(3.0), "offline synthesis kept running after Stop"
    assert rig.controller.player.state is PlayerState.STOPPED
    assert not rig.errors
