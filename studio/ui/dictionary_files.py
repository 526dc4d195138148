"""Every file the pronunciation editor touches, read and written in workers (never on the GUI thread).

Importing and exporting W3C PLS and plain "word = alias" text, listing and creating the shared
dictionaries in the data folder, and writing a shared dictionary back when its rules change.
Each call takes a callback for the result; a failure (a ``DictionaryError`` naming the file's
line, or a disk problem) is emitted as :attr:`DictionaryFiles.error`, and then nothing changes.

Shared dictionaries are written in the order they were edited (one serial writer), so an
undo right after an edit can never be overtaken by the edit's own write.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from studio.core import shared_dictionaries
from studio.core.pronunciation import PronunciationDictionary, load_dictionary, save_dictionary
from studio.core.serial_writer import SerialWriter
from studio.ui.worker import Worker, WorkerPool, WriteQueue

PLS_FILTER = "Pronunciation lexicons (*.pls *.xml)"
TEXT_FILTER = "Word lists, “word = alias” (*.txt)"
FILE_FILTERS = f"{PLS_FILTER};;{TEXT_FILTER};;All files (*)"


class DictionaryFiles(QObject):
    #: Reading or writing failed: the error (a DictionaryError names the file and line).
    error = Signal(object)

    def __init__(self, pool: WorkerPool, folder: Path | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = pool
        self.folder = folder or shared_dictionaries.shared_dictionaries_dir()
        self._writes = WriteQueue(SerialWriter("shared-dictionaries"), self)
        self.pending = 0  # workers and writes not yet answered (tests wait for 0)

    def _run(self, call: Callable[[], Any], then: Callable[[Any], None]) -> None:
        worker = Worker(lambda token: call())
        self.pending += 1
        worker.signals.finished.connect(then)
        worker.signals.errored.connect(self.error.emit)
        worker.signals.done.connect(self._one_done)
        self._pool.start(worker)

    def _one_done(self) -> None:
        self.pending -= 1

    # -- import and export ---------------------------------------------------------------------------

    def read(self, path: str, then: Callable[[PronunciationDictionary], None]) -> None:
        self._run(lambda: load_dictionary(path), then)

    def write(self, dictionary: PronunciationDictionary, path: str, then: Callable[[Path], None]) -> None:
        self._run(lambda: save_dictionary(dictionary, path), then)

    # -- the shared library ----------------------------------------------------------------------------

    def read_all(self, paths: tuple[str, ...], then: Callable[[PronunciationDictionary], None]) -> None:
        """Read each of a project's shared files; each one read is handed to ``then`` (a bad one is an error)."""
        for path in paths:
            self.read(path, then)

    def list_shared(self, then: Callable[[list[PronunciationDictionary]], None]) -> None:
        folder = self.folder

        def listed(result: tuple[list[PronunciationDictionary], list[Exception]]) -> None:
            found, problems = result
            then(found)
            for problem in problems:  # a damaged file is named, the good ones still listed
                self.error.emit(problem)

        self._run(lambda: shared_dictionaries.list_shared(folder), listed)

    def create_shared(self, name: str, rules: PronunciationDictionary | None,
                      then: Callable[[PronunciationDictionary], None]) -> None:
        folder = self.folder
        self._run(lambda: shared_dictionaries.create_shared(name, folder, rules), then)

    def save_shared(self, dictionary: PronunciationDictionary) -> None:
        self.pending += 1

        self._writes.submit(lambda: shared_dictionaries.save_shared(dictionary), on_done=lambda _result: self._one_done(),
                            on_error=lambda error: (self._one_done(), self.error.emit(error)))
