"""The studio window: assembles the panels and wires them to their controllers.

Layout: voice browser and details (left), script (centre), voice & model settings (right),
transport bar (bottom), status bar (engine, account usage). The window receives the shared
components it needs — worker pool, engine session, preferences (and how to save them),
the recovery store, the UI-state QSettings and the speech cache — and passes each panel
only what it needs. Logic lives in the controllers; this module wires signals, menus and
shortcuts, and remembers window geometry, splitters and the last voice, model and settings.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QMainWindow,
    QMenu,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from studio.api.models import Subscription, Voice
from studio.cancel import CancelToken
from studio.core.preferences import Preferences
from studio.core.project import PROJECT_SUFFIX, Project, Recovery, RecoveryStore
from studio.core.pronunciation.sync_state import FILE_NAME as SYNC_FILE
from studio.core.pronunciation.sync_state import SyncState
from studio.ui.engine_session import EngineSession, EngineStarted
from studio.ui.focus import FocusKeeper
from studio.ui.icons import app_icon
from studio.ui.inline_message import InlineMessage, Tone
from studio.ui.audio_tag_insert import AudioTagPalette
from studio.ui.pause_insert import PauseInserter
from studio.ui.playback_keys import PLAY_PAUSE_KEY, PlaybackKeys
from studio.ui.history_dock import attach_history, attach_library
from studio.ui.library_panel import VoiceTabs
from studio.ui.project_controller import CloseAnswer, ProjectController
from studio.ui.project_dialogs import ask_project_open_path, ask_project_save_path, ask_unsaved_changes, suggested_name
from studio.ui.pronunciation_view import PronunciationView
from studio.ui.render_source import NotReadyError, RenderSource
from studio.ui.shortcuts_help import show_shortcuts_help
from studio.ui.script_counter import ScriptCounter
from studio.ui.script_document import ScriptDocumentController
from studio.ui.script_editor import ScriptEditor
from studio.ui.settings_controller import SettingsController, SettingsState
from studio.ui.settings_panel import SettingsPanel
from studio.ui.status_bar import StudioStatusBar
from studio.ui.takes_view import TakesView
from studio.ui.undo_actions import UndoSteps
from studio.ui.voice_browser import VoiceBrowser
from studio.ui.voice_browser_controller import VoiceBrowserController
from studio.ui.voice_details import VoiceDetails
from studio.ui.window_layout import WindowMinimum, side_scroll
from studio.ui.worker import Worker, WorkerPool

if TYPE_CHECKING:
    from studio.core.backend import SynthesisBackend
    from studio.core.cache import SpeechCache
    from studio.ui.account_dialog import AccountChoice
    from studio.ui.player_controller import PlayerController
    from studio.ui.transport_bar import TransportBar

log = logging.getLogger(__name__)


class MainWindow(QMainWindow):
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
        self._auto_choosing = False
        self._voice_engine: str | None = None  # the engine the voice on screen was chosen with
        self._tier: str | None = None  # the account's plan, once known
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

        self.left = QSplitter(Qt.Orientation.Vertical)
        self.left.setObjectName("leftSplitter")
        self.voice_tabs = VoiceTabs(self.browser)  # "My voices" | "Library" (issue 14)
        self.left.addWidget(self.voice_tabs)
        details_scroll = side_scroll(self.details)  # a long description scrolls rather than being cut
        self.left.addWidget(details_scroll)
        self.left.setStretchFactor(0, 3)
        self.left.setStretchFactor(1, 1)
        self.left.setChildrenCollapsible(False)
        self.left.setSizes([460, 240])
        settings_scroll = side_scroll(self.settings_panel)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.left)
        self.splitter.addWidget(self.script)
        self.splitter.addWidget(settings_scroll)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 4)
        self.splitter.setStretchFactor(2, 2)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([300, 560, 300])

        central = QWidget()
        self._central_layout = QVBoxLayout(central)
        self._central_layout.setContentsMargins(4, 4, 4, 0)
        self._central_layout.addWidget(self.banner)
        self._central_layout.addWidget(self.splitter, 1)
        self.transport_slot = QWidget()
        self.transport_slot.setObjectName("transportSlot")
        QVBoxLayout(self.transport_slot).setContentsMargins(0, 0, 0, 0)
        self._central_layout.addWidget(self.transport_slot)
        self.setCentralWidget(central)
        # The window's minimum: side panels as wide as their lists' text, room for a wrapped banner.
        self.window_minimum = WindowMinimum(self, self.banner, [settings_scroll, details_scroll])

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
            directory=lambda: str(Path(self.project.path).parent) if self.project.path else self._project_dir(),
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
            lambda script: self.project.adopt(self._snapshot().with_document(script)),
            directory=lambda: str(Path(self.project.path).parent) if self.project.path else self._project_dir(),
        )
        self.project = ProjectController(
            pool, self._snapshot, self._apply_project, recovery, preferences,
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

        self._wire()
        self._build_menus()
        self._attach_player()
        self._attach_listen_check()
        self.focus_keeper = FocusKeeper(self, self.script.editor)
        self._restore_ui_state()
        self._restore_preferences()
        self.setWindowTitle(self.project.title())
        self.script.editor.setFocus(Qt.FocusReason.OtherFocusReason)

    # == wiring ==================================================================================
    def _wire(self) -> None:
        session = self.session
        session.started.connect(self._on_engine_started)
        session.status.connect(lambda text: self.status.showMessage(text, 5000))
        session.error.connect(self._on_engine_error)
        session.subscription_changed.connect(self._on_subscription)
        session.subscription_failed.connect(self._on_subscription_failed)

        self.voices.voice_chosen.connect(self._on_voice_chosen)
        self.voices.preferences_changed.connect(self._prefs_timer.start)
        self.voices.model.page_loaded.connect(self._choose_first_voice_if_none)
        self.settings.model_changed.connect(lambda _m: self._update_counter())
        self.settings.changed.connect(self._on_settings_changed)

        self.script.editor.document().contentsChanged.connect(self.project.mark_changed)
        self.script.zoom_changed.connect(self._on_zoom)
        self.project.title_changed.connect(self.setWindowTitle)
        self.project.error.connect(lambda error: self.script.message.show_error(error))
        self.project.status.connect(lambda text: self.status.showMessage(text, 4000) if text else None)
        self.project.recent_changed.connect(self._rebuild_recent)
        self.project.recent_changed.connect(self._prefs_timer.start)
        self.project.recovery_found.connect(self._offer_recovery)
        self.project.close_approved.connect(self.close)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self.new_action = self._action(file_menu, "&New", self.new_project, QKeySequence.StandardKey.New)
        self.open_action = self._action(file_menu, "&Open…", self.open_project_dialog, QKeySequence.StandardKey.Open)
        self.recent_menu = QMenu("Open &Recent", self)
        file_menu.addMenu(self.recent_menu)
        self.save_action = self._action(file_menu, "&Save", self.save_project, QKeySequence.StandardKey.Save)
        self.save_as_action = self._action(file_menu, "Save &As…", self.save_project_as_dialog,
                                           QKeySequence.StandardKey.SaveAs)
        file_menu.addSeparator()
        self.export_action = self._action(file_menu, "&Export Audio…", self.open_export, QKeySequence("Ctrl+E"))
        self.import_recording_action = self._action(file_menu, "&Import Recording…", self.recordings.choose_and_import)
        self.import_book_action = self._action(  # unsaved work is saved or discarded first: the book replaces it
            file_menu, "Import &Book…", lambda: self._after_unsaved_changes(self.books.choose_and_import))
        file_menu.addSeparator()
        self.account_action = self._action(file_menu, "&Account…", self.open_account, QKeySequence("Ctrl+,"))
        file_menu.addSeparator()
        self.quit_action = self._action(file_menu, "&Quit", self.close, QKeySequence.StandardKey.Quit)
        if self.quit_action.shortcut().isEmpty():
            self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))

        edit = bar.addMenu("&Edit")
        editor = self.script.editor
        self.undo_action = self._action(edit, "&Undo", editor.undo, QKeySequence.StandardKey.Undo)
        self.redo_action = self._action(edit, "&Redo", editor.redo, QKeySequence.StandardKey.Redo)
        self.undo_steps = UndoSteps(editor, self.undo_action, self.redo_action)
        edit.addSeparator()
        self._action(edit, "Cu&t", editor.cut, QKeySequence.StandardKey.Cut)
        self._action(edit, "&Copy", editor.copy, QKeySequence.StandardKey.Copy)
        self._action(edit, "&Paste", editor.paste, QKeySequence.StandardKey.Paste)
        self._action(edit, "Select &All", editor.selectAll, QKeySequence.StandardKey.SelectAll)
        edit.addSeparator()
        self.find_action = self._action(edit, "&Find in Script…", self.script.open_find, QKeySequence.StandardKey.Find)
        edit.addSeparator()
        self._action(edit, "Zoom &In", self.script.zoom_in, QKeySequence.StandardKey.ZoomIn)
        self._action(edit, "Zoom &Out", self.script.zoom_out, QKeySequence.StandardKey.ZoomOut)
        self._action(edit, "&Reset Zoom", self.script.reset_zoom, QKeySequence("Ctrl+0"))

        insert = bar.addMenu("&Insert")
        self.pauses = PauseInserter(editor, self)
        self.insert_pause_action = self._action(insert, "&Pause…", self.pauses.ask, QKeySequence("Ctrl+Shift+B"))
        self.audio_tags = AudioTagPalette(editor, insert, self.render_source.capabilities, self)
        self.settings.model_changed.connect(lambda _m: self.audio_tags.refresh())

        voice = bar.addMenu("&Voice")
        self.search_action = self._action(voice, "&Search Voices", self.browser.focus_search, QKeySequence("Ctrl+K"))
        self.search_action.setShortcuts([QKeySequence("Ctrl+K"), QKeySequence("Ctrl+Shift+F")])
        self._action(voice, "&Preview Voice", self.details.preview_button.click, QKeySequence("Ctrl+Shift+P"))
        self._action(voice, "Toggle &Favourite", self.details.favourite_button.click, QKeySequence("Ctrl+D"))

        play = bar.addMenu("&Playback")
        self.play_action = self._action(play, "&Play Script", self._play, QKeySequence("Ctrl+Return"))
        self.play_action.setShortcuts([QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter")])
        self.play_selection_action = self._action(play, "Play &Selection", self._play_selection, QKeySequence("Ctrl+Shift+Return"))
        self.play_cursor_action = self._action(play, "Play from &Cursor", self._play_from_cursor, QKeySequence("Ctrl+Alt+Return"))
        # Play Paragraph and Regenerate Paragraph live in the Paragraph menu (TakesView).
        # Space: see PlaybackKeys (it types in the script unless the script is being heard).
        self.pause_action = self._action(play, "Play/Pa&use", self._toggle_pause, PLAY_PAUSE_KEY)
        self.stop_action = self._action(play, "S&top", self._stop, QKeySequence("Ctrl+."))
        play.addSeparator()
        self.timing_qa_action = self._action(play, "Check &Timing…", self.open_timing_qa, QKeySequence("Ctrl+Shift+T"))

        bar.addMenu(self.takes.menu)

        view = bar.addMenu("Vie&w")  # Alt+V is the Voice menu
        view.addAction(self.cast.toggle_action)
        self.history_action = self.history_dock.toggleViewAction()
        self.history_action.setText("&History")
        self.history_action.setShortcut(QKeySequence("Ctrl+Shift+H"))
        view.addAction(self.history_action)
        self.addAction(self.history_action)

        tools = bar.addMenu("&Tools")
        self._action(tools, "&Pronunciation…", self.pronunciation.open_editor, QKeySequence("Ctrl+Shift+D"))
        self._action(tools, "Pronounce &Word As…", self.pronunciation.pronounce_word_at_cursor,
                     QKeySequence("Ctrl+Shift+W"))
        self.rebuild_action = self._action(tools, "&Rebuild from History…", self.open_rebuild)

        help_menu = bar.addMenu("&Help")
        self._action(help_menu, "&Keyboard Shortcuts", self.show_shortcuts, QKeySequence.StandardKey.HelpContents)
        self._action(help_menu, "&About Narration Studio", self.show_about)
        self._rebuild_recent()

    def _action(self, menu: QMenu, text: str, slot: Callable[[], Any],
                shortcut: QKeySequence | QKeySequence.StandardKey | None = None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(shortcut if isinstance(shortcut, QKeySequence) else QKeySequence(shortcut))
        action.triggered.connect(lambda _checked=False: slot())
        menu.addAction(action)
        self.addAction(action)  # shortcuts work with the menu bar hidden too
        return action

    def _attach_player(self) -> None:
        """Put the transport bar in its slot and connect the player to the script editor."""
        from studio.ui.player_controller import PlayerController
        from studio.ui.transport_bar import TransportBar

        self.transport = TransportBar()
        self.transport.setObjectName("transportBar")
        self.transport_slot.layout().addWidget(self.transport)
        self.player = PlayerController(self.script.editor, self.transport, self.pool, self.render_source.current,
                                       self.document, self._cache, self)
        self.player.take_made.connect(self.document.add_take)  # takes made by Play join the document
        self.player.error.connect(lambda error: self.script.message.show_error(error, retry=self._play))
        self.player.status.connect(lambda text: self.status.showMessage(text, 4000) if text else None)
        # Installed after UndoSteps, so its filter sees Space first (filters run newest first).
        self.playback_keys = PlaybackKeys(self, self.script.editor, lambda: self.player.is_active, self._toggle_pause)

    def _attach_listen_check(self) -> None:
        """Hear each new take in the background and underline what differs from the script."""
        from studio.ui.listen_controller import ListenController

        def remember(on: bool) -> None:
            self.preferences.listen_check = on
            self._prefs_timer.start()

        self.listen = ListenController(
            self.script.editor, self.document, self.takes.positions, self.player.highlighter.set_other_selections,
            self.pool, self._cache, player=lambda: self.player, enabled=self.preferences.listen_check,
            on_enabled_changed=remember, parent=self,
        )
        self.listen.add_to(self.takes.menu)
        self.player.take_made.connect(self.listen.on_take)  # after the document kept the take
        self.listen.status.connect(lambda text: self.status.showMessage(text, 6000))

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

    def _on_engine_started(self, started: EngineStarted) -> None:
        backend = started.backend
        self.status.show_engine(backend.display_name, f"Speaking with {backend.display_name}")
        self.status.show_subscription(None)
        self._tier = None
        self._subscription = None
        if started.fallback_reason:
            self.banner.show_message(started.fallback_reason, Tone.INFO, action=("Connect account…", self.open_account))
        elif self.banner.isVisible() and self.banner.tone is not Tone.WARNING:
            self.banner.hide()
        remembered = self.preferences.per_engine.get(backend.engine_id, {})
        self.voices.set_backend(backend)
        self.settings.set_backend(backend, remembered.get("model_id"))
        self.settings.set_tier(None)
        self._update_counter()
        voice = self.voices.current_voice
        other = remembered.get("voice_id")
        if other and self._voice_engine not in (None, backend.engine_id) and (voice is None or voice.voice_id != other):
            # The voice on screen was chosen with the other engine: take this engine's own.
            voice = Voice(voice_id=other, name=remembered.get("voice_name") or other)
            self._set_voice(voice)
        if voice is not None:
            self._confirm_voice(backend, voice.voice_id)
        self._voice_engine = backend.engine_id

    def _on_engine_error(self, error: BaseException) -> None:
        self.status.show_engine("No engine")
        self.banner.show_error(error, retry=self.start_engine)

    def _on_subscription(self, subscription: Subscription | None) -> None:
        self.status.show_subscription(subscription)
        self._subscription = subscription
        self._tier = getattr(subscription, "tier", None) if subscription is not None else None
        self.settings.set_tier(self._tier)
        self._update_counter()

    def _on_subscription_failed(self, error: BaseException) -> None:
        self.status.show_usage_problem("Usage unavailable")
        self.status.usage_label.setToolTip(str(error))
        # A rejected key is worth saying loudly: nothing will work until it is fixed.
        from studio.api.errors import AuthenticationError

        if isinstance(error, AuthenticationError):
            self.banner.show_message(str(error), Tone.ERROR, action=("Account…", self.open_account))

    def _confirm_voice(self, backend: SynthesisBackend, voice_id: str) -> None:
        """Fetch the remembered voice's details; forget it if this engine does not have it."""
        def fetch(token: CancelToken) -> Voice:
            return backend.get_voice(voice_id)

        # Connect before starting: a quick worker could otherwise finish unheard.
        worker = Worker(fetch)
        worker.signals.finished.connect(
            lambda voice: self._set_voice(voice) if self.session.backend is backend else None
        )
        worker.signals.errored.connect(
            lambda _error: self._forget_voice(voice_id) if self.session.backend is backend else None
        )
        self.pool.start(worker)

    def _forget_voice(self, voice_id: str) -> None:
        """This engine has no such voice: use the last one chosen with it, else the first listed."""
        current = self.voices.current_voice
        if current is None or current.voice_id != voice_id:
            return
        self.voices.set_current_voice(None)
        self.settings.set_voice(None)
        backend = self.session.backend
        remembered = self.preferences.per_engine.get(getattr(backend, "engine_id", ""), {})
        other = remembered.get("voice_id")
        if backend is not None and other and other != voice_id:
            self._set_voice(Voice(voice_id=other, name=remembered.get("voice_name") or other))
            self._confirm_voice(backend, other)
        else:
            self._choose_first_voice_if_none()

    # == export ==================================================================================
    def open_export(self) -> None:
        """File ▸ Export Audio: the export dialog over a snapshot of the document and the one plan."""
        from studio.ui.export_choices import RememberedExport
        from studio.ui.export_dialog import ExportDialog

        self.document.sync()
        try:
            # While the engine starts, the dialog opens anyway: its work waits for the engine in a worker.
            inputs = self.render_source.current()
            if not self.document.text.strip():
                raise NotReadyError("There is nothing to export", "Write some words in the script first.")
        except NotReadyError as problem:
            self.script.message.show_error(problem)
            return
        folder = Path(self.project.path).parent if self.project.path else Path(self._project_dir())
        dialog = ExportDialog(
            self.document.snapshot(), inputs, source=self.document.text, pool=self.pool, cache=self._cache,
            directory=folder, base_name=self._file_stem(),
            remembered=RememberedExport(self.preferences, self.settings.state().output_format, self._prefs_timer.start),
            parent=self,
        )
        self._keep_until_closed("export_dialog", dialog)  # then the script and engine go with it
        dialog.take_made.connect(self.document.add_take)  # what the export made is the paragraphs' take
        dialog.take_made.connect(self.listen.on_take)  # …and is heard like a take Play made
        dialog.exported.connect(lambda _result: self.session.refresh_subscription())
        dialog.open()
        if not getattr(inputs.backend, "is_ready", True):
            dialog.message.show_message(
                f"{inputs.backend.display_name} is still starting. Choose your options; the export waits for it.",
                Tone.INFO,
            )
            self.session.started.connect(dialog.message.hide)  # no "still starting" once it is ready

    def open_timing_qa(self) -> None:
        """Playback ▸ Check Timing: the takes' timing QA (studio.ui.timing_qa_view), one window at a time."""
        from studio.ui.timing_qa_view import TimingQaDialog

        if getattr(self, "timing_qa_dialog", None) is not None:
            self.timing_qa_dialog.refresh()
            self.timing_qa_dialog.raise_()
            return
        dialog = TimingQaDialog(self.document, self.script.editor, pool=self.pool, cache=self._cache, parent=self)
        self._keep_until_closed("timing_qa_dialog", dialog)
        dialog.show()
        dialog.refresh()

    # == account =================================================================================
    def open_account(self) -> None:
        from studio.ui.account_dialog import AccountDialog

        dialog = AccountDialog(
            self.pool,
            engine=self.preferences.engine,
            api_key=self.session.api_key,
            base_url=self.preferences.base_url,
            keyring_available=self.session.keyring_available,
            parent=self,
        )
        self._keep_until_closed("account_dialog", dialog)
        dialog.accepted.connect(lambda: self.apply_account(dialog.choice()))
        dialog.open()

    def _keep_until_closed(self, name: str, dialog: QDialog) -> None:
        """``self.<name>`` is ``dialog`` while it is open; closed, it is deleted and forgotten."""
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        setattr(self, name, dialog)

        def forget(_result: int) -> None:
            if getattr(self, name, None) is dialog:
                setattr(self, name, None)

        dialog.finished.connect(forget)

    def apply_account(self, choice: AccountChoice) -> None:
        """Save the key (keyring, in a worker), remember the engine and address, restart the engine."""
        self.preferences.engine = choice.engine
        self.preferences.base_url = choice.base_url
        self._prefs_timer.start()
        if choice.key_changed and choice.api_key:
            from studio.api.auth import save_api_key

            key = choice.api_key
            worker = Worker(lambda token: save_api_key(key))
            worker.signals.errored.connect(
                lambda error: self.banner.show_message(
                    f"{error} The key is used for this session only.", Tone.WARNING
                )
            )
            self.pool.start(worker)
        self.banner.hide()
        self.session.start(choice.engine, choice.base_url, api_key=choice.api_key if choice.engine == "elevenlabs" else None)

    # == voices and settings =====================================================================
    def _on_voice_chosen(self, voice: Voice) -> None:
        self.settings.set_voice(voice)
        self.preferences.voice_id = voice.voice_id
        self.preferences.voice_name = voice.name
        if self.session.backend is not None:
            self._voice_engine = self.session.backend.engine_id
            self.preferences.remember_for_engine(
                self.session.backend.engine_id, voice_id=voice.voice_id, voice_name=voice.name
            )
        self._prefs_timer.start()
        if not self._auto_choosing:  # a voice picked for the narrator is not their edit
            self.project.mark_changed()

    def _set_voice(self, voice: Voice) -> None:
        self.voices.set_current_voice(voice)
        self.settings.set_voice(voice)

    def _choose_first_voice_if_none(self) -> None:
        if self.voices.current_voice is None and self.voices.model.voices:
            self._auto_choosing = True
            try:
                self.browser.list.setCurrentIndex(self.voices.model.index(0))
            finally:
                self._auto_choosing = False

    def _on_settings_changed(self) -> None:
        self._update_counter()
        self.project.mark_changed()
        self._prefs_timer.start()

    def _update_counter(self) -> None:
        self.counter.refresh()

    def _on_zoom(self, steps: int) -> None:
        self.preferences.editor_zoom = steps
        self._prefs_timer.start()

    # == projects ================================================================================
    def _snapshot(self) -> Project:
        self.document.sync()  # the blocks follow the latest typing before they are saved
        state = self.settings.state()
        voice = self.voices.current_voice
        backend = self.session.backend
        return Project(
            script=self.script.editor.toPlainText(),
            engine=getattr(backend, "engine_id", None),
            voice_id=voice.voice_id if voice is not None else None,
            voice_name=voice.name if voice is not None else None,
            model_id=state.model_id,
            language_code=state.language_code,
            output_format=state.output_format,
            seed=state.seed,
            voice_settings=state.voice_settings,
            pronunciation=self.pronunciation.project_field(),
            cast=self.cast.controller.project_field(),
        ).with_document(self.document.script, self.document.text)

    def _apply_project(self, project: Project) -> None:
        self._forget_take()
        self.script.editor.setPlainText(project.script)
        self.script.editor.document().setModified(False)
        # Replaces the old document: its paragraphs' takes, choices and locks (New: none).
        self.document.load(project.document())
        self.pronunciation.load(project.pronunciation)
        self.cast.controller.load(project.cast)
        if project.voice_id:
            voice = Voice(voice_id=project.voice_id, name=project.voice_name or project.voice_id)
            self._set_voice(voice)
            if self.session.backend is not None:
                self._confirm_voice(self.session.backend, project.voice_id)
        self.settings.apply_state(SettingsState(
            model_id=project.model_id,
            language_code=project.language_code,
            output_format=project.output_format,
            seed=project.seed,
            voice_settings=project.voice_settings or self.settings.state().voice_settings,
        ))

    def _forget_take(self) -> None:
        """Another script: what was heard and its time no longer belong on the time bar."""
        self.player.clear()

    def new_project(self) -> None:
        self._after_unsaved_changes(self.project.new)

    def _after_unsaved_changes(self, then: Callable[[], None]) -> None:
        """Run ``then`` once unsaved work is saved or discarded (Cancel: never)."""
        if not self.project.dirty or (self.project.path is None and not self.script.editor.toPlainText().strip()):
            then()
            return
        answer = self._ask_unsaved()
        if answer is CloseAnswer.DISCARD:
            self.project.discard_recovery()
            then()
        elif answer is CloseAnswer.SAVE:
            path = self.project.path or self._ask_save_path()
            if not path:
                return

            def on_saved(_path: str) -> None:
                self.project.saved.disconnect(on_saved)
                self.project.error.disconnect(on_failed)
                if not self.project.dirty:
                    then()

            def on_failed(_error: object) -> None:
                self.project.saved.disconnect(on_saved)
                self.project.error.disconnect(on_failed)

            self.project.saved.connect(on_saved)
            self.project.error.connect(on_failed)
            self.project.save_as(path)

    def open_project_dialog(self) -> None:
        path = ask_project_open_path(self, self._project_dir())
        if path:
            self.open_project(path)

    def open_project(self, path: str) -> None:
        self._after_unsaved_changes(lambda: self.project.open(path))

    def save_project(self) -> None:
        if not self.project.save():
            self.save_project_as_dialog()

    def save_project_as_dialog(self) -> None:
        path = self._ask_save_path()
        if path:
            self.project.save_as(path)

    def _ask_save_path(self) -> str | None:
        start = self.project.path or str(Path(self._project_dir()) / f"{self._file_stem()}{PROJECT_SUFFIX}")
        return ask_project_save_path(self, start)

    def _file_stem(self) -> str:
        """The project's name, or for a new one a name from the script's first words."""
        return self.project.display_name if self.project.path else suggested_name(self.script.editor.toPlainText())

    def _project_dir(self) -> str:
        recent = self.preferences.recent_projects
        return str(Path(recent[0]).parent) if recent else str(Path.home())

    def _rebuild_recent(self) -> None:
        self.recent_menu.clear()
        for path in self.preferences.recent_projects:
            action = self.recent_menu.addAction(Path(path).name)
            action.setToolTip(path)
            action.triggered.connect(lambda _checked=False, p=path: self.open_project(p))
        self.recent_menu.setEnabled(bool(self.preferences.recent_projects))

    def _offer_recovery(self, recovery: Recovery) -> None:
        import datetime as dt

        when = dt.datetime.fromtimestamp(recovery.saved_at).strftime("%-d %b %H:%M")
        words = len(recovery.project.script.split())
        self.banner.show_message(
            f"Narration Studio closed unexpectedly. Your unsaved script ({words:,} words, kept at {when}) can be restored.",
            Tone.WARNING,
            action=("Restore", lambda: self.project.restore(recovery)),
            second_action=("Discard", self.project.discard_recovery),
        )

    def _ask_unsaved(self) -> CloseAnswer:
        return ask_unsaved_changes(self, self.project.display_name)

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
        state = self._ui_state
        geometry = state.value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 800)
        for splitter, key in ((self.splitter, "window/mainSplitter"), (self.left, "window/leftSplitter")):
            value = state.value(key)
            if isinstance(value, QByteArray) and not value.isEmpty():
                splitter.restoreState(value)
        docks = state.value("window/state")  # the History dock: shown or not, and where
        if isinstance(docks, QByteArray) and not docks.isEmpty():
            self.restoreState(docks)

    def save_ui_state(self) -> None:
        state = self._ui_state
        state.setValue("window/geometry", self.saveGeometry())
        state.setValue("window/mainSplitter", self.splitter.saveState())
        state.setValue("window/leftSplitter", self.left.saveState())
        state.setValue("window/state", self.saveState())
        state.sync()

    def _restore_preferences(self) -> None:
        prefs = self.preferences
        if prefs.voice_id:
            self._set_voice(Voice(voice_id=prefs.voice_id, name=prefs.voice_name or prefs.voice_id))
        self.settings.apply_state(SettingsState(
            model_id=prefs.model_id,
            language_code=prefs.language_code,
            output_format=prefs.output_format,
            seed=prefs.seed,
            voice_settings=prefs.voice_settings or self.settings.state().voice_settings,
        ))
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
        self.player.shutdown()
