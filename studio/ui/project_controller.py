"""New / Open / Save / Save As / Recent, unsaved-change tracking, autosave and recovery.

The window hands over two callables — ``snapshot()`` builds a :class:`Project` from what is
on screen and ``apply(project)`` puts one back — so this controller never reaches into
widgets. Reading and writing files happens off the GUI thread, on one serial writer
(:class:`~studio.ui.worker.WriteQueue`): saves, autosaves, recovery clears and reads run in
the order they were asked for, so a later save is never overtaken by an earlier one and the
recovery copy is removed only once the save that covers it is on disk. The GUI thread only
builds the snapshot (a few strings). A save is "clean" only if nothing changed while it was
written.

Autosave writes the unsaved work to a recovery file in the state folder every
``autosave_seconds`` while there are unsaved changes. Saving, or deliberately discarding,
removes it; finding it at start-up means the studio did not close cleanly, and the window
offers the script back. Closing never waits for the disk: :meth:`ProjectController.shutdown`
queues its last clean-up behind the pending writes, and the writer finishes them even while the
process exits.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from enum import Enum
from pathlib import Path


from PySide6.QtCore import QObject, QTimer, Signal

from studio.core.preferences import Preferences
from studio.core.project import Project, ProjectMissingError, Recovery, RecoveryStore, load_project, save_project
from studio.core.serial_writer import SerialWriter
from studio.ui.worker import WorkerPool, WriteQueue

log = logging.getLogger(__name__)


class CloseAnswer(Enum):
    SAVE = "save"
    DISCARD = "discard"
    CANCEL = "cancel"


class ProjectController(QObject):
    #: The window title changed (name + "•" when unsaved).
    title_changed = Signal(str)
    dirty_changed = Signal(bool)
    #: A file could not be read or written (a StudioError).
    error = Signal(object)
    status = Signal(str)
    #: A save finished and the work is clean (carries the saved path).
    saved = Signal(str)
    #: A project was opened and applied (carries the path).
    opened = Signal(str)
    #: The recent list changed (the window rebuilds its menu and saves preferences).
    recent_changed = Signal()
    #: Unsaved work from a previous run was found (a Recovery).
    recovery_found = Signal(object)
    #: The controller is ready for the window to close (after Save / Discard).
    close_approved = Signal()

    def __init__(
        self,
        pool: WorkerPool,
        snapshot: Callable[[], Project],
        apply: Callable[[Project], None],
        recovery: RecoveryStore,
        preferences: Preferences,
        *,
        autosave_seconds: int = 30,
        writer: SerialWriter | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._pool = pool  # unused since every disk job goes through self._disk (kept: callers pass it)
        self._snapshot = snapshot
        self._apply = apply
        self.recovery = recovery
        self._preferences = preferences  # keeps the recent-projects list
        self.path: str | None = None
        self._dirty = False
        self._revision = 0  # bumps on every change
        self._autosaved_revision = 0
        self._saving = False
        self._close_after_save = False
        self._loading = False
        self._disk = WriteQueue(writer or SerialWriter("project-writes"), self)
        self._autosave = QTimer(self)
        self._autosave.setInterval(max(1, autosave_seconds) * 1000)
        self._autosave.timeout.connect(self.autosave_now)
        self._autosave.start()

    # -- state --------------------------------------------------------------------------------------
    @property
    def dirty(self) -> bool:
        return self._dirty

    @property
    def display_name(self) -> str:
        return Path(self.path).stem if self.path else "Untitled"

    def title(self) -> str:
        return f"{'• ' if self._dirty else ''}{self.display_name} — Narration Studio"

    def mark_changed(self) -> None:
        """Something in the project changed (script, voice, model or settings)."""
        if self._loading:
            return
        self._revision += 1
        self._set_dirty(True)

    def mark_clean(self) -> None:
        """What is on screen is the baseline (e.g. just restored from preferences)."""
        self._autosaved_revision = self._revision
        self._set_dirty(False, force=True)

    def set_autosave_seconds(self, seconds: int) -> None:
        self._autosave.setInterval(max(1, seconds) * 1000)

    # -- commands -----------------------------------------------------------------------------------
    def new(self) -> None:
        self._replace(Project(), None)
        self._discard_recovery()

    def adopt(self, project: Project) -> None:
        """Start a new, unsaved project holding ``project`` (an imported book): like New, but
        with work in it, so it is autosaved and asked about on close until saved."""
        self._replace(project, None)
        self._discard_recovery()
        self.mark_changed()

    def open(self, path: str) -> None:
        self.status.emit(f"Opening {Path(path).name}…")
        # In the disk queue too: opening a file just saved reads what that save wrote.
        self._disk.submit(lambda: load_project(path), lambda project: self._on_opened(path, project),
                          lambda error: self._on_open_failed(path, error))

    def save(self) -> bool:
        """Save to the current file. Returns False when there is none (the caller asks Save As)."""
        if self.path is None:
            return False
        self.save_as(self.path)
        return True

    def save_as(self, path: str) -> None:
        project = self._snapshot()
        revision = self._revision
        self._saving = True
        self.status.emit(f"Saving {Path(path).name}…")
        recovery = self.recovery

        def write() -> str:
            saved = save_project(path, project)
            # Only now, with the file on disk: every autosave queued before this save holds
            # work this save covers (later ones run after it and are kept).
            recovery.clear()
            return str(saved)

        self._disk.submit(write, lambda saved, r=revision: self._on_saved(saved, r), self._on_save_failed)

    def restore(self, recovery: Recovery) -> None:
        """Put recovered work back, unsaved (it still needs a Save)."""
        self._replace(recovery.project, recovery.source_path)  # checked to exist when read
        self._revision += 1
        self._set_dirty(True)

    def discard_recovery(self) -> None:
        self._discard_recovery()

    def check_for_recovery(self) -> None:
        """Look for work left by a previous run (in a worker); emits recovery_found."""
        store = self.recovery
        self._disk.submit(
            store.read,
            lambda found: self.recovery_found.emit(found) if found is not None and found.project.script.strip() else None,
        )

    def autosave_now(self) -> None:
        if not self._dirty or self._revision == self._autosaved_revision:
            return
        project, revision, path, store = self._snapshot(), self._revision, self.path, self.recovery

        def write() -> int:
            store.write(project, path)
            return revision

        self._disk.submit(write, self._on_autosaved, lambda error: log.warning("autosave failed: %s", error))

    def request_close(self, ask: Callable[[], CloseAnswer], ask_path: Callable[[], str | None]) -> bool:
        """True if the window may close now. With unsaved work, asks; Save closes when done."""
        if not self._dirty:
            return True
        if self.path is None and not self._snapshot().script.strip():
            self._discard_recovery()
            return True  # an untitled project with no words: nothing worth asking about
        answer = ask()
        if answer is CloseAnswer.CANCEL:
            return False
        if answer is CloseAnswer.DISCARD:
            self._discard_recovery()
            self._set_dirty(False)
            return True
        path = self.path or ask_path()
        if not path:
            return False
        self._close_after_save = True
        self.save_as(path)
        return False

    def shutdown(self) -> None:
        """At exit: stop autosaving and hand the last clean-up to the disk queue. Never waits.

        Writes in flight stay queued and are finished by the writer's thread, also while the
        process exits (it is not a daemon), so closing neither blocks the GUI nor loses a save.
        If nothing is unsaved, the recovery file is removed *after* those writes, so no
        recovery copy is left to be offered at the next start. With unsaved work (closing
        without the question, as a crash would) the recovery copy stays.
        """
        self._autosave.stop()
        if not self._dirty:
            self._discard_recovery()

    @property
    def pending_writes(self) -> int:
        """Disk jobs queued or running (for tests and the window's close)."""
        return self._disk.pending

    # -- reactions ----------------------------------------------------------------------------------
    def _replace(self, project: Project, path: str | None) -> None:
        self._loading = True
        try:
            self._apply(project)
        finally:
            self._loading = False
        self.path = path
        self._revision += 1
        self._autosaved_revision = self._revision
        self._set_dirty(False, force=True)

    def _on_opened(self, path: str, project: Project) -> None:
        path = os.path.abspath(path)  # not resolve(): that would touch the disk here
        self._replace(project, path)
        self._remember(path)
        self._discard_recovery()
        self.status.emit(f"Opened {Path(path).name}.")
        self.opened.emit(self.path)

    def _on_open_failed(self, path: str, error: BaseException) -> None:
        path = os.path.abspath(path)
        if isinstance(error, ProjectMissingError) and path in self._preferences.recent_projects:
            self._preferences.remove_recent_project(path)  # a file that is gone leaves Open Recent
            self.recent_changed.emit()
        self.status.emit("")
        self.error.emit(error)

    def _on_saved(self, saved: str, revision: int) -> None:
        self._saving = False
        self.path = saved
        self._remember(saved)
        if revision == self._revision:
            self._set_dirty(False, force=True)
            self._autosaved_revision = revision
        else:
            self.title_changed.emit(self.title())
        self.status.emit(f"Saved {Path(saved).name}.")
        self.saved.emit(saved)
        if self._close_after_save:
            self._close_after_save = False
            if not self._dirty:
                self.close_approved.emit()

    def _on_save_failed(self, error: BaseException) -> None:
        self._saving = False
        self._close_after_save = False
        self.status.emit("")
        self.error.emit(error)

    def _on_autosaved(self, revision: int) -> None:
        self._autosaved_revision = revision
        self.status.emit("Unsaved changes kept safe in case of a crash.")

    def _remember(self, path: str) -> None:
        self._preferences.add_recent_project(path)
        self.recent_changed.emit()

    def _discard_recovery(self) -> None:
        store = self.recovery
        self._disk.submit(store.clear, None,
                          lambda error: log.warning("could not remove the recovery file: %s", error))

    def _set_dirty(self, dirty: bool, *, force: bool = False) -> None:
        if dirty != self._dirty or force:
            self._dirty = dirty
            self.dirty_changed.emit(dirty)
            self.title_changed.emit(self.title())


__all__ = ["ProjectController", "CloseAnswer"]
