"""Light and dark looks that follow the system palette.

The stylesheets in ``resources/styles`` only add accents; base colours come from the
palette, so the app looks native. When the desktop switches between light and dark
(Qt's ``colorSchemeChanged``), the matching sheet is loaded again.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from studio.resources import resource_path


def is_dark(app: QGuiApplication) -> bool:
    scheme = app.styleHints().colorScheme()
    if scheme != Qt.ColorScheme.Unknown:
        return scheme == Qt.ColorScheme.Dark
    window = app.palette().color(QPalette.ColorRole.Window)
    return window.lightness() < 128


def stylesheet_for(dark: bool) -> str:
    return resource_path("styles", "dark.qss" if dark else "light.qss").read_text(encoding="utf-8")


def apply_theme(app: QApplication) -> None:
    app.setStyleSheet(stylesheet_for(is_dark(app)))


def follow_system_theme(app: QApplication) -> None:
    apply_theme(app)
    app.styleHints().colorSchemeChanged.connect(lambda _scheme: apply_theme(app))
