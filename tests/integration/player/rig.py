"""A player rig for tests: a script editor with its document, a transport bar, a worker pool
and the controller, wired as the window wires them (takes made by Play join the document).

Shared by tests/ui/test_player*.py and tests/integration/player/. ``samples`` records, every
5 ms, what is highlighted, the audio clock and the document text under the highlight.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QPlainTextEdit, QVBoxLayout, QWidget

from studio.core.cache import SpeechCache
from studio.core.render_inputs import RenderInputs, render_inputs
from studio.errors import StudioError
from studio.ui.player_controller import PlayerController
from studio.ui.script_document import ScriptDocumentController
from studio.ui.transport_bar import TransportBar
from studio.ui.worker import WorkerPool

#: A voice of the local server (speaking with the offline Piper voice) and its streaming route.
SERVER_VOICE = "offline-en_US-joe-medium"
STREAM_ROUTE = "tts_stream_with_timestamps"

needs_audio = pytest.mark.skipif(
    not os.environ.get("STUDIO_TEST_AUDIO"),
    reason="needs the PulseAudio null sink: run through tests/run.sh (sets STUDIO_TEST_AUDIO=1)",
)


@dataclass
class Rig:
    editor: QPlainTextEdit
    transport: TransportBar
    pool: WorkerPool
    controller: PlayerController
    backend: Any
    document: ScriptDocumentController | None = None
    cache: SpeechCache | None = None
    errors: list[StudioError] = field(default_factory=list)
    #: (block id, take) for every take_made, in order.
    takes: list[tuple[str, Any]] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)
    #: (highlighted text index, audio clock now, document text under the highlight, audio clock
    #: the highlight was chosen for)
    samples: list[tuple[int | None, float, str, float]] = field(default_factory=list)
    #: time.monotonic() of each sample (a gap: the GUI thread did not run, see unlit_while_drawing)
    sample_times: list[float] = field(default_factory=list)
    sampler: QTimer | None = None
    window: QWidget | None = None

    def start_sampling(self) -> None:
        """Every 5 ms: what is highlighted, the audio clock, and the highlighted document text."""
        timer = QTimer()
        timer.setInterval(5)

        def sample() -> None:
            char_range, _word = self.controller.highlighter.current
            shown = ""
            if char_range is not None:
                cursor = QTextCursor(self.editor.document())
                cursor.setPosition(char_range[0])
                cursor.setPosition(char_range[1], QTextCursor.MoveMode.KeepAnchor)
                shown = cursor.selectedText()
            self.samples.append((self.controller.highlighted_index, self.controller.player.played_seconds(), shown,
                                 self.controller.highlight_clock))
            self.sample_times.append(time.monotonic())

        timer.timeout.connect(sample)
        timer.start()
        self.sampler = timer


def inputs_for(backend: Any, voice_id: str = "tone", model_id: str = "tone_v1", *, with_models: bool = False,
               **settings: Any) -> Callable[[], RenderInputs]:
    """How the rig's window speaks: ``render_inputs`` as the studio builds them (``settings``
    override RenderSettings fields, e.g. ``output_format`` or ``max_segment_chars``)."""
    models = backend.list_models() if with_models else None

    def inputs() -> RenderInputs:
        made = render_inputs(backend, voice_id=voice_id, model_id=model_id, models=models)
        return replace(made, settings=replace(made.settings, **settings)) if settings else made

    return inputs


def make_rig(
    qtbot: Any,
    tmp_path: Path,
    backend: Any,
    text: str,
    inputs: Callable[[], RenderInputs] | None = None,
    *,
    cache: bool = True,
) -> Rig:
    window = QWidget()
    layout = QVBoxLayout(window)
    editor = QPlainTextEdit()
    editor.setPlainText(text)
    transport = TransportBar()
    layout.addWidget(editor)
    layout.addWidget(transport)
    window.resize(600, 300)
    qtbot.addWidget(window)
    window.show()
    pool = WorkerPool(max_threads=2)
    speech_cache = SpeechCache(tmp_path / "cache") if cache else None
    document = ScriptDocumentController(editor)
    controller = PlayerController(editor, transport, pool, inputs or inputs_for(backend), document, speech_cache)
    rig = Rig(editor, transport, pool, controller, backend, document, speech_cache, window=window)
    controller.error.connect(rig.errors.append)
    controller.status.connect(rig.statuses.append)
    controller.take_made.connect(lambda block_id, take: rig.takes.append((block_id, take)))
    controller.take_made.connect(document.add_take)
    return rig


@pytest.fixture
def rigs(qtbot):
    made: list[Rig] = []
    yield made
    for rig in made:
        if rig.sampler is not None:
            rig.sampler.stop()
        rig.controller.shutdown()
        assert rig.pool.shutdown(5000), "a playback thread outlived its window"


def _timed_samples(rig: Rig) -> list[tuple[tuple[int | None, float, str, float], float]]:
    """Each sample with its time (a test may have cleared ``samples`` alone: the newest times)."""
    times = rig.sample_times[len(rig.sample_times) - len(rig.samples):]
    return list(zip(rig.samples, times, strict=True))


def unlit_while_drawing(rig: Rig, unlit: set[int], char_seconds: float) -> set[int]:
    """Of the characters ``unlit`` (timed ``i × char_seconds`` on), those that sounded while
    the GUI thread was drawing: some sample's clock fell on them (or between two samples
    close enough in time that a refresh had to come between).

    A character may go unlit only while the GUI thread did not run at all: on a machine whose
    other processes hold every core it waited 150-200 ms for a CPU (measured with
    /proc/thread-self/schedstat: all of the gap in the run queue, 0 ms of this process's CPU),
    the sound went on, and nothing can be drawn then. Such a character sounds entirely
    between two consecutive samples that are as far apart in wall time as in the audio.
    """
    # Samples come every 5 ms and refreshes every 10 ms: a gap under a character's length
    # (less the refresh period) holds a refresh.
    slack = 0.01
    pairs = _timed_samples(rig)
    explained = set()
    for (a, at), (b, bt) in zip(pairs, pairs[1:]):
        clock_a, clock_b = a[1], b[1]
        if bt - at < char_seconds - slack:
            continue
        for index in unlit:
            start, end = index * char_seconds, (index + 1) * char_seconds
            if clock_a <= start + slack and clock_b >= end - slack:
                explained.add(index)
    return unlit - explained


def assert_clock_never_jumps(rig: Rig, margin: float = 0.04) -> None:
    """Between two samples the audio clock advanced no more than the time that passed: the
    sound moves at its own pace, so a clock that jumps ahead would skip what was playing.
    ``margin``: the clock's own steps (seen up to 23 ms within 1 ms, where Qt's measure and
    the sound server's meet), kept below a tone character's 50 ms."""
    pairs = _timed_samples(rig)
    for (a, at), (b, bt) in zip(pairs, pairs[1:]):
        assert b[1] - a[1] <= bt - at + margin, ("the clock jumped", a[1], b[1], bt - at)


def assert_follows_audio(rig: Rig, text: str) -> None:
    """Monotonic, on the right text, on the character the clock says, and through to the end."""
    clock = rig.controller.clock
    assert clock is not None
    indices = [i for i, *_ in rig.samples if i is not None]
    assert indices, "nothing was ever highlighted"
    assert indices == sorted(indices), "the highlight went backwards"
    assert max(indices) >= len(text.rstrip()) - 2, "the highlight did not reach the end of the text"
    # Most characters of the text were highlighted at some point (not just a few jumps).
    letters = {i for i, ch in enumerate(text) if ch.isalnum()}
    assert len(letters & set(indices)) >= 0.5 * len(letters)
    for index, played, shown, chosen_at in rig.samples:
        if index is None:
            continue
        assert shown == text[index]
        # The highlight is the character the timings name for the clock it was chosen at ...
        assert clock.char_at(chosen_at) == index, (index, chosen_at)
        # ... and that clock is not far behind the sound (a refresh is due every 10 ms; the
        # margin only absorbs a busy machine's late timers).
        assert played - chosen_at < 0.5


def assert_follows_across_blocks(rig: Rig) -> None:
    """Across paragraphs: every heard paragraph was lit where it sits in the document, and at
    any moment the lit character is in the paragraph whose audio was playing (or, in the
    pause before a paragraph, still on the last word of the one before)."""
    session = rig.controller.session
    assert session is not None
    text = session.text
    assert_follows_audio(rig, text)
    lit = [(index, chosen_at) for index, _played, _shown, chosen_at in rig.samples if index is not None]
    for block in session.blocks:
        start, end = block.span
        assert any(start <= index < end for index, _ in lit), f"paragraph {block.index + 1} was never lit"
    order = [b.index for b in session.blocks]
    for index, chosen_at in lit:
        playing = session.block_at(chosen_at)
        assert playing is not None
        allowed = {playing.index}
        position = order.index(playing.index)
        if position > 0:
            allowed.add(order[position - 1])
        assert any(b.index in allowed and b.span[0] <= index < b.span[1] for b in session.blocks), (index, chosen_at)
