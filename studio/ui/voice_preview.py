"""Preview a voice: the logic between the Preview button and the playback PreviewPlayer.

ElevenLabs voices carry a ``preview_url`` that QMediaPlayer streams itself. Voices without
one (the offline engine) are asked for ``backend.preview_audio(voice)`` in a worker, which
also writes the bytes to a private temporary folder (disk work stays off the GUI thread);
the player then opens that file. Qt audio itself lives in :mod:`studio.playback`.
"""

from __future__ import annotations

import tempfile
import threading
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QUrl, Signal

from studio.core.cancel import CancelToken
from studio.errors import StudioError
from studio.playback.preview_player import PreviewPlayer
from studio.ui.worker import Worker, WorkerPool


class NoSampleError(StudioError):
    pass


def _sniff_suffix(data: bytes) -> str:
    if data[:4] == b"RIFF":
        return ".wav"
    if data[:4] == b"OggS":
        return ".ogg"
    if data[:4] == b"fLaC":
        return ".flac"
    return ".mp3"


class VoicePreviewPlayer(QObject):
    #: True while a sample is being fetched or played.
    playing_changed = Signal(bool)
    error = Signal(object)  # a StudioError

    def __init__(self, pool: WorkerPool, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = pool
        self._player: PreviewPlayer | None = None
        self._worker: Worker | None = None
        self._tmp: tempfile.TemporaryDirectory[str] | None = None  # made by the first worker that needs it
        self._lock = threading.Lock()
        self._voice_id: str | None = None
        self._started = False  # the player has begun playing the current sample

    @property
    def is_active(self) -> bool:
        return self._voice_id is not None

    @property
    def player(self) -> PreviewPlayer:
        if self._player is None:  # created on first use: QtMultimedia is slow to start
            self._player = PreviewPlayer(self)
            self._player.playing_changed.connect(self._on_playing)
            self._player.error.connect(self._on_player_error)
        return self._player

    def toggle(self, voice: Any, backend: Any) -> None:
        """Play ``voice``'s sample, or stop if it is the one playing."""
        if self._voice_id == voice.voice_id:
            self.stop()
            return
        self.stop()
        self._voice_id = voice.voice_id
        self._started = False
        self.playing_changed.emit(True)
        url = getattr(voice, "preview_url", None)
        if url and getattr(backend, "engine_id", "") == "elevenlabs":
            self._play(QUrl(url))
            return
        def fetch(token: CancelToken) -> Path:
            folder = self._folder()
            data = backend.preview_audio(voice)
            token.raise_if_cancelled()
            if not data:
                raise NoSampleError(f"The voice “{voice.name}” has no sample to play", "Try another voice.")
            path = folder / f"{voice.voice_id}{_sniff_suffix(data)}"
            path.write_bytes(data)
            return path

        worker = Worker(fetch)
        worker.signals.finished.connect(lambda path, v=voice.voice_id: self._on_fetched(v, path))
        worker.signals.errored.connect(lambda err, v=voice.voice_id: self._on_fetch_error(v, err))
        self._worker = worker
        self._pool.start(worker)

    def stop(self) -> None:
        if self._worker is not None:
            self._worker.cancel()
            self._worker = None
        if self._player is not None:
            self._player.stop()
        if self._voice_id is not None:
            self._voice_id = None
            self.playing_changed.emit(False)

    def shutdown(self) -> None:
        self.stop()
        if self._player is not None:
            self._player.shutdown()
        if self._tmp is not None:
            self._tmp.cleanup()

    def _folder(self) -> Path:
        # Called from workers only: creating the folder touches the disk.
        with self._lock:
            if self._tmp is None:
                self._tmp = tempfile.TemporaryDirectory(prefix="narration-preview-")
            return Path(self._tmp.name)

    # -- internals -------------------------------------------------------------------------
    def _play(self, url: QUrl) -> None:
        if not self.player.play_url(url):
            self._finish()  # no sound output: the player already reported why

    def _on_fetched(self, voice_id: str, path: Path) -> None:
        if voice_id != self._voice_id:
            return  # the narrator moved on
        self._worker = None
        self._play(QUrl.fromLocalFile(str(path)))

    def _on_fetch_error(self, voice_id: str, error: BaseException) -> None:
        if voice_id != self._voice_id:
            return
        self._worker = None
        self._finish()
        self.error.emit(error)

    def _on_playing(self, playing: bool) -> None:
        if playing:
            self._started = True
        elif self._started and self._worker is None:
            self._finish()

    def _on_player_error(self, error: StudioError) -> None:
        self._finish()
        self.error.emit(error)

    def _finish(self) -> None:
        if self._voice_id is not None:
            self._voice_id = None
            self.playing_changed.emit(False)
