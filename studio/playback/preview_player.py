"""Voice previews: short MP3/WAV clips played with QMediaPlayer.

A preview is a whole file (from a URL or from bytes a backend returned), so it needs a
decoder, not the streaming PCM path. Bytes are written to a private temporary file because
QMediaPlayer's FFmpeg backend reads files and URLs most reliably; the file is removed when
the next preview starts or the player is shut down.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from PySide6.QtCore import QObject, QUrl, Signal, Slot
from PySide6.QtMultimedia import QAudioOutput, QMediaDevices, QMediaPlayer

from studio.errors import StudioError
from studio.playback.pcm_player import NoAudioOutputError


class PreviewError(StudioError):
    def __init__(self, detail: str) -> None:
        super().__init__(
            f"The voice preview could not be played ({detail})",
            "Try another voice, or check your sound output and try again.",
        )


class PreviewPlayer(QObject):
    #: True while a preview is playing.
    playing_changed = Signal(bool)
    #: A StudioError for a person.
    error = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._output = QAudioOutput(self)
        self._player = QMediaPlayer(self)
        self._player.setAudioOutput(self._output)
        self._player.playbackStateChanged.connect(self._on_state)
        self._player.errorOccurred.connect(self._on_error)
        self._temp: Path | None = None

    def play_url(self, url: str | QUrl) -> bool:
        if not self._check_device():
            return False
        self._player.stop()
        self._drop_temp()
        self._player.setSource(QUrl(url) if isinstance(url, str) else url)
        self._player.play()
        return True

    def play_bytes(self, data: bytes, suffix: str = ".mp3") -> bool:
        """Play a clip held in memory (``suffix`` tells the decoder the format: .mp3, .wav …)."""
        if not self._check_device():
            return False
        self._player.stop()
        self._drop_temp()
        fd, name = tempfile.mkstemp(prefix="studio-preview-", suffix=suffix)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        self._temp = Path(name)
        self._player.setSource(QUrl.fromLocalFile(name))
        self._player.play()
        return True

    @Slot()
    def stop(self) -> None:
        self._player.stop()

    def set_volume(self, volume: float) -> None:
        self._output.setVolume(max(0.0, min(1.0, volume)))

    @property
    def is_playing(self) -> bool:
        return self._player.playbackState() == QMediaPlayer.PlaybackState.PlayingState

    def shutdown(self) -> None:
        self._player.stop()
        self._player.setSource(QUrl())
        self._drop_temp()

    def _check_device(self) -> bool:
        if not QMediaDevices.audioOutputs():
            self.error.emit(NoAudioOutputError())
            return False
        self._output.setDevice(QMediaDevices.defaultAudioOutput())
        return True

    def _on_state(self, state: QMediaPlayer.PlaybackState) -> None:
        self.playing_changed.emit(state == QMediaPlayer.PlaybackState.PlayingState)

    def _on_error(self, error: QMediaPlayer.Error, text: str) -> None:
        if error != QMediaPlayer.Error.NoError:
            self.error.emit(PreviewError(text or "unknown format"))

    def _drop_temp(self) -> None:
        if self._temp is not None:
            self._temp.unlink(missing_ok=True)
            self._temp = None
