"""The player with the offline engine (Piper in this process): no account, no network."""

from __future__ import annotations

import pytest

from studio.core.backends.offline import MODEL_ID, OfflineBackend
from studio.offline.engine import get_engine
from studio.offline.voices import bundled_voice
from studio.playback.pcm_player import PlayerState
from studio.ui.player_controller import FROM_CACHE_STATUS
from tests.integration.player.rig import (  # noqa: F401 - rigs is a fixture
    assert_follows_audio,
    inputs_for,
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


def _offline(text: str, voice_id: str):  # type: ignore[no-untyped-def]
    backend = OfflineBackend()
    return backend, text, inputs_for(backend, voice_id, MODEL_ID, with_models=True)


def test_offline_voice_streams_and_highlights(qtbot, tmp_path, rigs, voice_id) -> None:
    rig = make_rig(qtbot, tmp_path, *_offline(TEXT, voice_id))
    rigs.append(rig)
    rig.start_sampling()
    with qtbot.waitSignal(rig.controller.player.finished, timeout=60000):
        rig.controller.play()
    assert not rig.errors
    assert_follows_audio(rig, TEXT)
    assert rig.controller.player.sample_rate == 22050


TWO_PARAGRAPHS = "Offline speech works anywhere.\n\nEvery word lights up as it is heard, with no account at all."


def test_offline_play_from_cursor_and_cache(qtbot, tmp_path, rigs, voice_id) -> None:
    rig = make_rig(qtbot, tmp_path, *_offline(TWO_PARAGRAPHS, voice_id))
    rigs.append(rig)
    cursor = rig.editor.textCursor()
    start = TWO_PARAGRAPHS.index("lights") + 2  # inside the second paragraph: it plays from its start
    cursor.setPosition(start)
    rig.editor.setTextCursor(cursor)
    rig.start_sampling()
    with qtbot.waitSignal(rig.controller.player.finished, timeout=60000):
        rig.controller.play_from_cursor()
    second = TWO_PARAGRAPHS.index("Every")
    assert [h.index for h in rig.controller.session.blocks] == [1]
    shown = [(i, s) for i, _c, s, _at in rig.samples if i is not None]
    assert shown and shown[0][1] in "Every" and all(i >= second for i, _ in shown)
    assert rig.controller.player.sample_rate == 22050  # the voice's own rate, as Export renders it
    # Same text, voice and settings again: from the cache.
    with qtbot.waitSignal(rig.controller.player.finished, timeout=60000):
        rig.controller.play_from_cursor()
    assert FROM_CACHE_STATUS in rig.statuses


def test_offline_stop_ends_synthesis(qtbot, tmp_path, rigs, voice_id) -> None:
    rig = make_rig(qtbot, tmp_path, *_offline(TEXT * 6, voice_id), cache=False)
    rigs.append(rig)
    rig.controller.play()
    qtbot.waitUntil(lambda: rig.controller.player.received_seconds() > 0, timeout=30000)
    worker = rig.controller.session_worker
    assert worker is not None
    rig.controller.stop()
    assert worker.wait(3.0), "offline synthesis kept running after Stop"
    assert rig.controller.player.state is PlayerState.STOPPED
    assert not rig.errors
