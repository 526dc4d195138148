"""The window's side of project files: what a project holds of the window, putting a project
on screen, and the File menu's New / Open / Save steps with their questions.

The files themselves (saving, autosave, recovery, recent list) are ProjectController's; this
module gathers what the window shows into a Project and back, and asks the narrator. The
questions go through ``window._ask_unsaved`` and ``window._ask_save_path`` so a test can
answer them in place of the dialogs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from studio.api.models import Voice
from studio.core.project import PROJECT_SUFFIX, Project, Recovery
from studio.ui.inline_message import Tone
from studio.ui.project_controller import CloseAnswer
from studio.ui.project_dialogs import ask_project_open_path, ask_project_save_path, ask_unsaved_changes, suggested_name

if TYPE_CHECKING:
    from studio.ui.main_window import MainWindow


class WindowProject:
    def __init__(self, window: MainWindow) -> None:
        self._w = window

    # == what a project holds ====================================================================
    def snapshot(self) -> Project:
        w = self._w
        w.document.sync()  # the blocks follow the latest typing before they are saved
        state = w.settings.state()
        voice = w.voices.current_voice
        backend = w.session.backend
        return Project(
            script=w.script.editor.toPlainText(),
            engine=getattr(backend, "engine_id", None),
            voice_id=voice.voice_id if voice is not None else None,
            voice_name=voice.name if voice is not None else None,
            model_id=state.model_id,
            language_code=state.language_code,
            output_format=state.output_format,
            seed=state.seed,
            voice_settings=state.voice_settings,
            pronunciation=w.pronunciation.project_field(),
            cast=w.cast.controller.project_field(),
        ).with_document(w.document.script, w.document.text)

    def apply(self, project: Project) -> None:
        w = self._w
        w.player.clear()  # another script: what was heard and its time no longer belong on the time bar
        w.script.editor.setPlainText(project.script)
        w.script.editor.document().setModified(False)
        # Replaces the old document: its paragraphs' takes, choices and locks (New: none).
        w.document.load(project.document())
        w.pronunciation.load(project.pronunciation)
        w.cast.controller.load(project.cast)
        if project.voice_id:
            voice = Voice(voice_id=project.voice_id, name=project.voice_name or project.voice_id)
            w.engine.set_voice(voice)
            if w.session.backend is not None:
                w.engine.confirm_voice(w.session.backend, project.voice_id)
        w.settings.apply_saved(project)

    # == File menu ===============================================================================
    def new(self) -> None:
        self.after_unsaved_changes(self._w.project.new)

    def after_unsaved_changes(self, then: Callable[[], None]) -> None:
        """Run ``then`` once unsaved work is saved or discarded (Cancel: never)."""
        w = self._w
        project = w.project
        if not project.dirty or (project.path is None and not w.script.editor.toPlainText().strip()):
            then()
            return
        answer = w._ask_unsaved()
        if answer is CloseAnswer.DISCARD:
            project.discard_recovery()
            then()
        elif answer is CloseAnswer.SAVE:
            path = project.path or w._ask_save_path()
            if not path:
                return

            def on_saved(_path: str) -> None:
                project.saved.disconnect(on_saved)
                project.error.disconnect(on_failed)
                if not project.dirty:
                    then()

            def on_failed(_error: object) -> None:
                project.saved.disconnect(on_saved)
                project.error.disconnect(on_failed)

            project.saved.connect(on_saved)
            project.error.connect(on_failed)
            project.save_as(path)

    def open_dialog(self) -> None:
        path = ask_project_open_path(self._w, self.project_dir())
        if path:
            self._w.open_project(path)

    def open(self, path: str) -> None:
        self.after_unsaved_changes(lambda: self._w.project.open(path))

    def save(self) -> None:
        if not self._w.project.save():
            self.save_as_dialog()

    def save_as_dialog(self) -> None:
        path = self._w._ask_save_path()
        if path:
            self._w.project.save_as(path)

    # == questions and names =====================================================================
    def ask_save_path(self) -> str | None:
        w = self._w
        start = w.project.path or str(Path(self.project_dir()) / f"{self.file_stem()}{PROJECT_SUFFIX}")
        return ask_project_save_path(w, start)

    def ask_unsaved(self) -> CloseAnswer:
        return ask_unsaved_changes(self._w, self._w.project.display_name)

    def file_stem(self) -> str:
        """The project's name, or for a new one a name from the script's first words."""
        w = self._w
        return w.project.display_name if w.project.path else suggested_name(w.script.editor.toPlainText())

    def project_dir(self) -> str:
        recent = self._w.preferences.recent_projects
        return str(Path(recent[0]).parent) if recent else str(Path.home())

    def rebuild_recent(self) -> None:
        w = self._w
        w.recent_menu.clear()
        for path in w.preferences.recent_projects:
            action = w.recent_menu.addAction(Path(path).name)
            action.setToolTip(path)
            action.triggered.connect(lambda _checked=False, p=path: w.open_project(p))
        w.recent_menu.setEnabled(bool(w.preferences.recent_projects))

    def offer_recovery(self, recovery: Recovery) -> None:
        w = self._w
        when = dt.datetime.fromtimestamp(recovery.saved_at).strftime("%-d %b %H:%M")
        words = len(recovery.project.script.split())
        w.banner.show_message(
            f"Narration Studio closed unexpectedly. Your unsaved script ({words:,} words, kept at {when}) can be restored.",
            Tone.WARNING,
            action=("Restore", lambda: w.project.restore(recovery)),
            second_action=("Discard", w.project.discard_recovery),
        )
