"""Starts the Qt application and opens the studio window.

Start-up never waits: preferences are a small local file read before the window shows;
the engine (a key from the keyring, or the offline voice, which takes ~2 s to load) starts
in a worker while the window is already up, with a status message.
"""

from __future__ import annotations

import signal
import sys
from concurrent.futures import Future
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs
from PySide6.QtCore import QLoggingCategory, QObject, QSettings, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QMessageBox

from studio import __version__
from studio.core.preferences import Preferences, PreferencesStore
from studio.core.project import APP_DIR_NAME, RecoveryStore
from studio.core.serial_writer import SerialWriter
from studio.crash_reports import CrashHandler
from studio.ui.startup_probe import install_startup_probe
from studio.ui.theme import follow_system_theme

if TYPE_CHECKING:
    from studio.core.cache import SpeechCache
    from studio.ui.main_window import MainWindow


def create_application(argv: list[str] | None = None) -> QApplication:
    # Qt Multimedia reports, at every start, optional libraries it did not find (PipeWire,
    # VA-API): harmless, and noise in a narrator's terminal.
    QLoggingCategory.setFilterRules("qt.multimedia.symbolsresolver=false\nqt.multimedia.ffmpeg=false")
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv)
    app.setApplicationName("Narration Studio")
    app.setOrganizationName("Narration Studio")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("org.narrationstudio.NarrationStudio")
    return app  # type: ignore[return-value]


def ui_state_settings() -> QSettings:
    """Window geometry and splitters: an INI file beside the preferences (never the registry)."""
    path = Path(platformdirs.user_config_dir(APP_DIR_NAME)) / "window-state.ini"
    return QSettings(str(path), QSettings.Format.IniFormat)


def build_main_window(store: PreferencesStore | None = None, recovery: RecoveryStore | None = None) -> MainWindow:
    """Create the pool, engine session and window (shared by run_app and the tests)."""
    from studio.ui.engine_session import EngineSession
    from studio.ui.main_window import MainWindow
    from studio.ui.worker import WorkerPool

    store = store or PreferencesStore()
    preferences = store.load()
    pool = WorkerPool(max_threads=4)
    session = EngineSession(pool)
    # One thread, in order: an older save never overwrites a newer one, and closing hands the
    # last save over without waiting for it (the writer finishes it while the process exits).
    preference_writes = SerialWriter("preferences-writes")

    def save_preferences(prefs: Preferences) -> Future[None]:
        snapshot = prefs.model_copy(deep=True)
        return preference_writes.submit(lambda: store.save(snapshot))

    window = MainWindow(
        pool=pool,
        session=session,
        preferences=preferences,
        save_preferences=save_preferences,
        recovery=recovery or RecoveryStore(),
        ui_state=ui_state_settings(),
        cache=_open_cache(),
    )
    pool.setParent(window)
    session.setParent(window)
    return window


def _open_cache() -> SpeechCache | None:
    """The speech cache that makes replays and re-exports free."""
    from studio.core.cache import SpeechCache

    try:
        return SpeechCache()  # its own default folder and size; it touches no disk until used
    except OSError:  # no cache is better than no studio
        return None


def run_app(project_path: str | None = None) -> int:
    """Open the studio; ``project_path`` (from the desktop's "Open with") is opened at once."""
    app = create_application()
    follow_system_theme(app)
    install_startup_probe(app)  # the bundle's start-up measurement; a no-op unless asked for
    window = build_main_window()
    crashes = _report_crashes_to(window)
    window.show()
    window.start_engine()
    if project_path:
        window.project.open(str(Path(project_path).resolve()))
    else:
        window.project.check_for_recovery()
    # Ctrl+C in the terminal closes the window the normal way (asking about unsaved work).
    # Python only sees the signal when it runs, so a light timer gives it the chance.
    signal.signal(signal.SIGINT, lambda *_: QTimer.singleShot(0, window.close))
    wake = QTimer()
    wake.timeout.connect(lambda: None)
    wake.start(300)
    code = app.exec()
    wake.stop()
    window.pool.shutdown(5000)
    window.session.shutdown()
    crashes.uninstall()
    return code


class _CrashNotice(QObject):
    # A crash may happen on any thread; the message box must open on the GUI thread.
    happened = Signal(str)


def _report_crashes_to(window: MainWindow) -> CrashHandler:
    """Unexpected errors are saved as a report (without the key) and the person is told."""
    notice = _CrashNotice(window)

    def tell(path: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, "Something went wrong",
                          "Narration Studio ran into an unexpected problem. Your script is safe: "
                          "it is kept in a recovery copy.\n\nA report was saved to:\n" + path +
                          "\n\nIf this keeps happening, please send us that file.", parent=window)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    notice.happened.connect(tell)
    handler = CrashHandler().install()
    handler.notifiers.append(lambda path: notice.happened.emit(str(path)))
    return handler
