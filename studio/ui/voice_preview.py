"""Preview a voice: the logic between the Preview button and the playback PreviewPlayer.

ElevenLabs voices carry a ``preview_url`` that QMediaPlayer streams itself. Voices without
one (the offline engine) are asked for ``backend.preview_audio(voice)`` in a worker; the
player then plays those bytes from memory (nothing touches the disk). Other short samples
(the pronunciation editor's Test) play the same way, through :meth:`VoicePreviewPlayer.play_fetched`. Qt audio itself lives
in :mod:`studio.playback`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QUrl, Signal

from studio.cancel import CancelToken
from studio.errors import StudioError
from studio.playback.preview_player import PreviewPlayer
from studio.ui.worker import Worker, WorkerPool

if TYPE_CHECKING:
    from studio.api.models import Voice
    from studio.core.backend import SynthesisBackend


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

    def toggle(self, voice: Voice, backend: SynthesisBackend) -> None:
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
            self._finish_unless(self.player.play_url(QUrl(url)))
            return
        def fetch(token: CancelToken) -> bytes:
            data = backend.preview_audio(voice)
            token.raise_if_cancelled()
            if not data:
                raise NoSampleError(f"The voice “{voice.name}” has no sample to play", "Try another voice.")
            return data

        self._fetch_and_play(voice.voice_id, fetch)

    def play_fetched(self, key: str, fetch: Callable[[CancelToken], bytes]) -> None:
        """Play the audio file ``fetch`` makes in a worker (e.g. a word spoken with a pronunciation
        rule); ``key`` names it, as a voice id names a sample. Whatever was playing stops."""
        self.stop()
        self._voice_id = key
        self._started = False
        self.playing_changed.emit(True)
        self._fetch_and_play(key, fetch)

    def _fetch_and_play(self, key: str, fetch: Callable[[CancelToken], bytes]) -> None:
        worker = Worker(fetch)
        worker.signals.finished.connect(lambda data, v=key: self._on_fetched(v, data))
        worker.signals.errored.connect(lambda err, v=key: self._on_fetch_error(v, err))
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

    # -- internals -------------------------------------------------------------------------
    def _finish_unless(self, playing: bool) -> None:
        if not playing:
            self._finish()  # no sound output: the player already reported why

    def _on_fetched(self, voice_id: str, data: bytes) -> None:
        if voice_id != self._voice_id:
            return  # the narrator moved on
        self._worker = None
        self._finish_unless(self.player.play_bytes(data, _sniff_suffix(data)))

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
