"""Voice previews: short MP3/WAV clips played with QMediaPlayer.

A preview is a whole file (from a URL or from bytes a backend returned), so it needs a
decoder, not the streaming PCM path. Bytes are played from memory (a QBuffer, with a file
name hint for the format), so nothing touches the disk on the GUI thread.
"""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, QUrl, Signal, Slot
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
        self._buffer: QBuffer | None = None

    def play_url(self, url: str | QUrl) -> bool:
        if not self._check_device():
            return False
        self._player.stop()
        self._drop_buffer()
        self._player.setSource(QUrl(url) if isinstance(url, str) else url)
        self._player.play()
        return True

    def play_bytes(self, data: bytes, suffix: str = ".mp3") -> bool:
        """Play a clip held in memory (``suffix`` tells the decoder the format: .mp3, .wav …)."""
        if not self._check_device():
            return False
        self._player.stop()
        self._drop_buffer()
        buffer = QBuffer(self)
        buffer.setData(QByteArray(data))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self._buffer = buffer
        self._player.setSourceDevice(buffer, QUrl(f"preview{suffix}"))
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
        self._drop_buffer()

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

    def _drop_buffer(self) -> None:
        if self._buffer is not None:
            self._player.setSourceDevice(None)
            self._buffer.close()
            self._buffer.deleteLater()
            self._buffer = None
