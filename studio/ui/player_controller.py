"""Listening to the script: streams speech, plays it, and lights up the words as they sound.

The controller holds the logic (DESIGN.md §7); the widgets it is given hold none:

* Play asks ``request_for_text`` for an engine and a request, opens the sound output first
  (no device → a clear message and not a credit spent), then runs
  :func:`studio.playback.stream_job.speech_job` on the worker pool. Audio flows once and is
  stored once: worker → the take (:class:`PcmBuffer`, whose bound on unplayed audio makes the
  worker wait, e.g. while paused) → :class:`PcmPlayer` (the GUI-thread feeder) → QAudioSink;
  timings flow worker → queued signal → :class:`AlignmentClock`.
* A timer reads the audio clock (what the sink has actually played) and shows the character
  and word spoken at that instant; :class:`EditMap` follows edits so a highlight never lands
  on text that changed.
* Clicking a word that has already been generated seeks to it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QMouseEvent, QTextCursor
from PySide6.QtWidgets import QPlainTextEdit

from studio.core.alignment_clock import AlignmentClock, word_span
from studio.core.edit_map import EditMap
from studio.errors import StudioError
from studio.playback.pcm_buffer import PcmBuffer
from studio.playback.pcm_player import NoAudioOutputError, PcmPlayer, PlayerState, audio_output_available
from studio.playback.stream_job import StreamEnded, StreamOpened, StreamProgress, pcm_sample_rate, speech_job
from studio.ui.highlight import SpeechHighlighter
from studio.ui.transport_bar import TransportBar
from studio.ui.worker import Worker, WorkerPool

if TYPE_CHECKING:
    from studio.api.requests import TextToSpeechRequest
    from studio.core.backend import SynthesisBackend
    from studio.core.cache import SpeechCache

log = logging.getLogger(__name__)

FROM_CACHE_STATUS = "Playing from cache — no credits used"
LIVE_PCM_FORMAT = "pcm_24000"


class PlaybackFailedError(StudioError):
    """An unexpected failure while streaming (a bug or an engine error that is not a StudioError)."""

    retryable = True

    def __init__(self, detail: str) -> None:
        super().__init__(
            f"Playback stopped because of an unexpected problem ({detail})",
            "The audio received so far can still be played. Press Play to try again.",
        )


@dataclass
class _Session:
    """One Play: the text being spoken, where it sits in the document, and what has arrived."""

    text: str
    clock: AlignmentClock
    edits: EditMap
    engine_name: str
    backend: object = None
    worker: Worker | None = None
    from_cache: bool = False
    complete: bool = False
    failed: bool = False
    cost: int | None = None


class PlayerController(QObject):
    #: A StudioError to show the person.
    error = Signal(object)
    #: A short line for the status bar.
    status = Signal(str)

    HIGHLIGHT_INTERVAL_MS = 10

    def __init__(
        self,
        editor: QPlainTextEdit,
        transport: TransportBar,
        pool: WorkerPool,
        request_for_text: Callable[[str], tuple[SynthesisBackend, TextToSpeechRequest]],
        cache: SpeechCache | None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._editor = editor
        self._transport = transport
        self._pool = pool
        self._request_for_text = request_for_text
        self._cache = cache
        self._session: _Session | None = None
        self._highlighted: int | None = None
        self._press_pos: QPoint | None = None
        self._starved = False  # playing faster than the audio arrives
        self._highlight_clock = 0.0  # the audio clock the highlight now shown was chosen for

        self.player = PcmPlayer(self)
        self.highlighter = SpeechHighlighter(editor, self)
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(self.HIGHLIGHT_INTERVAL_MS)
        self._timer.timeout.connect(self._refresh)

        transport.play_pause_clicked.connect(self.toggle_pause)
        transport.play_selection_clicked.connect(self.play_selection)
        transport.play_from_cursor_clicked.connect(self.play_from_cursor)
        transport.stop_clicked.connect(self.stop)
        transport.seek_requested.connect(self.seek)
        transport.volume_changed.connect(self.player.set_volume)
        self.player.state_changed.connect(self._on_player_state)
        self.player.received_changed.connect(lambda _s: self._update_transport())
        self.player.error.connect(self._on_player_error)
        self.player.finished.connect(self._on_finished)
        self.status.connect(transport.set_status)
        editor.document().contentsChange.connect(self._on_contents_change)
        self._viewport = editor.viewport()
        self._viewport.installEventFilter(self)

    # -- what to play ----------------------------------------------------------------------

    @Slot()
    def play(self) -> None:
        """Speak the whole script."""
        doc = self._editor.document()
        cursor = QTextCursor(doc)
        cursor.movePosition(QTextCursor.MoveOperation.End, QTextCursor.MoveMode.KeepAnchor)
        self._start(_plain(cursor.selectedText()), 0)

    @Slot()
    def play_selection(self) -> None:
        cursor = self._editor.textCursor()
        if not cursor.hasSelection():
            self.play_from_cursor()
            return
        self._start(_plain(cursor.selectedText()), cursor.selectionStart())

    @Slot()
    def play_from_cursor(self) -> None:
        cursor = QTextCursor(self._editor.textCursor())
        cursor.clearSelection()
        # From the start of the word the cursor is in, so a word is never cut in half.
        if not cursor.atBlockStart():
            probe = QTextCursor(cursor)
            probe.movePosition(QTextCursor.MoveOperation.PreviousCharacter, QTextCursor.MoveMode.KeepAnchor)
            if probe.selectedText().strip():
                cursor.movePosition(QTextCursor.MoveOperation.StartOfWord)
        start = cursor.position()
        cursor.movePosition(QTextCursor.MoveOperation.End, QTextCursor.MoveMode.KeepAnchor)
        self._start(_plain(cursor.selectedText()), start)

    # -- transport -------------------------------------------------------------------------

    @Slot()
    def toggle_pause(self) -> None:
        state = self.player.state
        if state is PlayerState.PLAYING:
            self.player.pause()
            self.status.emit("Paused")
        elif state is PlayerState.PAUSED:
            if self.player.play():
                self.status.emit(self._playing_status())
        elif self._replayable():
            # Audio already here (finished, or a stream that failed part-way): play it again, free.
            position = self.player.played_seconds()
            if position >= self.player.received_seconds() - 0.05:
                position = 0.0
            if self.player.play(position):
                self.status.emit("Playing again — no credits used")
                self._timer.start()
        else:
            self.play()

    @Slot()
    def stop(self) -> None:
        session = self._session
        was_running = self.is_active or (session is not None and session.worker is not None)
        if session is not None and session.worker is not None:
            session.worker.cancel()  # closes the network stream at once
        self.player.stop()
        if session is not None and not (session.complete or session.failed):
            self.player.end_input()
        self._timer.stop()
        self.highlighter.clear()
        self._highlighted = None
        self._update_transport()
        if was_running:
            self.status.emit("Stopped")

    @Slot(float)
    def seek(self, seconds: float) -> None:
        if self._session is None:
            return
        self.player.seek(seconds)
        self._refresh()

    def seek_to_position(self, doc_position: int) -> bool:
        """Seek to the word at a document position, if it has been generated. True if it did."""
        session = self._session
        if session is None:
            return False
        index = session.edits.text_index_at(doc_position)
        if index is None:
            return False
        span = word_span(session.text, index)
        start_index = span[0] if span else index
        seconds = session.clock.start_of(start_index)
        if seconds is None or seconds > self.player.received_seconds():
            self.status.emit("That part has not been generated yet")
            return False
        self.seek(seconds)
        return True

    def set_volume(self, volume: float) -> None:
        self.player.set_volume(volume)
        self._transport.set_volume(volume)

    def shutdown(self) -> None:
        """Stop everything this controller started. Never waits: the cancelled worker closes its
        stream at once and ends on its own (whoever owns the pool waits for it, off the GUI)."""
        session = self._session
        worker = session.worker if session is not None else None
        if worker is not None:
            worker.cancel()
        self._timer.stop()
        self.player.shutdown()
        self._session = None

    # -- for the window and benchmarks -----------------------------------------------------

    @property
    def is_active(self) -> bool:
        return self.player.state is not PlayerState.STOPPED

    @property
    def highlighted_index(self) -> int | None:
        """Index into the spoken text of the character now highlighted (None if none)."""
        return self._highlighted

    @property
    def highlight_clock(self) -> float:
        """The audio clock (seconds) at which the highlight now shown was chosen."""
        return self._highlight_clock

    @property
    def clock(self) -> AlignmentClock | None:
        return self._session.clock if self._session is not None else None

    @property
    def session_worker(self) -> Worker | None:
        return self._session.worker if self._session is not None else None

    # -- starting ----------------------------------------------------------------------------

    def _start(self, text: str, base_position: int) -> None:
        if not text.strip():
            self.status.emit("Nothing to play: the script is empty")
            return
        self.stop()
        # Before anything costs credits: is there anywhere to play it?
        if not audio_output_available():
            self._report(NoAudioOutputError())
            return
        try:
            backend, request = self._request_for_text(text)
            if not request.output_format.startswith("pcm_"):
                request = request.model_copy(update={"output_format": LIVE_PCM_FORMAT})
            rate = pcm_sample_rate(request.output_format)
        except StudioError as exc:
            self._report(exc)
            return
        except Exception as exc:  # noqa: BLE001 - a bug in building the request must not kill the GUI
            log.warning("could not build the speech request", exc_info=True)
            self._report(PlaybackFailedError(type(exc).__name__))
            return
        session = _Session(
            text=text,
            clock=AlignmentClock(text),
            edits=EditMap(text, base_position),
            engine_name=getattr(backend, "display_name", "the voice engine"),
            backend=backend,
        )
        buffer = PcmBuffer()
        self._session = session
        self.player.load(rate, buffer)
        if not self.player.play(0.0):
            self._session = None
            self.player.end_input()  # nothing will stream in: let the feeder timer stop
            return  # the player has reported why
        worker = Worker(speech_job, backend, request, buffer, self._cache)
        session.worker = worker
        worker.signals.yielded.connect(lambda event, s=session: self._on_event(s, event))
        worker.signals.errored.connect(lambda exc, s=session: self._on_failed(s, exc))
        worker.signals.done.connect(lambda s=session: self._on_worker_done(s))
        self._pool.start(worker)
        if getattr(backend, "is_ready", True):
            self.status.emit(f"{session.engine_name}: generating speech…")
        else:  # still starting: the worker waits for it; Play is not refused
            self.status.emit(f"{session.engine_name} is still starting; playing as soon as it is ready…")
        self._timer.start()
        self._update_transport()

    # -- from the worker ---------------------------------------------------------------------

    def _on_event(self, session: _Session, event: object) -> None:
        if session is not self._session:
            return  # a stopped session's last words
        if isinstance(event, StreamProgress):
            if event.piece is not None:
                session.clock.add(event.piece)
            self.player.feed_now()
        elif isinstance(event, StreamOpened):
            session.engine_name = getattr(session.backend, "display_name", session.engine_name)  # now known
            session.from_cache = event.from_cache
            session.cost = event.character_cost
            self.status.emit(self._playing_status())
        elif isinstance(event, StreamEnded):
            session.complete = True
            self.player.end_input()
            self._update_transport()

    def _on_failed(self, session: _Session, exc: object) -> None:
        if session is not self._session:
            return
        session.failed = True
        self.player.end_input()
        self.player.halt()
        self._timer.stop()
        self._refresh()
        error = exc if isinstance(exc, StudioError) else PlaybackFailedError(type(exc).__name__)
        if not isinstance(exc, StudioError):
            log.warning("playback stream failed", exc_info=exc if isinstance(exc, BaseException) else None)
        self._report(error)

    def _on_worker_done(self, session: _Session) -> None:
        session.worker = None
        if session is self._session:
            self.player.end_input()

    # -- from the player ---------------------------------------------------------------------

    def _on_player_state(self, state: PlayerState) -> None:
        playing = state is PlayerState.PLAYING
        self._transport.set_playing(playing, active=state is not PlayerState.STOPPED)
        if playing:
            self._timer.start()
        self._refresh()

    def _on_player_error(self, error: StudioError) -> None:
        session = self._session
        if session is not None and session.worker is not None:
            session.worker.cancel()  # no sound: stop paying for audio nobody hears
        self._timer.stop()
        self._report(error)

    def _on_finished(self) -> None:
        self._timer.stop()
        self.highlighter.clear()
        self._highlighted = None
        self._update_transport()
        self.status.emit("Finished" if not (self._session and self._session.from_cache) else
                         "Finished — played from cache, no credits used")

    # -- the highlight -----------------------------------------------------------------------

    @Slot()
    def _refresh(self) -> None:
        """Show the character and word at the audio clock; update the time bar."""
        session = self._session
        self._update_transport()
        if session is None:
            return
        if self.player.state is PlayerState.STOPPED and not session.failed:
            return
        played = self.player.played_seconds()
        starved = (
            self.player.state is PlayerState.PLAYING
            and not self.player.input_complete
            and played >= self.player.received_seconds() - 0.02
            and self.player.received_seconds() > 0
        )
        if starved != self._starved:
            self._starved = starved
            self.status.emit("Waiting for audio from " + session.engine_name + "…" if starved else self._playing_status())
        self._highlight_clock = played
        hit = session.clock.interval_at(played)
        if hit is None:
            self._highlighted = None
            self.highlighter.clear()
            return
        index = hit[0]
        char_range = session.edits.char_range(index)
        word = word_span(session.text, index)
        word_range = session.edits.span_range(*word) if word else None
        self._highlighted = index if char_range is not None else None
        self.highlighter.show(char_range, word_range)

    def _update_transport(self) -> None:
        session = self._session
        received = self.player.received_seconds()
        position = self.player.played_seconds()
        complete = session is None or session.complete or session.failed or self.player.input_complete
        total = received
        if session is not None and not complete and session.clock.covered_chars > 0:
            total = received * len(session.text) / session.clock.covered_chars
        self._transport.set_times(position, received, total, complete=complete)

    # -- editing while playing ----------------------------------------------------------------

    def _on_contents_change(self, position: int, removed: int, added: int) -> None:
        session = self._session
        if session is None:
            return
        edits = session.edits
        if removed == added and removed > 0:
            # Also what a re-highlight or format change reports: check which characters really changed.
            doc = self._editor.document()
            changed = []
            for index in edits.indices_in(position, position + removed):
                expected = session.text[index]
                if ord(expected) > 0xFFFF:
                    continue
                shown = doc.characterAt(edits.position(index))
                if (shown == "\u2029" and expected == "\n") or shown == expected:
                    continue
                changed.append(index)
            edits.invalidate(changed)
        else:
            edits.apply_change(position, removed, added)
        self._refresh()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Click-to-seek while listening (or after a failure, whose audio stays playable);
        # otherwise a click is just a click.
        if watched is self._viewport and self._session is not None and (self.is_active or self._session.failed):
            if event.type() == QEvent.Type.MouseButtonPress and isinstance(event, QMouseEvent):
                self._press_pos = event.position().toPoint() if event.button() == Qt.MouseButton.LeftButton else None
            elif event.type() == QEvent.Type.MouseButtonRelease and isinstance(event, QMouseEvent):
                pressed, self._press_pos = self._press_pos, None
                point = event.position().toPoint()
                if (
                    pressed is not None
                    and event.button() == Qt.MouseButton.LeftButton
                    and (point - pressed).manhattanLength() < 4
                    and not self._editor.textCursor().hasSelection()
                ):
                    self.seek_to_position(self._editor.cursorForPosition(point).position())
        return False

    # -- helpers -------------------------------------------------------------------------------

    def _replayable(self) -> bool:
        session = self._session
        return (
            session is not None
            and (session.complete or session.failed)
            and not session.edits.edited
            and self.player.received_seconds() > 0
        )

    def _playing_status(self) -> str:
        session = self._session
        if session is None:
            return ""
        if session.from_cache:
            return FROM_CACHE_STATUS
        return f"Playing — {session.engine_name}"

    def _report(self, error: StudioError) -> None:
        self.status.emit(f"Stopped: {error.cause}")
        self.error.emit(error)


def _plain(selected: str) -> str:
    """QTextCursor.selectedText() marks paragraph breaks with U+2029; the engine wants newlines."""
    return selected.replace("\u2029", "\n").replace("\u2028", "\n")
