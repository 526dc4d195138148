"""Reports, for the bundle's start-up measurement, the moment the main window is on screen.

With ``NARRATION_STUDIO_REPORT_SHOWN=1`` in the environment, :func:`install_startup_probe`
watches the application's events until the first top-level :class:`QMainWindow` is really
exposed (the window system says it is visible, or it has painted), prints
``main-window-shown`` on stdout, and quits the app a moment later. ``packaging/measure_bundle.py``
starts the bundle under Xvfb with that variable and times the line. Without the variable it
does nothing, so a normal start pays nothing for it.
"""

from __future__ import annotations

import os
import sys

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer
from PySide6.QtGui import QWindow
from PySide6.QtWidgets import QApplication, QMainWindow, QWidget

ENV_VAR = "NARRATION_STUDIO_REPORT_SHOWN"
MARKER = "main-window-shown"
# Long enough for the frame that was just exposed to finish, short enough to keep runs quick.
QUIT_DELAY_MS = 200
_INSTALLED_PROPERTY = "_narrationStudioStartupProbe"


class _StartupProbe(QObject):
    """An application-wide event filter that fires once, on the first exposed main window."""

    def __init__(self, app: QCoreApplication, quit_delay_ms: int) -> None:
        super().__init__(app)  # parented to the app, so it lives as long as the app does
        self._app = app
        self._quit_delay_ms = quit_delay_ms
        self._done = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if self._done:
            return False
        kind = event.type()
        if kind == QEvent.Type.Expose and isinstance(watched, QWindow):
            # Expose goes to the native QWindow behind a widget, not to the widget itself.
            if watched.isExposed() and self._is_main_window_handle(watched):
                self._fire()
        elif kind == QEvent.Type.Paint and isinstance(watched, QMainWindow) and watched.isWindow():
            # Some platforms (offscreen) may paint before any Expose reaches us; a painted
            # top-level window is on screen. The zero timer lets this paint finish first.
            self._fire()
        return False  # never swallow the app's own events

    def _is_main_window_handle(self, window: QWindow) -> bool:
        app = QApplication.instance()
        if not isinstance(app, QApplication):
            return False
        widgets: list[QWidget] = app.topLevelWidgets()
        return any(isinstance(w, QMainWindow) and w.windowHandle() == window for w in widgets)

    def _fire(self) -> None:
        self._done = True
        self._app.removeEventFilter(self)
        QTimer.singleShot(0, self._report)

    def _report(self) -> None:
        out = sys.stdout
        if out is not None:  # a windowed build may have no stdout at all
            out.write(MARKER + "\n")
            out.flush()
        QTimer.singleShot(self._quit_delay_ms, self._app.quit)


def install_startup_probe(app: QApplication, quit_delay_ms: int = QUIT_DELAY_MS) -> None:
    """Arm the probe when ``NARRATION_STUDIO_REPORT_SHOWN=1``; otherwise do nothing.

    Safe to call more than once on the same app (the launcher and the app may both call it):
    only the first call installs the filter, so the line is printed once.
    """
    if os.environ.get(ENV_VAR) != "1":
        return
    if app.property(_INSTALLED_PROPERTY):
        return
    app.setProperty(_INSTALLED_PROPERTY, True)
    app.installEventFilter(_StartupProbe(app, quit_delay_ms))
