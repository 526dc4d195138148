"""The player's side of the editor: the word lit as it sounds, edits followed, clicks that seek.

:class:`PlayerHighlight` belongs to :class:`~studio.ui.player_controller.PlayerController`:

* :meth:`refresh` (on the controller's timer while playing) reads the audio clock — what has
  actually been heard — and shows the character and word of the
  :class:`~studio.ui.play_session.PlaySession` spoken at that instant; :meth:`due_in` says
  when the next character starts, so the controller can refresh right then instead of up to
  a timer period late (a fixed 10 ms cadence showed each word 5 ms late on average). While paused it stays
  on the paused word; after the person moved the position while stopped it shows the word
  ▶ will start at (:attr:`cued`);
* it follows the document's edits into the session's
  :class:`~studio.core.edit_map.EditMap`, so a highlight never lands on text that changed;
* clicking a word that has already been heard or generated seeks to it (:attr:`seek_to`).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QPlainTextEdit

from studio.core.alignment_clock import word_span
from studio.playback.pcm_player import PcmPlayer, PlayerState
from studio.ui.highlight import SpeechHighlighter
from studio.ui.play_session import PlaySession


class PlayerHighlight(QObject):
    #: Seconds of the track to jump to (a click on a word already heard or generated).
    seek_to = Signal(float)
    #: Playing faster than the audio arrives (True), or caught up again (False).
    starved_changed = Signal(bool)
    #: A short note for the status bar.
    note = Signal(str)

    def __init__(self, editor: QPlainTextEdit, player: PcmPlayer, session: Callable[[], PlaySession | None],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._editor = editor
        self._player = player
        self._session = session
        self.highlighter = SpeechHighlighter(editor, self)
        #: Index into the session's text of the character now highlighted (None if none).
        self.highlighted: int | None = None
        #: The audio clock the highlight now shown was chosen for.
        self.chosen_at = 0.0
        #: Stopped, with a position the person chose: show the word there.
        self.cued = False
        self._starved = False
        self._press_pos: QPoint | None = None
        editor.document().contentsChange.connect(self._on_contents_change)
        self._viewport = editor.viewport()
        self._viewport.installEventFilter(self)

    def clear(self) -> None:
        self.cued = False
        self.highlighted = None
        self.highlighter.clear()

    def refresh(self) -> None:
        """Show the character and word at the audio clock."""
        session = self._session()
        if session is None:
            return
        player = self._player
        if player.state is PlayerState.STOPPED and not (session.failed or self.cued):
            return
        played = player.played_seconds()
        received = player.received_seconds()
        starved = (player.state is PlayerState.PLAYING and not player.input_complete
                   and played >= received - 0.02 and received > 0)
        if starved != self._starved:
            self._starved = starved
            self.starved_changed.emit(starved)
        self.chosen_at = played
        index = session.lit_at(played)
        if index is None:
            self.highlighted = None
            self.highlighter.clear()
            return
        char_range, word_range = session.ranges(index)
        self.highlighted = index if char_range is not None else None
        self.highlighter.show(char_range, word_range)

    def due_in(self) -> float | None:
        """Seconds of audio until the highlight must change next (None if nothing is known)."""
        session = self._session()
        if session is None or self._player.state is not PlayerState.PLAYING:
            return None
        upcoming = session.clock.next_change_after(self.chosen_at)
        return None if upcoming is None else max(0.0, upcoming - self.chosen_at)

    def seek_to_position(self, doc_position: int) -> bool:
        """Seek to the word at a document position, if it has been generated. True if it did."""
        session = self._session()
        if session is None:
            return False
        index = session.heard_index_at(doc_position)
        if index is None:
            return False
        span = word_span(session.text, index)
        seconds = session.clock.start_of(span[0] if span else index)
        if seconds is None or seconds > self._player.received_seconds():
            self.note.emit("That part has not been generated yet")
            return False
        self.seek_to.emit(seconds)
        return True

    # -- editing while playing ----------------------------------------------------------------

    def _on_contents_change(self, position: int, removed: int, added: int) -> None:
        session = self._session()
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
        self.refresh()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Click-to-seek while listening (or after a failure, whose audio stays playable);
        # otherwise a click is just a click.
        session = self._session()
        if watched is self._viewport and session is not None and (
            self._player.state is not PlayerState.STOPPED or session.failed
        ):
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
