"""The player in the real widgets, through a real QAudioSink on the PulseAudio null sink.

The engine here is the in-test tone engine (real PCM, exact timings, awkward chunk cuts);
tests/integration/player/ runs the same controller against the local ElevenLabs-compatible
server and the offline voice. Run with ``tests/run.sh tests/ui/test_player.py`` (which
provides the sound server); without it the audio tests are skipped with the reason.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor

from studio.errors import StudioError
from studio.playback.pcm_player import PlayerState
from studio.ui.player_controller import FROM_CACHE_STATUS
from tests.integration.player.rig import Rig, needs_audio, rigs  # noqa: F401 - rigs is a fixture
from tests.integration.player.rig import assert_clock_never_jumps, inputs_for, unlit_while_drawing
from tests.integration.player.rig import make_rig as _make_rig
from tests.integration.player.tone_backend import ToneBackend

TEXT = "The quick brown fox jumps over the lazy dog. Then it naps."


def make_rig(qtbot, tmp_path: Path, backend: ToneBackend, text: str = TEXT) -> Rig:
    return _make_rig(qtbot, tmp_path, backend, text)


def _nonspace(text: str) -> set[int]:
    return {i for i, ch in enumerate(text) if not ch.isspace()}


@needs_audio
@pytest.mark.parametrize("relative", [False, True], ids=["absolute-times", "relative-times"])
def test_highlight_follows_the_audio_through_the_whole_text(qtbot, tmp_path, rigs, relative) -> None:
    rig = make_rig(qtbot, tmp_path, ToneBackend(relative_times=relative))
    rigs.append(rig)
    rig.start_sampling()
    started = time.monotonic()
    with qtbot.waitSignal(rig.controller.player.finished, timeout=20000):
        rig.controller.play()
    elapsed = time.monotonic() - started
    assert not rig.errors
    duration = len(TEXT) * rig.backend.char_seconds
    # It really played out loud at the audio rate, not dumped at network speed.
    assert elapsed >= duration * 0.9
    indices = [index for index, *_ in rig.samples if index is not None]
    assert indices == sorted(indices), "the highlight went backwards"
    assert_clock_never_jumps(rig)
    unlit = _nonspace(TEXT) - set(indices) - {len(TEXT) - 1}
    assert not unlit_while_drawing(rig, unlit, rig.backend.char_seconds), "characters were skipped"
    for index, clock, shown, chosen_at in rig.samples:
        if index is None:
            continue
        # The highlight is on the character whose tone was playing when it was chosen (the
        # tone engine's timings are exact: character i sounds from i × 50 ms), on the right
        # text in the editor, and that choice is recent (refreshes are due every 10 ms; the
        # margin only absorbs a busy machine's late timers).
        assert index == min(int(chosen_at / rig.backend.char_seconds + 1e-9), len(TEXT) - 1)
        assert shown == TEXT[index]
        assert clock - chosen_at < 0.5


@needs_audio
def test_two_shades_word_and_character(qtbot, tmp_path, rigs) -> None:
    rig = make_rig(qtbot, tmp_path, ToneBackend())
    rigs.append(rig)
    rig.controller.play()
    qtbot.waitUntil(lambda: (rig.controller.highlighted_index or 0) >= 5, timeout=10000)
    selections = rig.editor.extraSelections()
    assert len(selections) == 2
    word, char = selections
    assert word.cursor.selectedText() == "quick"
    assert char.cursor.selectedText() in "quick"
    assert word.format.background().color() != char.format.background().color()
    rig.controller.stop()
    assert rig.editor.extraSelections() == []


@needs_audio
def test_pause_holds_the_clock_and_resume_finishes(qtbot, tmp_path, rigs) -> None:
    rig = make_rig(qtbot, tmp_path, ToneBackend())
    rigs.append(rig)
    player = rig.controller.player
    rig.controller.play()
    qtbot.waitUntil(lambda: player.played_seconds() > 0.5, timeout=10000)
    rig.controller.toggle_pause()
    assert player.state is PlayerState.PAUSED
    held = player.played_seconds()
    highlighted = rig.controller.highlighted_index
    qtbot.wait(400)
    assert player.played_seconds() == held
    assert rig.controller.highlighted_index == highlighted
    with qtbot.waitSignal(player.finished, timeout=20000):
        rig.controller.toggle_pause()
    assert player.played_seconds() == pytest.approx(player.received_seconds(), abs=0.01)


@needs_audio
def test_click_a_generated_word_to_seek(qtbot, tmp_path, rigs) -> None:
    rig = make_rig(qtbot, tmp_path, ToneBackend(realtime_factor=0.05))
    rigs.append(rig)
    player = rig.controller.player
    rig.controller.play()
    qtbot.waitUntil(lambda: player.input_complete and player.played_seconds() > 0.2, timeout=10000)
    target = TEXT.index("lazy")
    cursor = QTextCursor(rig.editor.document())
    cursor.setPosition(target + 2)
    point = rig.editor.cursorRect(cursor).center()
    qtbot.mouseClick(rig.editor.viewport(), Qt.MouseButton.LeftButton, pos=point)
    expected = target * rig.backend.char_seconds
    assert player.played_seconds() >= expected - 0.01
    qtbot.waitUntil(lambda: rig.controller.highlighted_index is not None
                    and rig.controller.highlighted_index >= target, timeout=5000)
    assert rig.controller.highlighted_index < target + 8
    # The time bar can seek too, but only within what was received.
    rig.controller.seek(1.0)
    assert player.played_seconds() == pytest.approx(1.0, abs=0.1)


@needs_audio
def test_stop_closes_the_stream_and_ends_the_worker(qtbot, tmp_path, rigs) -> None:
    backend = ToneBackend(realtime_factor=1.0)  # the engine is slower than playback
    rig = make_rig(qtbot, tmp_path, backend, text=TEXT * 4)
    rigs.append(rig)
    rig.controller.play()
    qtbot.waitUntil(lambda: rig.controller.player.received_seconds() > 0.3, timeout=10000)
    worker = rig.controller.session_worker
    assert worker is not None
    stopped_at = time.monotonic()
    rig.controller.stop()
    # The stream was closed during stop() itself, from the GUI thread: no waiting for a chunk.
    assert backend.closed_at and backend.closed_at[0] >= stopped_at
    assert worker.wait(2.0), "the stream worker kept running after Stop"
    assert backend.generator_exited.is_set()
    assert rig.controller.player.state is PlayerState.STOPPED
    assert rig.editor.extraSelections() == []
    assert not rig.errors


@needs_audio
def test_second_play_comes_from_the_cache(qtbot, tmp_path, rigs) -> None:
    backend = ToneBackend(realtime_factor=0.05)
    rig = make_rig(qtbot, tmp_path, backend, text="Hello there.")
    rigs.append(rig)
    with qtbot.waitSignal(rig.controller.player.finished, timeout=10000):
        rig.controller.play()
    assert len(backend.requests) == 1
    assert FROM_CACHE_STATUS not in rig.statuses
    rig.start_sampling()
    with qtbot.waitSignal(rig.controller.player.finished, timeout=10000):
        rig.controller.play()
    assert len(backend.requests) == 1, "the same audio was paid for twice"
    assert FROM_CACHE_STATUS in rig.statuses
    assert rig.transport.status_label.text().startswith("Finished")
    indices = [i for i, *_ in rig.samples if i is not None]
    assert indices and indices == sorted(indices) and max(indices) >= len("Hello there.") - 2


@needs_audio
def test_failure_mid_stream_keeps_what_arrived_playable(qtbot, tmp_path, rigs) -> None:
    backend = ToneBackend(fail_after_chunks=3, realtime_factor=0.05)
    rig = make_rig(qtbot, tmp_path, backend)
    rigs.append(rig)
    with qtbot.waitSignal(rig.controller.error, timeout=10000) as blocker:
        rig.controller.play()
    error = blocker.args[0]
    assert isinstance(error, StudioError) and "broke off" in str(error)
    player = rig.controller.player
    assert player.state is PlayerState.STOPPED
    received = player.received_seconds()
    assert received == pytest.approx(3 * 7 * backend.char_seconds, abs=0.01)
    assert any(s.startswith("Stopped:") for s in rig.statuses)
    # What arrived plays again without asking the engine.
    player.seek(0.0)
    with qtbot.waitSignal(player.finished, timeout=10000):
        rig.controller.toggle_pause()
    assert len(backend.requests) == 1
    # Nothing partial went into the cache: a new Play asks again.
    rig.controller.play()
    qtbot.waitUntil(lambda: len(backend.requests) == 2, timeout=5000)


@needs_audio
def test_editing_while_playing_never_highlights_changed_text(qtbot, tmp_path, rigs) -> None:
    rig = make_rig(qtbot, tmp_path, ToneBackend())
    rigs.append(rig)
    rig.start_sampling()
    rig.controller.play()
    qtbot.waitUntil(lambda: (rig.controller.highlighted_index or 0) >= 3, timeout=10000)
    # Type at the very start: everything moves right by the inserted length.
    cursor = QTextCursor(rig.editor.document())
    cursor.insertText("NEW ")
    # Replace a word that has not been spoken yet.
    doc_text = rig.editor.toPlainText()
    at = doc_text.index("lazy")
    cursor.setPosition(at)
    cursor.setPosition(at + 4, QTextCursor.MoveMode.KeepAnchor)
    cursor.insertText("idle")
    with qtbot.waitSignal(rig.controller.player.finished, timeout=20000):
        pass
    lazy = TEXT.index("lazy")
    spoken_after_edit = [(i, shown) for i, _c, shown, _at in rig.samples if i is not None]
    assert spoken_after_edit
    for index, shown in spoken_after_edit:
        assert shown == TEXT[index], "a highlight landed on text that is not what is being spoken"
        assert not lazy <= index < lazy + 4, "an edited word was highlighted"
    assert max(i for i, _ in spoken_after_edit) > lazy + 4  # and it went on after the edit


@needs_audio
def test_transport_bar_shows_position_and_fills_as_audio_arrives(qtbot, tmp_path, rigs) -> None:
    backend = ToneBackend(realtime_factor=0.5)
    rig = make_rig(qtbot, tmp_path, backend)
    rigs.append(rig)
    rig.controller.play()
    qtbot.waitUntil(lambda: rig.controller.player.received_seconds() > 0.5, timeout=10000)
    position, received, total = rig.transport.time_bar.times
    assert 0 <= position <= received <= total
    assert total == pytest.approx(len(TEXT) * backend.char_seconds, rel=0.2)  # estimated from the text
    assert rig.transport.stop_button.isEnabled()
    qtbot.waitUntil(lambda: rig.controller.player.input_complete, timeout=10000)
    qtbot.wait(50)
    _p, received, total = rig.transport.time_bar.times
    assert received == total == pytest.approx(len(TEXT) * backend.char_seconds, abs=0.01)
    assert rig.transport.time_label.text().endswith("/ 0:02")
    rig.transport.volume_slider.setValue(30)
    assert rig.controller.player.volume == pytest.approx(0.3)


@needs_audio
def test_the_estimated_length_holds_when_audio_arrives_before_its_timings(qtbot, tmp_path, rigs) -> None:
    # A chunk's audio reaches the take (and the time bar, through received_changed) before
    # the worker's event with that chunk's timings has crossed to the GUI thread. Read the
    # bar at exactly that moment, after every chunk: the estimate must not count the new
    # audio against the old timings (it showed twice the length after the second chunk, and
    # a test reading the bar then failed whenever the worker thread was late).
    backend = ToneBackend(realtime_factor=0.5)
    rig = make_rig(qtbot, tmp_path, backend)
    rigs.append(rig)
    shown: list[tuple[float, float, float]] = []
    player = rig.controller.player

    def on_received(_seconds: float) -> None:  # connected after the controller: sees what it drew
        session = rig.controller.session
        if session is not None and session.covered_chars() > 0 and not player.input_complete:
            shown.append(rig.transport.time_bar.times)

    player.received_changed.connect(on_received)
    with qtbot.waitSignal(player.finished, timeout=20000):
        rig.controller.play()
    assert not rig.errors
    expected = len(TEXT) * backend.char_seconds
    assert len(shown) >= 3  # the bar was read after several chunks, each before its timings
    for _position, received, total in shown:
        assert received <= total == pytest.approx(expected, rel=0.2)


NO_DEVICE_SCRIPT = r"""
import sys
from PySide6.QtWidgets import QApplication, QPlainTextEdit
from PySide6.QtMultimedia import QMediaDevices
app = QApplication([])
from studio.cancel import CancelToken
from studio.ui.player_controller import PlayerController
from studio.ui.script_document import ScriptDocumentController
from studio.ui.transport_bar import TransportBar
from studio.ui.worker import WorkerPool
from tests.integration.player.rig import assert_clock_never_jumps, inputs_for, unlit_while_drawing
from tests.integration.player.tone_backend import ToneBackend
backend = ToneBackend()
editor = QPlainTextEdit("Hello there.")
transport = TransportBar()
pool = WorkerPool()
controller = PlayerController(editor, transport, pool, inputs_for(backend), ScriptDocumentController(editor), None)
errors = []
controller.error.connect(errors.append)
controller.play()
print("outputs", len(QMediaDevices.audioOutputs()))
print("errors", [type(e).__name__ for e in errors])
print("message", str(errors[0]) if errors else "")
print("requests", len(backend.requests))
print("status", transport.status_label.text())
controller.shutdown(); pool.shutdown()
"""


def test_no_audio_device_is_reported_and_costs_nothing(tmp_path) -> None:
    """A machine with no sound output: a clear message, and no request sent to the engine."""
    env = dict(os.environ)
    env.update(
        QT_QPA_PLATFORM="offscreen",
        PULSE_SERVER=f"unix:{tmp_path}/no-such-socket",
        PULSE_RUNTIME_PATH=str(tmp_path),
        XDG_RUNTIME_DIR=str(tmp_path),
        PIPEWIRE_REMOTE=f"{tmp_path}/no-pipewire",
        QT_LOGGING_RULES="*.debug=false;qt.multimedia*=false",
    )
    env.pop("STUDIO_TEST_AUDIO", None)
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "-c", NO_DEVICE_SCRIPT], cwd=root, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    lines = dict(line.split(" ", 1) for line in result.stdout.splitlines() if " " in line)
    assert lines["outputs"] == "0"
    assert lines["errors"] == "['NoAudioOutputError']"
    assert "No sound output" in lines["message"] and "speakers or headphones" in lines["message"]
    assert lines["requests"] == "0"
    assert lines["status"].startswith("Stopped: No sound output")


PARAGRAPHS = "A first paragraph here.\n\nThe quick brown fox jumps.\n\nAnd a last one."


@needs_audio
def test_play_selection_speaks_and_highlights_the_paragraphs_it_touches(qtbot, tmp_path, rigs) -> None:
    """The paragraph is the unit: a selection inside the second paragraph plays that paragraph
    (so its take serves Export too), lit where it sits in the document."""
    rig = make_rig(qtbot, tmp_path, ToneBackend(realtime_factor=0.05), text=PARAGRAPHS)
    rigs.append(rig)
    second = PARAGRAPHS.split("\n\n")[1]
    offset = PARAGRAPHS.index(second)
    cursor = rig.editor.textCursor()
    cursor.setPosition(PARAGRAPHS.index("brown"))
    cursor.setPosition(PARAGRAPHS.index("jumps") + len("jumps"), QTextCursor.MoveMode.KeepAnchor)
    rig.editor.setTextCursor(cursor)
    rig.start_sampling()
    with qtbot.waitSignal(rig.controller.player.finished, timeout=10000):
        rig.controller.play_selection()
    assert [r.text for r in rig.backend.requests] == [second]
    shown = [(i, s) for i, _c, s, _at in rig.samples if i is not None]
    assert shown
    for index, text in shown:
        assert offset <= index < offset + len(second)  # only the paragraph that was played
        assert text == PARAGRAPHS[index]  # on its words in the document
    assert max(i for i, _ in shown) >= offset + len(second) - 2
    assert rig.editor.textCursor().selectedText() == "brown fox jumps"  # the selection is kept


@needs_audio
def test_long_paragraph_in_parts_plays_and_highlights_as_one(qtbot, tmp_path, rigs) -> None:
    backend = ToneBackend(realtime_factor=0.1)
    # Parts of at most 25 characters: the plan's limit, the one place that segments.
    rig = _make_rig(qtbot, tmp_path, backend, TEXT, inputs_for(backend, max_segment_chars=25))
    rigs.append(rig)
    rig.start_sampling()
    with qtbot.waitSignal(rig.controller.player.finished, timeout=20000):
        rig.controller.play()
    assert len(rig.backend.requests) > 2
    assert all(len(r.text) <= 25 for r in rig.backend.requests)
    assert not rig.errors
    indices = [i for i, *_ in rig.samples if i is not None]
    assert indices == sorted(indices)
    assert max(indices) >= len(TEXT) - 2
    for index, _clock, shown, _at in rig.samples:
        if index is not None:
            assert shown == TEXT[index]
    assert len(rig.takes) == 1 and len(rig.takes[0][1].parts) == len(rig.backend.requests)


# PulseAudio takes at most 384 kHz: the null sink exists, but Qt refuses to start a sink for
# this rate. No engine offers it; the rig's window asks for it anyway.
REFUSED_FORMAT = "pcm_400000"


@needs_audio
def test_output_that_will_not_open_is_reported_keeps_the_audio_and_costs_nothing(qtbot, tmp_path, rigs) -> None:
    """A sound output exists but its sink will not start: say so, charge nothing, lose nothing."""
    from PySide6.QtCore import QTimer
    from PySide6.QtMultimedia import QMediaDevices

    from studio.playback.pcm_player import AudioOutputRefusedError

    formats = ["pcm_24000"]
    backend = ToneBackend(realtime_factor=0.05)
    rig = _make_rig(qtbot, tmp_path, backend, "Hello there.", lambda: inputs_for(backend, output_format=formats[-1])())
    rigs.append(rig)
    with qtbot.waitSignal(rig.controller.player.finished, timeout=10000):
        rig.controller.play()
    assert len(backend.requests) == 1 and not rig.errors

    formats.append(REFUSED_FORMAT)
    assert QMediaDevices.audioOutputs(), "the test needs a device that exists"
    with qtbot.waitSignal(rig.controller.error, timeout=5000) as blocker:
        rig.controller.play()
    error = blocker.args[0]
    assert isinstance(error, AudioOutputRefusedError)
    assert "would not play" in error.cause and QMediaDevices.defaultAudioOutput().description() in error.cause
    assert "No sound output was found" not in str(error)  # there is one: it refused
    assert rig.transport.status_label.text().startswith("Stopped: The sound output")
    assert rig.controller.player.state is PlayerState.STOPPED
    assert len(backend.requests) == 1, "credits were spent on audio that cannot be heard"
    assert rig.editor.toPlainText() == "Hello there."
    qtbot.wait(50)
    assert not any(t.isActive() for t in rig.controller.player.findChildren(QTimer)), "the feeder kept ticking"

    # Once the output works again, the audio spoken before is still there, free.
    formats.append("pcm_24000")
    with qtbot.waitSignal(rig.controller.player.finished, timeout=10000):
        rig.controller.play()
    assert len(backend.requests) == 1
    assert FROM_CACHE_STATUS in rig.statuses


@needs_audio
def test_player_keeps_its_track_when_the_sink_will_not_start(qtbot) -> None:
    from studio.playback.pcm_player import AudioOutputRefusedError, PcmPlayer

    player = PcmPlayer()
    errors: list[StudioError] = []
    player.error.connect(errors.append)
    pcm = b"\x01\x02" * 4000
    player.load(400000, pcm=pcm)
    for _attempt in range(2):  # and asking again says the same, without breaking anything
        assert player.play(0.0) is False
        assert isinstance(errors[-1], AudioOutputRefusedError)
        assert player.state is PlayerState.STOPPED
        assert player.track_bytes() == pcm
        assert player.received_seconds() == pytest.approx(4000 / 400000)
    assert len(errors) == 2
    player.shutdown()


class _Starting:
    """An engine still starting (as EngineSession.pending_backend gives): ElevenLabs was asked
    for, but the engine that starts is the offline one, which speaks at its own rate."""

    engine_id = "elevenlabs"
    display_name = "ElevenLabs"
    is_ready = False

    def __init__(self, real: ToneBackend) -> None:
        self.real = real

    def wait_until_ready(self, token=None):  # type: ignore[no-untyped-def]
        time.sleep(0.3)
        return self.real


class _OfflineTones(ToneBackend):
    engine_id = "offline"


@needs_audio
def test_play_while_the_engine_starts_follows_the_rate_of_the_engine_that_started(qtbot, tmp_path, rigs) -> None:
    from studio.core.render_inputs import render_inputs

    real = _OfflineTones(realtime_factor=0.05)
    starting = _Starting(real)
    rig = _make_rig(qtbot, tmp_path, real, "Hello there.",
                    lambda: render_inputs(starting, voice_id="tone", model_id="tone_v1"))
    rigs.append(rig)
    rig.start_sampling()
    with qtbot.waitSignal(rig.controller.player.finished, timeout=20000):
        rig.controller.play()
    assert not rig.errors
    assert [r.output_format for r in real.requests] == ["pcm_22050"]  # the offline voice's own rate
    assert rig.controller.player.sample_rate == 22050
    assert rig.controller.player.received_seconds() == pytest.approx(len("Hello there.") * real.char_seconds, abs=0.01)
    indices = [i for i, *_ in rig.samples if i is not None]
    assert indices and indices == sorted(indices) and max(indices) >= len("Hello there.") - 2


@needs_audio
def test_a_locked_paragraph_whose_text_changed_plays_its_take_and_is_never_lit(qtbot, tmp_path, rigs) -> None:
    """Its take says the old words: lighting the new ones would be a wrong highlight."""
    rig = make_rig(qtbot, tmp_path, ToneBackend(realtime_factor=0.05), text=PARAGRAPHS)
    rigs.append(rig)
    with qtbot.waitSignal(rig.controller.player.finished, timeout=10000):
        rig.controller.play()
    first = rig.document.script.blocks[0]
    rig.document.set_locked(first.id, True)
    cursor = QTextCursor(rig.editor.document())
    cursor.setPosition(PARAGRAPHS.index("first"))
    cursor.insertText("very ")
    rig.start_sampling()
    with qtbot.waitSignal(rig.controller.player.finished, timeout=10000):
        rig.controller.play()
    assert len(rig.backend.requests) == 3, "a locked paragraph was generated again"
    session = rig.controller.session
    heard = {b.index: b for b in session.blocks}
    assert not heard[0].matches_text and heard[1].matches_text
    second_starts = heard[1].at_seconds
    assert second_starts == pytest.approx(len("A first paragraph here.") * 0.05, abs=0.01)  # the take's audio
    lit = [(i, at) for i, _c, _s, at in rig.samples if i is not None]
    assert lit, "the paragraphs after it were lit"
    assert all(at >= second_starts for _i, at in lit), "the locked paragraph's new words were lit"
    assert all(i >= session.blocks[1].span[0] for i, _at in lit)
