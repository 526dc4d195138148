"""The player against the local ElevenLabs-compatible server (real HTTP, real Piper speech).

Every fault the server can inject mid-stream is played through the real controller and the
real QAudioSink on the null sink: the person gets a clear StudioError, what arrived stays
playable, the GUI keeps running, and no thread outlives the test.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from studio.core.backends.elevenlabs import ElevenLabsBackend
from studio.errors import StudioError
from studio.playback.pcm_player import PlayerState
from studio.ui.player_controller import FROM_CACHE_STATUS
from tests.integration.player.rig import SERVER_VOICE as VOICE
from tests.integration.player.rig import STREAM_ROUTE as ROUTE
from tests.integration.player.rig import (  # noqa: F401 - rigs is a fixture
    Rig,
    assert_follows_audio,
    inputs_for,
    make_rig,
    needs_audio,
    rigs,
)

pytestmark = [needs_audio, pytest.mark.slow]

TEXT = (
    "Listen closely. "
    "Streaming speech should light up each word as it is heard. "
    "A second sentence follows, so the stream arrives in several chunks. "
    "And a third one ends it."
)


def _rig(qtbot: Any, tmp_path: Path, backend: ElevenLabsBackend, rigs: list[Rig], text: str = TEXT) -> Rig:
    rig = make_rig(qtbot, tmp_path, backend, text, inputs_for(backend, VOICE, "eleven_multilingual_v2", with_models=True))
    rigs.append(rig)
    return rig


def test_streams_and_highlights_the_whole_text(qtbot, tmp_path, backend, local_server, rigs) -> None:
    rig = _rig(qtbot, tmp_path, backend, rigs)
    rig.start_sampling()
    with qtbot.waitSignal(rig.controller.player.finished, timeout=60000):
        rig.controller.play()
    assert not rig.errors
    assert_follows_audio(rig, TEXT)


def test_relative_chunk_times_are_detected(qtbot, tmp_path, backend, local_server, rigs) -> None:
    rig = _rig(qtbot, tmp_path, backend, rigs)
    rig.start_sampling()
    with local_server.faults({"kind": "relative_times", "endpoint": ROUTE}):
        with qtbot.waitSignal(rig.controller.player.finished, timeout=60000):
            rig.controller.play()
    assert not rig.errors
    assert_follows_audio(rig, TEXT)


def test_second_play_is_free(qtbot, tmp_path, backend, local_server, rigs) -> None:
    rig = _rig(qtbot, tmp_path, backend, rigs, text="Once is enough.")
    local_server.clear_requests()
    with qtbot.waitSignal(rig.controller.player.finished, timeout=60000):
        rig.controller.play()
    with qtbot.waitSignal(rig.controller.player.finished, timeout=60000):
        rig.controller.play()
    assert len(local_server.requests(ROUTE)) == 1
    assert FROM_CACHE_STATUS in rig.statuses


@pytest.mark.parametrize(
    "fault",
    [
        {"kind": "disconnect", "after_bytes": 150000},
        {"kind": "malformed_line", "at_chunk": 1},
        {"kind": "invalid_base64", "at_chunk": 1},
    ],
    ids=["disconnect", "malformed-line", "invalid-base64"],
)
def test_failure_mid_stream_stops_cleanly_and_keeps_the_audio(
    qtbot, tmp_path, backend, local_server, rigs, fault
) -> None:
    rig = _rig(qtbot, tmp_path, backend, rigs)
    local_server.clear_requests()
    with local_server.faults({**fault, "endpoint": ROUTE}):
        with qtbot.waitSignal(rig.controller.error, timeout=60000) as blocker:
            rig.controller.play()
    error = blocker.args[0]
    assert isinstance(error, StudioError)
    assert error.cause and error.remedy
    assert "Traceback" not in str(error) and "HTTP" not in str(error)
    player = rig.controller.player
    assert player.state is PlayerState.STOPPED
    assert player.received_seconds() > 0, "the audio that arrived before the failure was lost"
    qtbot.waitUntil(lambda: rig.controller.session_worker is None, timeout=5000)  # the worker ended
    # What arrived plays, without a second request.
    player.seek(0.0)
    with qtbot.waitSignal(player.finished, timeout=30000):
        rig.controller.toggle_pause()
    assert len(local_server.requests(ROUTE)) == 1


def test_rate_limited_says_so(qtbot, tmp_path, backend, local_server, rigs) -> None:
    rig = _rig(qtbot, tmp_path, backend, rigs)
    with local_server.faults({"kind": "rate_limit", "endpoint": ROUTE, "retry_after": 0, "count": 5}):
        with qtbot.waitSignal(rig.controller.error, timeout=30000) as blocker:
            rig.controller.play()
    error = blocker.args[0]
    assert isinstance(error, StudioError)
    assert "429" not in str(error)
    assert rig.controller.player.state is PlayerState.STOPPED
    assert rig.controller.player.received_seconds() == 0
    assert any(s.startswith("Stopped:") for s in rig.statuses)


def test_stop_cancels_the_network_stream(qtbot, tmp_path, backend, local_server, rigs) -> None:
    rig = _rig(qtbot, tmp_path, backend, rigs, text=TEXT * 3)
    # A slow network: small pieces with pauses, so the stream is still open when Stop comes.
    with local_server.faults({"kind": "slow", "endpoint": ROUTE, "chunk_bytes": 4000, "chunk_delay": 0.2}):
        rig.controller.play()
        qtbot.waitUntil(lambda: rig.controller.player.received_seconds() > 0.05, timeout=60000)
        worker = rig.controller.session_worker
        assert worker is not None
        started = time.monotonic()
        rig.controller.stop()
        assert worker.wait(2.0), "the network stream kept the worker alive after Stop"
        stopped_in = time.monotonic() - started
    assert rig.controller.player.state is PlayerState.STOPPED
    assert not rig.errors
    assert stopped_in < 2.0
