"""Voice previews through QMediaPlayer (real decoder, real null sink)."""

from __future__ import annotations

import io
import wave

import numpy as np
import pytest

from studio.errors import StudioError
from studio.playback.preview_player import PreviewPlayer
from tests.integration.player.rig import needs_audio


def _wav(seconds: float = 0.4, rate: int = 22050) -> bytes:
    t = np.arange(int(seconds * rate)) / rate
    samples = (np.sin(2 * np.pi * 440 * t) * 8000).astype("<i2")
    out = io.BytesIO()
    with wave.open(out, "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(rate)
        handle.writeframes(samples.tobytes())
    return out.getvalue()


@pytest.fixture
def preview(qtbot):
    player = PreviewPlayer()
    yield player
    player.shutdown()


@needs_audio
def test_plays_a_clip_from_bytes_to_the_end(qtbot, preview) -> None:
    states: list[bool] = []
    preview.playing_changed.connect(states.append)
    errors: list[StudioError] = []
    preview.error.connect(errors.append)
    assert preview.play_bytes(_wav(), ".wav")
    qtbot.waitUntil(lambda: states[-2:] == [True, False] if len(states) >= 2 else False, timeout=10000)
    assert not errors
    assert not preview.is_playing


@needs_audio
def test_a_clip_that_is_not_audio_is_reported(qtbot, preview) -> None:
    with qtbot.waitSignal(preview.error, timeout=10000) as blocker:
        preview.play_bytes(b"this is not an mp3 file at all" * 10, ".mp3")
    error = blocker.args[0]
    assert isinstance(error, StudioError)
    assert "preview could not be played" in str(error)
