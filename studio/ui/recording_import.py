"""File ▸ Import Recording…: the narrator's own recording becomes the takes of the script's paragraphs.

The controller asks for a WAV, FLAC or MP3 file, then runs
:func:`studio.core.recording.import_steps` in a worker over a snapshot of the script (the GUI
thread never decodes or waits), with a progress dialog whose Cancel stops it. The recording is
timed with ElevenLabs forced alignment when an account is connected (the engine is ElevenLabs),
otherwise with the offline recogniser; the message afterwards says which. Only when everything
succeeded are the takes added to the document (each one chosen, unless its paragraph is locked
to another take), so a bad file, a cancel or a failure half-way leaves the script untouched.
Then Play highlights the recording and Export writes it with subtitles like generated speech.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QFileDialog, QProgressDialog, QWidget

from studio.core.recording.aligners import choose_aligner
from studio.core.recording.importer import ImportProgress, RecordingImport, import_steps
from studio.ui.inline_message import InlineMessage, Tone
from studio.ui.worker import Worker, WorkerPool

if TYPE_CHECKING:
    from studio.core.cache import SpeechCache
    from studio.ui.script_document import ScriptDocumentController

FILE_FILTER = "Recordings (*.wav *.flac *.mp3);;All files (*)"


def ask_recording_path(parent: QWidget, directory: str) -> str | None:
    path, _ = QFileDialog.getOpenFileName(parent, "Import Recording", directory, FILE_FILTER)
    return path or None


class RecordingImportController(QObject):
    #: The import finished and its takes are in the document.
    imported = Signal(object)

    def __init__(
        self,
        parent: QWidget,
        pool: WorkerPool,
        document: ScriptDocumentController,
        backend: Callable[[], Any],
        cache: SpeechCache | None,
        message: InlineMessage,
        *,
        directory: Callable[[], str],
        ask_path: Callable[[QWidget, str], str | None] = ask_recording_path,
    ) -> None:
        super().__init__(parent)
        self._parent = parent
        self._pool = pool
        self._document = document
        self._backend = backend
        self._cache = cache
        self._message = message
        self._directory = directory
        self._ask_path = ask_path
        self.worker: Worker | None = None
        self.progress: QProgressDialog | None = None

    @property
    def is_running(self) -> bool:
        return self.worker is not None

    def choose_and_import(self) -> None:
        if self.is_running:
            return
        path = self._ask_path(self._parent, self._directory())
        if path:
            self.import_file(Path(path))

    def import_file(self, path: Path) -> None:
        """Import ``path`` in the background (see the module notes)."""
        if self.is_running:
            return
        self._document.sync()
        if not self._document.text.strip():
            self._message.show_message("There is no script to time the recording against. Write or open the "
                                       "script the recording reads, then import it.", Tone.ERROR)
            return
        from studio.core.cache import SpeechCache

        cache = self._cache if self._cache is not None else SpeechCache()
        aligner = choose_aligner(getattr(self._backend(), "client", None))
        snapshot = self._document.snapshot()
        worker = Worker(lambda token: import_steps(snapshot, path, aligner, cache, cancel=token))
        self.progress = self._progress_dialog(path)
        worker.signals.yielded.connect(self._on_progress)
        worker.signals.finished.connect(self._on_finished)
        worker.signals.errored.connect(self._message.show_error)
        worker.signals.aborted.connect(lambda: self._message.show_message(
            f"Import of “{path.name}” stopped; the script was not changed.", Tone.INFO))
        worker.signals.done.connect(self._on_done)
        self.progress.canceled.connect(worker.cancel)
        self.worker = worker
        self._message.hide()
        self._pool.start(worker)

    def cancel(self) -> None:
        if self.worker is not None:
            self.worker.cancel()

    def _progress_dialog(self, path: Path) -> QProgressDialog:
        dialog = QProgressDialog(f"Reading {path.name}…", "Cancel", 0, 100, self._parent)
        dialog.setObjectName("recordingImportProgress")
        dialog.setWindowTitle("Import Recording")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setMinimumDuration(0)
        dialog.setValue(0)
        return dialog

    def _on_progress(self, progress: ImportProgress) -> None:
        if self.progress is not None:
            self.progress.setLabelText(f"{progress.stage}…")
            self.progress.setValue(int(progress.fraction * 100))

    def _on_finished(self, result: RecordingImport) -> None:
        added = [block_id for block_id, take in result.takes.items() if self._document.add_take(block_id, take)]
        script = self._document.script
        kept_locked = [i + 1 for i, b in enumerate(script.blocks)
                       if b.id in added and b.chosen_take is not None and not b.chosen_take.is_recording]
        name = result.recording.name
        text = (f"Imported “{name}”: {len(added)} paragraph{'s' if len(added) != 1 else ''} timed with "
                f"{result.aligner} (match {max(0.0, 1 - result.loss):.0%}). Play to hear it with the words lit; "
                "Export writes it with subtitles.")
        if kept_locked:
            text += f" Locked paragraphs kept their takes: {', '.join(map(str, kept_locked))}."
        if len(added) < len(result.takes):
            text += " Paragraphs deleted meanwhile were skipped."
        tone = Tone.WARNING if result.warnings else Tone.INFO
        self._message.show_message(" ".join([text, *result.warnings]), tone)
        self.imported.emit(result)

    def _on_done(self) -> None:
        self.worker = None
        if self.progress is not None:
            self.progress.close()
            self.progress.deleteLater()
            self.progress = None
