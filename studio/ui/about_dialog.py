"""Help ▸ About: the version, our licence, and the licences of everything we ship."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from studio import __version__
from studio.cancel import CancelToken
from studio.ui.icons import app_icon
from studio.ui.worker import Worker, WorkerPool

HEADLINE_PARTS = (
    "Qt and Qt for Python (PySide6): GNU LGPL v3",
    "Piper offline speech engine with espeak-ng: GNU GPL v3 or later",
    "Bundled voice “joe” (en_US): MIT; trained on the CC0 joe dataset",
)


def _load_notices(token: CancelToken) -> str:
    # Reading every dependency's metadata touches the disk: never on the GUI thread.
    from studio.licenses import notices_text

    return notices_text()


class AboutDialog(QDialog):
    def __init__(self, pool: WorkerPool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # not kept as a hidden child of the window
        self.setWindowTitle("About Narration Studio")
        self.setWindowIcon(app_icon())
        self.resize(640, 520)

        title = QLabel(f"<h2>Narration Studio {__version__}</h2>")
        title.setAccessibleName("Application name and version")
        intro = QLabel(
            "Write, voice, hear and export narration with ElevenLabs or the bundled offline voice."
            "<br>Free software under the GNU GPL v3 or later.<br><br>"
            + "<br>".join(f"• {part}" for part in HEADLINE_PARTS)
        )
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.RichText)
        intro.setAccessibleName("About the application")

        self.notices = QPlainTextEdit()
        self.notices.setReadOnly(True)
        self.notices.setPlaceholderText("Loading the licences of every part…")
        self.notices.setAccessibleName("Third-party notices")

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.Close).setAccessibleName("Close")

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addWidget(QLabel("Third-party notices:"))
        layout.addWidget(self.notices, 1)
        layout.addWidget(buttons)

        # Connect before starting: a quick worker could otherwise finish unheard.
        self._worker = Worker(_load_notices)
        notices = self.notices  # not ``self``: a closure over the dialog would keep it alive once closed
        self._worker.signals.finished.connect(notices.setPlainText)
        self._worker.signals.errored.connect(
            lambda error: notices.setPlainText(f"The notices could not be read: {error}")
        )
        pool.start(self._worker)
