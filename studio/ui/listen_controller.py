"""Listen-check in the studio: every new take is heard in the background and compared with its script.

* :meth:`ListenController.on_take` is connected to the takes Play and Export make (after the
  document has kept them). A take without a check joins a queue; one
  :class:`~studio.ui.worker.Worker` at a time runs
  :func:`studio.core.listen_check.run.check_take` (audio from the speech cache, the offline
  recogniser, the comparison), so recognition never takes more than one pool thread from
  playback and never runs on the GUI thread.
* The result is kept on the take (:meth:`ScriptDocumentController.set_listen_check`), so it
  is saved in the project and a reopened project shows its marks without hearing anything
  again; :class:`~studio.ui.listen_marks.ListenMarks` underlines the flagged words.
* Paragraph ▸ **Regenerate Flagged Paragraphs** makes a new take of exactly the unlocked
  paragraphs whose chosen take is flagged, through the player's one regenerate path.
* Paragraph ▸ **Listen-Check New Takes** turns it all off and on (a preference). Without the
  recogniser installed the action says so and names the remedy.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

from studio.cancel import CancelToken
from studio.core.cache import SpeechCache
from studio.core.listen_check import ListenCheck
from studio.core.script import Take
from studio.errors import StudioError
from studio.offline import recognizer
from studio.ui.listen_marks import ListenMarks, checked_take_flags
from studio.ui.script_document import ScriptDocumentController
from studio.ui.worker import Worker, WorkerPool

log = logging.getLogger(__name__)


def _check(token: CancelToken, take: Take, cache: SpeechCache) -> ListenCheck:
    from studio.core.listen_check.run import check_take

    return check_take(take, cache, cancel=token)


class ListenController(QObject):
    #: A message for the status bar.
    status = Signal(str)
    #: A take's listen-check arrived and was kept on it: the block id.
    checked = Signal(str)

    def __init__(
        self,
        document: ScriptDocumentController,
        marks: ListenMarks,
        pool: WorkerPool,
        cache: SpeechCache | None,
        *,
        player: Callable[[], Any],
        enabled: bool = True,
        on_enabled_changed: Callable[[bool], None] = lambda _on: None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._document = document
        self._pool = pool
        self._cache = cache
        self._player = player
        self._on_enabled_changed = on_enabled_changed
        self._queue: deque[tuple[str, Take]] = deque()
        self._running: Worker | None = None
        self._told_missing = False
        # The caller builds the marks (they need the editor and where its paragraphs are); the
        # controller only tells them when to show and to refresh.
        self.marks = marks
        marks.setParent(self)

        self.enabled_action = QAction("Listen-&Check New Takes", self)
        self.enabled_action.setCheckable(True)
        self.enabled_action.setChecked(enabled and recognizer.available())
        self.enabled_action.toggled.connect(self.set_enabled)
        self.regenerate_action = QAction("Regenerate &Flagged Paragraphs", self)
        self.regenerate_action.triggered.connect(lambda _checked=False: self.regenerate_flagged())
        if not recognizer.available():
            self.enabled_action.setEnabled(False)
            self.enabled_action.setToolTip(str(recognizer.RecognizerMissing()))
        self.marks.enabled = self.enabled
        document.changed.connect(self._refresh_action)
        self._refresh_action()
        self.marks.refresh()

    @property
    def enabled(self) -> bool:
        return self.enabled_action.isChecked()

    @property
    def busy(self) -> bool:
        return self._running is not None or bool(self._queue)

    def add_to(self, menu: QMenu) -> None:
        menu.addSeparator()
        menu.addAction(self.regenerate_action)
        menu.addAction(self.enabled_action)

    # -- hearing takes ------------------------------------------------------------------------------

    def on_take(self, block_id: str, take: Take) -> None:
        """A take Play or Export made (or chose): hear it, unless it has been heard already."""
        if not self.enabled:
            if not recognizer.available() and not self._told_missing:
                self._told_missing = True
                self.status.emit(f"Listen-check is off: {recognizer.RecognizerMissing()}")
            return
        try:
            block = self._document.script.block(block_id)
        except KeyError:
            return
        # The document may have kept it under another id (the same audio made again).
        stored = next((t for t in block.takes if t.cache_keys == take.cache_keys), None)
        if stored is None or stored.listen_check is not None:
            return
        self._enqueue(block_id, stored)

    def _enqueue(self, block_id: str, take: Take) -> None:
        if self._cache is None:
            return  # no speech cache: there is no audio to hear
        if any(t.id == take.id for _b, t in self._queue):
            return
        self._queue.append((block_id, take))
        self._pump()

    def _pump(self) -> None:
        if self._running is not None or not self._queue or self._cache is None:
            return
        block_id, take = self._queue.popleft()
        worker = Worker(_check, take, self._cache)
        self._running = worker
        worker.signals.finished.connect(lambda check, b=block_id, t=take.id: self._on_checked(b, t, check))
        worker.signals.errored.connect(self._on_failed)
        worker.signals.done.connect(lambda w=worker: self._on_done(w))
        self._pool.start(worker)

    def _on_checked(self, block_id: str, take_id: str, check: ListenCheck) -> None:
        if not self._document.set_listen_check(block_id, take_id, check):
            return  # the paragraph or take went away meanwhile
        if check.flags:
            index = self._document.script.index_of(block_id)
            self.status.emit(f"Listen-check: paragraph {index + 1} scored {check.score:.0%}; "
                             f"{len(check.flags)} flagged (underlined in the script).")
        self.checked.emit(block_id)

    def _on_failed(self, error: BaseException) -> None:
        if isinstance(error, StudioError):
            self.status.emit(f"Listen-check: {error}")
        else:
            log.warning("listen-check failed: %s", error)
            self.status.emit("Listen-check could not hear a take; the take itself is fine.")

    def _on_done(self, worker: Worker) -> None:
        if self._running is worker:
            self._running = None
        self._pump()

    def set_enabled(self, on: bool) -> None:
        if self.enabled_action.isChecked() != on:
            self.enabled_action.setChecked(on)  # emits toggled → back here
            return
        self.marks.enabled = on
        if not on:
            self._queue.clear()
            if self._running is not None:
                self._running.cancel()
        else:
            for block in self._document.script.blocks:  # what was made while it was off
                take = block.chosen_take
                if take is not None and take.listen_check is None and take.text == block.text:
                    self._enqueue(block.id, take)
        self.marks.refresh()
        self._refresh_action()
        self._on_enabled_changed(on)

    def stop(self) -> None:
        self._queue.clear()
        if self._running is not None:
            self._running.cancel()

    # -- regenerating the flagged ones ------------------------------------------------------------------

    def flagged_indices(self) -> list[int]:
        """Unlocked paragraphs whose chosen, current take has listen-check flags."""
        return [i for i, block in enumerate(self._document.script.blocks)
                if not block.locked and checked_take_flags(block)]

    def _refresh_action(self) -> None:
        count = len(self.flagged_indices()) if self.enabled else 0
        self.regenerate_action.setEnabled(count > 0)
        if not self.enabled:
            why = "Listen-check is off (Paragraph ▸ Listen-Check New Takes)."
        elif count:
            why = f"Make a new take of the {count} flagged paragraph{'s' if count != 1 else ''}."
        else:
            why = "No paragraph is flagged by the listen-check."
        self.regenerate_action.setToolTip(why)
        self.regenerate_action.setStatusTip(why)

    def regenerate_flagged(self) -> bool:
        """A new take of every flagged paragraph (only those), played as it is made."""
        self._document.sync()
        indices = self.flagged_indices()
        if not indices:
            self.status.emit("No paragraph is flagged by the listen-check.")
            return False
        blocks = self._document.script.blocks
        player = self._player()
        self.status.emit(f"Making new takes of {len(indices)} flagged paragraph{'s' if len(indices) != 1 else ''}…")
        return bool(player.play_blocks(indices, {blocks[i].id for i in indices}, what="the flagged paragraphs"))
