"""Play goes through the one plan (issue 10): paragraph by paragraph, paid for once.

The real controller in real widgets, over real HTTP to the local ElevenLabs-compatible server
(speaking with the offline Piper voice), through a real QAudioSink on the null sink. Text-to-
speech requests are counted at the server; a thin spy on the backend also notes which text
each one carried.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor

from studio.core.backends.elevenlabs import ElevenLabsBackend
from studio.playback.pcm_player import PlayerState
from studio.ui.player_controller import FROM_CACHE_STATUS
from tests.integration.player.rig import SERVER_VOICE as VOICE
from tests.integration.player.rig import STREAM_ROUTE as ROUTE
from tests.integration.player.rig import (  # noqa: F401 - rigs is a fixture
    Rig,
    assert_follows_across_blocks,
    inputs_for,
    make_rig,
    needs_audio,
    rigs,
)

pytestmark = [needs_audio, pytest.mark.slow]

PARAGRAPHS = [
    "The lamp was lit at dusk.",
    "Gulls argued on the roof.",
    # Several sentences: the server streams one line per sentence, so this one arrives in steps.
    "A small boat rounded the point. Its sail was patched. A man waved from the tiller.",
    "The keeper wrote in her log.",
    "Letters came in a parcel.",
    "The light burned until dawn.",
]
SCRIPT = "\n\n".join(PARAGRAPHS)
PLAY_TIMEOUT_MS = 120000


def _rig(qtbot: Any, tmp_path: Path, backend: ElevenLabsBackend, rigs: list[Rig]) -> tuple[Rig, list[str]]:
    sent: list[str] = []
    speak = backend.stream_with_timestamps

    def spy(request: Any) -> Any:
        sent.append(request.text)
        return speak(request)

    backend.stream_with_timestamps = spy  # type: ignore[method-assign]
    rig = make_rig(qtbot, tmp_path, backend, SCRIPT, inputs_for(backend, VOICE, "eleven_multilingual_v2",
                                                               with_models=True))
    rigs.append(rig)
    return rig, sent


def _play_through(qtbot: Any, rig: Rig, start: Any) -> None:
    with qtbot.waitSignal(rig.controller.player.finished, timeout=PLAY_TIMEOUT_MS):
        start()
    assert not rig.errors, rig.errors


def _tts(server: Any) -> int:
    return len(server.requests(ROUTE))


def test_second_play_sends_nothing_and_every_paragraph_keeps_its_take(qtbot, tmp_path, backend, local_server,
                                                                      rigs) -> None:
    rig, sent = _rig(qtbot, tmp_path, backend, rigs)
    rig.start_sampling()
    _play_through(qtbot, rig, rig.controller.play)
    assert _tts(local_server) == len(PARAGRAPHS)
    assert sent == PARAGRAPHS  # one request per paragraph, each of its own text
    assert_follows_across_blocks(rig)

    blocks = rig.document.script.blocks
    assert [b.text for b in blocks] == PARAGRAPHS
    ids = []
    for block in blocks:
        take = block.chosen_take
        assert take is not None and take.complete and len(block.takes) == 1
        (request_id,) = take.request_ids
        assert request_id
        ids.append(request_id)
        assert take.credit_cost == len(block.text)  # the character-cost the server charged
    assert len(set(ids)) == len(ids)

    rig.samples.clear()
    _play_through(qtbot, rig, rig.controller.play)
    assert _tts(local_server) == len(PARAGRAPHS), "the second Play paid again"
    assert FROM_CACHE_STATUS in rig.statuses
    assert_follows_across_blocks(rig)
    assert all(len(b.takes) == 1 for b in rig.document.script.blocks)


def test_stop_in_paragraph_3_then_play_asks_only_from_paragraph_3(qtbot, tmp_path, backend, local_server,
                                                                  rigs) -> None:
    rig, sent = _rig(qtbot, tmp_path, backend, rigs)
    player = rig.controller.player
    third = rig.document.span_of(2)
    # A network slower than the voice: when paragraph 3 is heard, its stream is still arriving.
    with local_server.faults({"kind": "slow", "endpoint": ROUTE, "chunk_bytes": 4000, "chunk_delay": 0.15,
                              "count": 3}):
        rig.controller.play()

        def hearing_third() -> bool:
            session = rig.controller.session
            heard = session.block_at(player.played_seconds()) if session is not None else None
            return heard is not None and heard.span == third and len(sent) == 3  # its stream still arriving

        qtbot.waitUntil(hearing_third, timeout=PLAY_TIMEOUT_MS)
        qtbot.mouseClick(rig.transport.stop_button, Qt.MouseButton.LeftButton)
    assert player.state is PlayerState.STOPPED
    assert sent == PARAGRAPHS[:3]
    qtbot.waitUntil(lambda: rig.controller.session_worker is None, timeout=10000)
    qtbot.wait(100)  # any last event of the stopped Play has arrived
    blocks = rig.document.script.blocks
    assert [len(b.takes) for b in blocks] == [1, 1, 0, 0, 0, 0], "a cut-off paragraph became a take"

    _play_through(qtbot, rig, rig.controller.play)
    assert sent == PARAGRAPHS[:3] + PARAGRAPHS[2:]
    assert _tts(local_server) == 3 + 4
    assert all(len(b.takes) == 1 for b in rig.document.script.blocks)


def test_editing_one_paragraph_then_play_asks_only_for_it(qtbot, tmp_path, backend, local_server, rigs) -> None:
    rig, sent = _rig(qtbot, tmp_path, backend, rigs)
    _play_through(qtbot, rig, rig.controller.play)
    assert _tts(local_server) == len(PARAGRAPHS)

    # The person types at the end of paragraph 2.
    cursor = rig.editor.textCursor()
    cursor.setPosition(SCRIPT.index(PARAGRAPHS[1]) + len(PARAGRAPHS[1]) - 1)  # before its full stop
    rig.editor.setTextCursor(cursor)
    rig.editor.setFocus()
    qtbot.keyClicks(rig.editor, " all night")
    edited = "Gulls argued on the roof all night."
    assert rig.editor.toPlainText().split("\n\n")[1] == edited

    rig.start_sampling()
    _play_through(qtbot, rig, rig.controller.play)
    assert _tts(local_server) == len(PARAGRAPHS) + 1
    assert sent[len(PARAGRAPHS):] == [edited]
    second = rig.document.script.blocks[1]
    assert second.text == edited and len(second.takes) == 2 and second.chosen_take.text == edited
    assert_follows_across_blocks(rig)


def test_regenerating_paragraph_2_makes_one_request_and_a_second_chosen_take(qtbot, tmp_path, backend,
                                                                             local_server, rigs) -> None:
    rig, sent = _rig(qtbot, tmp_path, backend, rigs)
    _play_through(qtbot, rig, rig.controller.play)
    second = rig.document.script.blocks[1]
    first_take = second.chosen_take
    assert first_take is not None

    _play_through(qtbot, rig, lambda: rig.controller.regenerate_block(1))
    assert _tts(local_server) == len(PARAGRAPHS) + 1
    assert sent[len(PARAGRAPHS):] == [PARAGRAPHS[1]]
    assert len(second.takes) == 2
    new = second.chosen_take
    assert new is not None and new.id != first_take.id and new.variant is not None
    assert new.request_ids[0] and new.request_ids != first_take.request_ids
    assert new.credit_cost == len(PARAGRAPHS[1])
    # Heard again, the chosen (new) take plays, free.
    _play_through(qtbot, rig, lambda: rig.controller.play_blocks([1]))
    assert _tts(local_server) == len(PARAGRAPHS) + 1
    assert FROM_CACHE_STATUS in rig.statuses

    # A locked paragraph keeps its take: regenerating it explains how to unlock, and costs nothing.
    rig.document.set_locked(second.id, True)
    assert rig.controller.regenerate_block(1) is False
    assert "locked" in rig.errors[-1].cause and rig.errors[-1].remedy
    assert _tts(local_server) == len(PARAGRAPHS) + 1


def test_a_selection_inside_paragraph_3_plays_that_paragraph_lit_in_place(qtbot, tmp_path, backend, local_server,
                                                                         rigs) -> None:
    rig, sent = _rig(qtbot, tmp_path, backend, rigs)
    start = SCRIPT.index("small")
    cursor = rig.editor.textCursor()
    cursor.setPosition(start)
    cursor.setPosition(start + len("small boat"), QTextCursor.MoveMode.KeepAnchor)
    rig.editor.setTextCursor(cursor)
    rig.start_sampling()
    _play_through(qtbot, rig, lambda: qtbot.mouseClick(rig.transport.selection_button, Qt.MouseButton.LeftButton))
    assert sent == [PARAGRAPHS[2]]
    lo, hi = rig.document.span_of(2)
    lit = [(i, shown) for i, _c, shown, _at in rig.samples if i is not None]
    assert lit and all(lo <= i < hi and shown == SCRIPT[i] for i, shown in lit)
    assert max(i for i, _ in lit) >= hi - 3
