"""Listening to the script, paragraph by paragraph: plays it, and lights up the words as they sound.

The controller holds the logic (DESIGN.md §7); the widgets it is given hold none:

* The paragraph (block) is the unit. Play hears every block; Play Selection the blocks the
  selection touches; Play from Cursor the blocks from the one at the cursor to the end;
  :meth:`play_blocks` any of them, and :meth:`regenerate_block` a new take of one.
* Play asks ``inputs()`` how to speak (a StudioError if it cannot yet), opens the sound output
  first (no device → a clear message and not a credit spent), then runs
  :func:`studio.playback.stream_job.play_job` on the worker pool with a snapshot of the
  window's :class:`~studio.ui.script_document.ScriptDocumentController`. The job goes
  through the one render plan, so what was heard once is never paid for again, by Play or
  Export; the takes it makes come back as :attr:`take_made` for the document.
* Audio flows once and is stored once: worker → the take (``PcmBuffer``, bounded: the worker
  waits, e.g. while paused) → :class:`PcmPlayer` (the GUI-thread feeder) → QAudioSink;
  timings: worker → queued signal → :class:`~studio.ui.play_session.PlaySession`; a timer
  lights the word at the audio clock (:mod:`studio.ui.player_highlight`).
* The time bar moves the play position, also while stopped: ▶ then plays from there, from
  the audio already made when the text is unchanged.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Collection, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QPlainTextEdit

from studio.errors import StudioError
from studio.playback.pcm_buffer import PcmBuffer
from studio.playback.pcm_player import NoAudioOutputError, PcmPlayer, PlayerState, audio_output_available
from studio.playback.stream_job import (
    BlockStarted,
    PlayPlanned,
    StreamEnded,
    StreamProgress,
    TakeMade,
    pcm_sample_rate,
    play_job,
)
from studio.ui.play_choices import ParagraphLockedError, PlaybackFailedError, nothing_to_play, resume_from
from studio.ui.play_session import FROM_CACHE_STATUS, PlaySession
from studio.ui.player_highlight import PlayerHighlight
from studio.ui.transport_bar import TransportBar
from studio.ui.worker import Worker, WorkerPool

if TYPE_CHECKING:
    from studio.core.alignment_clock import AlignmentClock
    from studio.core.cache import SpeechCache
    from studio.core.render_inputs import RenderInputs
    from studio.ui.script_document import ScriptDocumentController

log = logging.getLogger(__name__)

__all__ = ["FROM_CACHE_STATUS", "ParagraphLockedError", "PlaybackFailedError", "PlayerController"]


class PlayerController(QObject):
    #: A StudioError to show the person.
    error = Signal(object)
    #: A short line for the status bar.
    status = Signal(str)
    #: (block id, Take): a take this Play made or chose; the window adds it to its document.
    take_made = Signal(str, object)

    HIGHLIGHT_INTERVAL_MS = 10

    def __init__(
        self,
        editor: QPlainTextEdit,
        transport: TransportBar,
        pool: WorkerPool,
        inputs: Callable[[], RenderInputs],
        document: ScriptDocumentController,
        cache: SpeechCache | None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._editor = editor
        self._transport = transport
        self._pool = pool
        self._inputs = inputs
        self.document = document
        self._cache = cache
        self._session: PlaySession | None = None

        self.player = PcmPlayer(self)
        self.view = PlayerHighlight(editor, self.player, lambda: self._session, self)
        self.highlighter = self.view.highlighter
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(self.HIGHLIGHT_INTERVAL_MS)
        self._timer.timeout.connect(self._refresh)
        self._due = QTimer(self)
        self._due.setTimerType(Qt.TimerType.PreciseTimer)
        self._due.setSingleShot(True)
        self._due.timeout.connect(self._refresh_highlight)

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
        self.view.seek_to.connect(self.seek)
        self.view.note.connect(self.status)
        self.view.starved_changed.connect(self._on_starved)

    # -- what to play ----------------------------------------------------------------------

    @Slot()
    def play(self) -> None:
        """Hear the whole script, paragraph by paragraph."""
        self.document.sync()
        self.play_blocks(range(len(self.document.script.blocks)), what="the script")

    @Slot()
    def play_selection(self) -> None:
        """Hear the paragraphs the selection touches (whole paragraphs: the paragraph is the unit)."""
        cursor = self._editor.textCursor()
        if not cursor.hasSelection():
            self.play_from_cursor()
            return
        self.document.sync()
        # The paragraphs that share a character with the selection [start, end).
        touched = self.document.indices_between(cursor.selectionStart() + 1, cursor.selectionEnd() - 1)
        self.play_blocks(touched, what="the selected paragraphs")

    @Slot()
    def play_from_cursor(self) -> None:
        """Hear from the paragraph at the cursor to the end."""
        self.document.sync()
        first = self.document.index_at(self._editor.textCursor().position())
        blocks = len(self.document.script.blocks)
        self.play_blocks(range(first, blocks) if first is not None else [], what="the script from the cursor")

    def play_blocks(self, indices: Sequence[int] | range, regenerate: Collection[str] = frozenset(),
                    *, what: str = "these paragraphs", start_at: float = 0.0) -> bool:
        """Hear blocks ``indices`` of the document in order; ``regenerate``: ids of blocks to make
        a new take of. True if playback started."""
        self.document.sync()
        script = self.document.script
        indices = [i for i in indices if 0 <= i < len(script.blocks)]
        reason = nothing_to_play(script, indices, what)
        if reason is not None:
            self.status.emit(reason)
            return False
        return self._start(indices, frozenset(regenerate), start_at)

    def regenerate_block(self, index: int) -> bool:
        """A new take of paragraph ``index`` (exactly its requests), played at once; it becomes the
        chosen take. A locked paragraph keeps its take: the person is told how to unlock it."""
        self.document.sync()
        blocks = self.document.script.blocks
        if not 0 <= index < len(blocks):
            return False
        block = blocks[index]
        if block.locked:
            self._report(ParagraphLockedError(index + 1))
            return False
        return self.play_blocks([index], {block.id}, what=f"paragraph {index + 1}")

    def clear(self) -> None:
        """Another script (File ▸ New): forget what was heard; the time bar goes back to nothing."""
        self.stop()
        self._session = None
        self.player.load(self.player.sample_rate)
        self.view.clear()
        self._update_transport()
        self.status.emit("")

    # -- transport -------------------------------------------------------------------------

    @Slot()
    def toggle_pause(self) -> None:
        state = self.player.state
        if state is PlayerState.PLAYING:
            self.player.pause()
            self.status.emit("Paused")
            return
        if state is PlayerState.PAUSED:
            if self.player.play():
                self.status.emit(self._playing_status())
            return
        session = self._session
        position = self.player.played_seconds()
        if position >= self.player.received_seconds() - 0.05:
            position = 0.0  # at the end (finished): from the start
        if session is not None and session.replayable(self.player.received_seconds()):
            # Audio already here (finished, or a stream that failed part-way): play it again, free.
            if self.player.play(position):
                self.status.emit("Playing again — no credits used")
                self._timer.start()
        elif session is not None and position > 0:  # the person put the position there
            self.document.sync()
            indices, start_at = resume_from(session, self.document.script, position)
            self.play_blocks(indices, start_at=start_at)
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
        self.view.clear()
        self._update_transport()
        if was_running:
            self.status.emit("Stopped")

    @Slot(float)
    def seek(self, seconds: float) -> None:
        if self._session is None:
            return
        if self.player.state is PlayerState.STOPPED:
            self.view.cued = True  # ▶ starts there: show the word it starts with
        self.player.seek(seconds)
        self._refresh()

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

    # -- for the window, tests and benchmarks ------------------------------------------------

    @property
    def is_active(self) -> bool:
        return self.player.state is not PlayerState.STOPPED

    @property
    def highlighted_index(self) -> int | None:
        """Index into the session's text (the document at Play) of the character now highlighted."""
        return self.view.highlighted

    @property
    def highlight_clock(self) -> float:
        """The audio clock (seconds) at which the highlight now shown was chosen."""
        return self.view.chosen_at

    @property
    def session(self) -> PlaySession | None:
        return self._session

    @property
    def clock(self) -> AlignmentClock | None:
        return self._session.clock if self._session is not None else None

    @property
    def session_worker(self) -> Worker | None:
        return self._session.worker if self._session is not None else None

    # -- starting ----------------------------------------------------------------------------

    def _start(self, indices: list[int], regenerate: frozenset[str], start_at: float) -> bool:
        self.stop()
        # Before anything costs credits: is there anywhere to play it?
        if not audio_output_available():
            self._report(NoAudioOutputError())
            return False
        try:
            inputs = self._inputs()
            rate = pcm_sample_rate(inputs.settings.output_format)
        except StudioError as exc:
            self._report(exc)
            return False
        except Exception as exc:  # noqa: BLE001 - a bug in describing the speech must not kill the GUI
            log.warning("could not describe the speech to play", exc_info=True)
            self._report(PlaybackFailedError(type(exc).__name__))
            return False
        document = self.document
        session = PlaySession.of(document.text, document.spans(), document.script, indices, inputs, start_at)
        buffer = session.buffer
        self._session = session
        self.player.load(rate, buffer)
        if not self.player.play(start_at):
            self._session = None
            self.player.end_input()  # nothing will stream in: let the feeder timer stop
            return False  # the player has reported why
        worker = Worker(play_job, inputs, document.snapshot(), indices, buffer, self._cache,
                        regenerate=regenerate, rate_agreed=session.rate_agreed)
        session.worker = worker
        worker.signals.yielded.connect(lambda event, s=session: self._on_event(s, event))
        worker.signals.errored.connect(lambda exc, s=session: self._on_failed(s, exc))
        worker.signals.done.connect(lambda s=session: self._on_worker_done(s))
        self._pool.start(worker)
        if session.rate_agreed is not None:  # the engine is starting: the worker waits for it
            self.status.emit(f"{session.engine_name} is still starting; playing as soon as it is ready…")
        else:
            self.status.emit(f"{session.engine_name}: preparing speech…")
        self._timer.start()
        self._update_transport()
        return True

    # -- from the worker ---------------------------------------------------------------------

    def _on_event(self, session: PlaySession, event: object) -> None:
        if isinstance(event, TakeMade):
            # A take is a fact whatever happened to the Play since: the document keeps it.
            self.take_made.emit(event.block_id, event.take)
            return
        if session is not self._session:
            return  # a stopped session's last words
        if isinstance(event, StreamProgress):
            session.add_progress(event)
            self.player.feed_now()
        elif isinstance(event, BlockStarted):
            session.block_started(event)
        elif isinstance(event, PlayPlanned):
            self._on_planned(session, event)
        elif isinstance(event, StreamEnded):
            session.complete = True
            self.player.end_input()
            self._update_transport()

    def _on_planned(self, session: PlaySession, planned: PlayPlanned) -> None:
        session.planned = planned
        session.engine_name = planned.engine_name
        if planned.sample_rate != self.player.sample_rate:
            # The engine that started speaks at another rate than the one asked for: nothing has
            # arrived yet, so the output starts again at the right one before any request.
            self.player.load(planned.sample_rate, session.buffer)
            if not self.player.play(session.start_at):
                if session.worker is not None:
                    session.worker.cancel()
                return
        if session.rate_agreed is not None:
            session.rate_agreed.set()
        self.status.emit(self._playing_status())

    def _on_failed(self, session: PlaySession, exc: object) -> None:
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

    def _on_worker_done(self, session: PlaySession) -> None:
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
        self.view.clear()
        self._update_transport()
        session = self._session
        self.status.emit("Finished — played from cache, no credits used" if session is not None and session.from_cache
                         else "Finished")

    def _on_starved(self, starved: bool) -> None:
        session = self._session
        if session is not None:
            self.status.emit(f"Waiting for audio from {session.engine_name}…" if starved else self._playing_status())

    # -- the highlight and the time bar ----------------------------------------------------------

    @Slot()
    def _refresh(self) -> None:
        self._update_transport()
        self._refresh_highlight()

    @Slot()
    def _refresh_highlight(self) -> None:
        self.view.refresh()
        # Wake again when the next character starts, if that comes before the next tick: the
        # highlight then changes within a millisecond of the sound instead of up to a tick late.
        # Only the highlight: the time bar repaints at the tick's pace.
        due = self.view.due_in() if self._timer.isActive() else None
        if due is not None and due * 1000 < self.HIGHLIGHT_INTERVAL_MS:
            self._due.start(max(1, math.ceil(due * 1000)))

    def _update_transport(self) -> None:
        session = self._session
        received = self.player.received_seconds()
        position = self.player.played_seconds()
        complete = session is None or session.complete or session.failed or self.player.input_complete
        total = received if complete or session is None else session.estimated_total(received)
        self._transport.set_times(position, received, total, complete=complete)

    # -- helpers -------------------------------------------------------------------------------

    def _playing_status(self) -> str:
        return self._session.playing_status if self._session is not None else ""

    def _report(self, error: StudioError) -> None:
        self.status.emit(f"Stopped: {error.cause}")
        self.error.emit(error)


