"""No refusals while warming up: Export and Play pressed while the offline voice still loads.

The real window, the real offline engine starting in its worker, real keys and clicks. The
voice and engine are remembered from a previous run (the preferences), as on every start
after the first. Right after ``start_engine()`` the engine is certainly not ready yet: its
result can only reach the window through the event loop, which has not run.
"""

from __future__ import annotations

from pathlib import Path

import soundfile as sf
from PySide6.QtCore import Qt

from studio.core.preferences import Preferences
from studio.offline.voices import bundled_voice
from studio.playback.pcm_player import PlayerState
from tests.integration.player.rig import needs_audio

SCRIPT = "The lamp was lit at dusk. The keeper wrote the weather in the log."


def _remembered() -> Preferences:
    voice = bundled_voice()
    return Preferences(engine="offline", voice_id=voice.voice_id, voice_name=voice.name)


def _gate_the_engine(window):  # type: ignore[no-untyped-def]
    """Hold the offline start until the test lets it go. In a test process the Piper voice is
    often loaded already (other tests), and an engine that starts instantly could be ready
    before the key press reaches the window; the gate makes "still starting" certain."""
    import threading

    gate = threading.Event()
    real = window.session._offline_factory

    def gated():  # type: ignore[no-untyped-def]
        gate.wait(30)
        return real()

    window.session._offline_factory = gated
    return gate


def _focus_the_script(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    window.script.editor.setFocus()


def test_export_pressed_while_the_engine_starts_opens_and_waits_for_it(qtbot, make_window, tmp_path: Path) -> None:
    window = make_window(_remembered())
    window.script.editor.setPlainText(SCRIPT)
    _focus_the_script(qtbot, window)
    gate = _gate_the_engine(window)
    window.start_engine()
    assert window.session.backend is None and window.session.starting
    qtbot.keyClick(window.script.editor, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)  # Export Audio…
    assert not window.script.message.isVisible(), window.script.message.text  # no red refusal
    dialog = window.export_dialog
    assert dialog is not None and dialog.isVisible()
    assert "still starting" in dialog.message.text  # the progress note: it is not ready yet
    destination = tmp_path / "warm.wav"
    dialog.set_destination(destination)
    with qtbot.waitSignal(dialog.exported, timeout=120000):
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
        qtbot.wait(100)
        gate.set()
    assert window.session.backend is not None and window.session.backend.engine_id == "offline"
    info = sf.info(str(destination))
    assert info.duration > 2.0  # real speech of the whole script
    assert not dialog.message.text.startswith("The speech engine")


def test_the_export_dialog_stops_saying_still_starting_once_the_engine_is_ready(qtbot, make_window) -> None:
    window = make_window(_remembered())
    window.script.editor.setPlainText(SCRIPT)
    window.start_engine()
    window.open_export()
    dialog = window.export_dialog
    assert "still starting" in dialog.message.text and dialog.message.isVisible()
    qtbot.waitUntil(lambda: window.session.backend is not None, timeout=60000)
    assert not dialog.message.isVisible()
    dialog.reject()


@needs_audio
def test_play_pressed_while_the_engine_starts_plays_once_it_is_ready(qtbot, make_window) -> None:
    window = make_window(_remembered())
    window.script.editor.setPlainText(SCRIPT)
    statuses: list[str] = []
    window.status.messageChanged.connect(statuses.append)
    _focus_the_script(qtbot, window)
    gate = _gate_the_engine(window)
    window.start_engine()
    assert window.session.backend is None
    qtbot.keyClick(window.script.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # Play
    assert not window.script.message.isVisible(), window.script.message.text
    assert any("still starting" in text for text in statuses)
    qtbot.wait(200)
    assert not any(text.endswith("ready.") for text in statuses), "said ready before it was"
    assert not any("Playing" in text for text in statuses), "said playing before the engine was there"
    released = len(statuses)
    gate.set()
    qtbot.waitUntil(lambda: window.player.highlighted_index is not None, timeout=60000)
    assert window.player.player.state is PlayerState.PLAYING
    assert window.session.backend is not None
    # "ready." (from the GUI's engine handler) and "Playing" (from the play worker, which goes
    # on the moment the engine is there) arrive from two threads: either may come first.
    qtbot.waitUntil(lambda: any(text.endswith("ready.") for text in statuses[released:]), timeout=10000)
    assert any("Playing" in text for text in statuses[released:]), statuses
    window.player.stop()


def test_work_waiting_for_the_engine_can_be_cancelled_and_hears_why_it_failed(qtbot) -> None:
    """The wait happens in the worker and ends on cancel; a start that fails is reported to the
    waiting work in the person's words. (The engine factory seam: an offline start that stalls
    and then fails, as a damaged voice file would.)"""
    import threading

    from studio.errors import StudioError
    from studio.ui.engine_session import EngineSession
    from studio.ui.worker import Worker, WorkerPool

    gate = threading.Event()

    def stalling_offline_start():  # type: ignore[no-untyped-def]
        gate.wait(10)
        raise RuntimeError("the voice file is damaged")

    pool = WorkerPool(max_threads=3)
    session = EngineSession(pool, offline_factory=stalling_offline_start, key_loader=lambda: (None, False))
    try:
        session.start("offline")
        pending = session.pending_backend()
        assert pending is not None and not pending.is_ready and pending.display_name == "Offline voice"
        waiting = Worker(lambda token: pending.wait_until_ready())  # finds its token by itself
        with qtbot.waitSignal(waiting.signals.aborted, timeout=5000):
            pool.start(waiting)
            qtbot.wait(150)
            waiting.cancel()
        asking = Worker(lambda token: pending.engine_id)  # in a worker, this waits for the engine
        with qtbot.waitSignal(asking.signals.errored, timeout=10000) as blocker:
            pool.start(asking)
            qtbot.wait(150)
            gate.set()
        error = blocker.args[0]
        assert isinstance(error, StudioError) and "could not be started" in error.cause
    finally:
        gate.set()
        assert pool.shutdown(10000)
        session.shutdown()
