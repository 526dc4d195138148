"""Starts the Qt application and shows the main window."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

from studio import __version__


def create_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv)
    app.setApplicationName("Narration Studio")
    app.setOrganizationName("Narration Studio")
    app.setApplicationVersion(__version__)
    return app  # type: ignore[return-value]


def run_app() -> int:
    app = create_application()
    window = QMainWindow()
    window.setWindowTitle("Narration Studio")
    window.setCentralWidget(QLabel("Narration Studio — offline voice ready to load."))
    window.resize(1100, 700)
    window.show()
    return app.exec()
