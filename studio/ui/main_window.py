"""The studio window: assembles the panels and wires them to their controllers.

Layout: voice browser and details (left), script (centre), voice & model settings (right),
transport bar (bottom), status bar (engine, account usage). The window receives the shared
components it needs — worker pool, engine session, preferences (and how to save them),
the recovery store, the UI-state QSettings and the speech cache — and passes each panel
only what it needs. Logic lives in the controllers; this module composes them and wires
their signals, and remembers the last voice, model and settings. Its parts live beside it:
window_layout (panels, splitters, geometry), window_menus (the menu bar, one function per
menu), window_player (transport, player, Space, listen check), window_engine (engine,
account usage, the voice on screen), window_project (what a project holds of the window;
New, Open, Save) and window_dialogs (Export, Check Timing, Account).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QMainWindow, QWidget

from studio.api.models import Subscription, Voice
from studio.core.preferences import Preferences
from studio.core.project import Project, RecoveryStore
from studio.core.pronunciation.sync_state import FILE_NAME as SYNC_FILE
from studio.core.pronunciation.sync_state import SyncState
from studio.ui import window_dialogs
from studio.ui.engine_session import EngineSession
from studio.ui.focus import FocusKeeper
from studio.ui.history_dock import attach_history, attach_library
from studio.ui.icons import app_icon
from studio.ui.inline_message import InlineMessage
from studio.ui.project_controller import CloseAnswer, ProjectController
from studio.ui.pronunciation_view import PronunciationView
from studio.ui.render_source import NotReadyError, RenderSource  # noqa: F401 - NotReadyError: tests import it here
from studio.ui.shortcuts_help import show_shortcuts_help
from studio.ui.script_counter import ScriptCounter
from studio.ui.script_document import ScriptDocumentController
from studio.ui.script_editor import ScriptEditor
from studio.ui.settings_controller import SettingsController
from studio.ui.settings_panel import SettingsPanel
from studio.ui.status_bar import StudioStatusBar
from studio.ui.takes_view import TakesView
from studio.ui.voice_browser import VoiceBrowser
from studio.ui.voice_browser_controller import VoiceBrowserController
from studio.ui.voice_details import VoiceDetails
from studio.ui.window_engine import WindowEngine
from studio.ui.window_layout import compose_central, restore_layout, save_layout
from studio.ui.window_menus import build_menus
from studio.ui.window_player import attach_listen_check, attach_player
from studio.ui.window_project import WindowProject
from studio.ui.outline_controller import ContextEntry, attach_outline
from studio.ui.window_queue import attach_render_queue
from studio.ui.worker import WorkerPool

if TYPE_CHECKING:
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QMenu, QSplitter

    from studio.core.cache import SpeechCache
    from studio.ui.account_dialog import AccountChoice
    from studio.ui.audio_tag_insert import AudioTagPalette
    from studio.ui.library_panel import VoiceTabs
    from studio.ui.listen_controller import ListenController
    from studio.ui.pause_insert import PauseInserter
    from studio.ui.playback_keys import PlaybackKeys
    from studio.ui.player_controller import PlayerController
    from studio.ui.transport_bar import TransportBar
    from studio.ui.undo_actions import UndoSteps
    from studio.ui.window_layout import WindowMinimum

log = logging.getLogger(__name__)


class MainWindow(QMainWindow):
    # Set by window_layout.compose_central and window_menus.build_menus; tests and the F1 help read them.
    left: QSplitter
    splitter: QSplitter
    transport_slot: QWidget
    window_minimum: WindowMinimum
    recent_menu: QMenu
    undo_steps: UndoSteps
    pauses: PauseInserter
    new_action: QAction
    open_action: QAction
    save_action: QAction
    save_as_action: QAction
    export_action: QAction
    import_recording_action: QAction
    import_book_action: QAction
    account_action: QAction
    quit_action: QAction
    undo_action: QAction
    redo_action: QAction
    find_action: QAction
    insert_pause_action: QAction
    audio_tags: AudioTagPalette
    history_action: QAction
    rebuild_action: QAction
    voice_tabs: VoiceTabs
    add_to_queue_action: QAction
    export_chapters_action: QAction
    render_queue_action: QAction
    search_action: QAction
    play_action: QAction
    play_selection_action: QAction
    play_cursor_action: QAction
    pause_action: QAction
    stop_action: QAction
    timing_qa_action: QAction
    # Set by window_player.
    playback_keys: PlaybackKeys
    listen: ListenController

    def __init__(
        self,
        *,
        pool: WorkerPool,
        session: EngineSession,
        preferences: Preferences,
        save_preferences: Callable[[Preferences], object],
        recovery: RecoveryStore,
        ui_state: QSettings,
        cache: SpeechCache | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setWindowIcon(app_icon())
        self.pool = pool
        self.session = session
        self.preferences = preferences
        self._save_preferences = save_preferences
        self._ui_state = ui_state
        self._cache = cache
        self._closing = False
        self.engine = WindowEngine(self)  # engine, account usage and the voice on screen
        self._subscription: Subscription | None = None
        self.player: PlayerController
        self.transport: TransportBar

        # -- views ---------------------------------------------------------------------------------
        self.browser = VoiceBrowser()
        self.details = VoiceDetails()
        self.script = ScriptEditor()
        self.settings_panel = SettingsPanel()
        self.banner = InlineMessage()
        self.banner.setAccessibleName("Notice")
        self.status = StudioStatusBar()
        self.setStatusBar(self.status)

        # -- takes (issue 10): the script document, its gutter, the Paragraph menu, locked edits --------
        self.document = ScriptDocumentController(self.script.editor, self)
        self.takes = TakesView(
            self.script, self.document, player=lambda: self.player, parent=self,
            voice_name=lambda voice_id: getattr(self.voices.model.voice_at(self.voices.model.row_of(voice_id)),
                                                "name", None),
        )
        self.takes.status.connect(lambda text: self.status.showMessage(text, 6000))
        self.document.takes_changed.connect(lambda _block_id: self.project.mark_changed())  # takes are work too

        compose_central(self)  # the panels, the splitters, the banner and the transport slot

        # -- controllers -------------------------------------------------------------------------
        self.voices = VoiceBrowserController(self.browser, self.details, pool, preferences, self)
        self.settings = SettingsController(self.settings_panel, pool, self)
        # How the window would speak now (Play, Export, the counter): see render_source.
        self.render_source = RenderSource(session, self.voices, self.settings, lambda: self._subscription)
        self.render_source.sync_state = SyncState(recovery.path.parent / SYNC_FILE)  # beside the recovery file
        # The counter shows what the one plan will spend (planned in a worker).
        self.counter = ScriptCounter(self.script, self.document, pool, self.render_source.current, cache, self)
        self.voices.voice_chosen.connect(lambda _voice: self.counter.refresh())  # another voice: other keys
        # Pronunciation (issue 12): the project's rules, Tools ▸ Pronunciation…, "Pronounce as…".
        self.pronunciation = PronunciationView(self.script, self.document, pool, self.render_source, cache, self)
        self.pronunciation.status.connect(lambda text: self.status.showMessage(text, 8000))
        self.settings.model_changed.connect(lambda _m: self.pronunciation.model_changed())
        # File ▸ Import Recording: the narrator's own take of the script (issue 15).
        from studio.ui.recording_import import RecordingImportController

        self.recordings = RecordingImportController(
            self, pool, self.document, lambda: self.session.backend, cache, self.script.message,
            directory=lambda: str(Path(self.project.path).parent) if self.project.path else self.files.project_dir(),
        )
        # The cast (issue 11): Paragraph ▸ Speaker, the gutter's speakers, View ▸ Cast.
        from studio.ui.cast_view import CastView

        self.cast = CastView(self, self.script, self.takes, self.document, pool, self.render_source.current, cache,
                             voices=lambda: self.voices.model.voices, project_settings=self.settings.voice_settings)
        self.render_source.cast = lambda: self.cast.controller.cast
        self.cast.status.connect(lambda text: self.status.showMessage(text, 6000))
        self.voices.model.page_loaded.connect(self.cast.panel.voices_changed)
        # File ▸ Import Book: a manuscript or e-book becomes a chaptered script (issue 13, studio/ui/book_import.py).
        from studio.ui.book_import import BookImportController

        self.books = BookImportController(
            self, pool, self.script.message,
            lambda script: self.project.adopt(self.files.snapshot().with_document(script)),
            directory=lambda: str(Path(self.project.path).parent) if self.project.path else self.files.project_dir(),
        )
        self.files = WindowProject(self)  # what a project holds of the window; New, Open, Save
        self.project = ProjectController(
            pool, self.files.snapshot, self.files.apply, recovery, preferences,
            autosave_seconds=preferences.autosave_seconds, parent=self,
        )
        self.pronunciation.changed.connect(self.project.mark_changed)  # rules are work too (autosaved) ...
        self.pronunciation.changed.connect(self.counter.refresh)  # ... and change what is to be made
        self.pronunciation.loaded.connect(self.counter.refresh)
        self.cast.changed.connect(self.project.mark_changed)  # speakers and voices are work too ...
        self.cast.changed.connect(self.counter.refresh)  # ... and change what is to be made
        self._prefs_timer = QTimer(self)
        self._prefs_timer.setSingleShot(True)
        self._prefs_timer.setInterval(400)
        self._prefs_timer.timeout.connect(self._store_preferences)

        # History (issue 14): a dock with its own controller.
        self.history_dock, self.history = attach_history(self)
        self.library = attach_library(self)
        self.render_queue = attach_render_queue(self)  # issue 13.6: a dock and its controller

        # The outline (issue 13): chapters to jump to, rename, reorder; the Chapter menu. Before the
        # menus: Edit ▸ Undo takes its chapter steps in turn with the text's (chapter_edits).
        self.outline = attach_outline(self)
        self.outline.context_entries.append(ContextEntry(
            "&Queue for Export…", lambda chapter_id: self.render_queue.queue_chapters([chapter_id])))
        self._wire()
        build_menus(self)
        attach_player(self)  # after the menus: see window_player
        self.outline.follow(self.player)
        attach_listen_check(self)
        self.focus_keeper = FocusKeeper(self, self.script.editor)
        self._restore_ui_state()
        self._restore_preferences()
        self.setWindowTitle(self.project.title())
        self.script.editor.setFocus(Qt.FocusReason.OtherFocusReason)

    # == wiring ==================================================================================
    def _wire(self) -> None:
        self.engine.wire()  # the session's news, the voice chosen, the first voice listed
        self.voices.preferences_changed.connect(self._prefs_timer.start)
        self.settings.model_changed.connect(lambda _m: self._update_counter())
        self.settings.changed.connect(self._on_settings_changed)

        self.script.editor.document().contentsChanged.connect(self.project.mark_changed)
        self.script.zoom_changed.connect(self._on_zoom)
        self.project.title_changed.connect(self.setWindowTitle)
        self.project.error.connect(lambda error: self.script.message.show_error(error))
        self.project.status.connect(lambda text: self.status.showMessage(text, 4000) if text else None)
        self.project.recent_changed.connect(self._rebuild_recent)
        self.project.recent_changed.connect(self._prefs_timer.start)
        self.project.recovery_found.connect(self.files.offer_recovery)
        self.project.close_approved.connect(self.close)

    # == what to speak ===========================================================================
    def _play(self) -> None:
        self.script.message.hide()
        self.player.play()

    def _play_selection(self) -> None:
        self.player.play_selection()

    def _play_from_cursor(self) -> None:
        self.player.play_from_cursor()

    def _toggle_pause(self) -> None:
        self.player.toggle_pause()

    def _stop(self) -> None:
        self.player.stop()

    # == engine ==================================================================================
    def start_engine(self) -> None:
        self.status.show_engine("Starting…")
        self.session.start(self.preferences.engine, self.preferences.base_url)

    # == dialogs (see window_dialogs) ============================================================
    def open_export(self) -> None:
        window_dialogs.open_export(self)

    def open_timing_qa(self) -> None:
        window_dialogs.open_timing_qa(self)

    def open_account(self) -> None:
        window_dialogs.open_account(self)

    def apply_account(self, choice: AccountChoice) -> None:
        window_dialogs.apply_account(self, choice)

    # == voices and settings =====================================================================
    def _on_settings_changed(self) -> None:
        self._update_counter()
        self.project.mark_changed()
        self._prefs_timer.start()

    def _update_counter(self) -> None:
        self.counter.refresh()

    def _on_zoom(self, steps: int) -> None:
        self.preferences.editor_zoom = steps
        self._prefs_timer.start()

    # == projects (see window_project) ==========================================================
    def _snapshot(self) -> Project:
        return self.files.snapshot()

    def new_project(self) -> None:
        self.files.new()

    def open_project_dialog(self) -> None:
        self.files.open_dialog()

    def open_project(self, path: str) -> None:
        self.files.open(path)

    def save_project(self) -> None:
        self.files.save()

    def save_project_as_dialog(self) -> None:
        self.files.save_as_dialog()

    def _ask_save_path(self) -> str | None:  # a test answers in place of the dialog
        return self.files.ask_save_path()

    def _ask_unsaved(self) -> CloseAnswer:  # a test answers in place of the dialog
        return self.files.ask_unsaved()

    def _rebuild_recent(self) -> None:
        self.files.rebuild_recent()

    # == help ====================================================================================
    def show_shortcuts(self) -> None:
        show_shortcuts_help(self)

    def open_rebuild(self) -> None:
        from studio.ui.history_rebuild import RebuildDialog

        RebuildDialog(self.history, self).open()

    def show_about(self) -> None:
        from studio.ui.about_dialog import AboutDialog

        AboutDialog(self.pool, self).open()

    # == state ===================================================================================
    def _restore_ui_state(self) -> None:
        restore_layout(self, self._ui_state)

    def save_ui_state(self) -> None:
        save_layout(self, self._ui_state)

    def _restore_preferences(self) -> None:
        prefs = self.preferences
        if prefs.voice_id:
            self.engine.set_voice(Voice(voice_id=prefs.voice_id, name=prefs.voice_name or prefs.voice_id))
        self.settings.apply_saved(prefs)
        self.script.set_zoom(prefs.editor_zoom)
        self.project.mark_clean()  # restoring preferences is not an edit

    def _store_preferences(self) -> object:
        prefs = self.preferences
        state = self.settings.state()
        if state.model_id:
            prefs.model_id = state.model_id
            if self.session.backend is not None and self.settings.current_model() is not None:
                prefs.remember_for_engine(self.session.backend.engine_id, model_id=state.model_id)
        prefs.language_code = state.language_code
        prefs.output_format = state.output_format
        prefs.seed = state.seed
        prefs.voice_settings = state.voice_settings
        return self._save_preferences(prefs)

    # == events ==================================================================================
    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._closing and not self.project.request_close(self._ask_unsaved, self._ask_save_path):
            event.ignore()
            return
        self._closing = True
        self.save_ui_state()
        # Nothing here waits (a slow disk or a stream must not freeze the closing window): the
        # preferences and the project's last writes are queued on serial writers whose thread
        # finishes them even while the process exits; playback and other work are cancelled
        # and end on their own (run_app waits for the pool only once the window is gone).
        self._store_preferences()
        self.shutdown()
        event.accept()

    def shutdown(self) -> None:
        """Stop timers, playback and background work started by this window."""
        self._prefs_timer.stop()
        self.project.shutdown()
        self.pronunciation.shutdown()
        self.cast.shutdown()
        self.voices.shutdown()
        self.recordings.cancel()
        self.listen.stop()
        self.history.cancel_all()
        self.library.shutdown()
        self.render_queue.shutdown()
        self.player.shutdown()
