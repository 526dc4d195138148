"""Audio files (MP3, WAV, Ogg, FLAC) to the 16-bit mono PCM the speech cache holds.

History audio comes back as ``audio/mpeg`` whatever format it was made in; the cache and the
player work in s16le mono at the render rate. libsndfile (soundfile) decodes, stereo is mixed
down, and the studio's one resampler (:func:`studio.core.audio.resample`) converts the rate.
:func:`stream_file` is the same decoder for a file on disk read in blocks of floats, every
channel kept (the ACX check measures two-hour chapters without holding them). Qt-free.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from studio.core.audio import float_to_int16, resample
from studio.errors import StudioError

__all__ = ["AudioFileInfo", "UndecodableAudioError", "decode_to_pcm", "file_info", "stream_file"]


class UndecodableAudioError(StudioError):
    """The bytes are not audio a decoder here can read."""


def decode_to_pcm(data: bytes, sample_rate: int) -> bytes:
    """``data`` (a whole audio file) as s16le mono PCM at ``sample_rate``."""
    import soundfile as sf

    try:
        samples, rate = sf.read(io.BytesIO(data), dtype="float32", always_2d=True)
    except (sf.LibsndfileError, RuntimeError, TypeError) as error:
        raise UndecodableAudioError(
            f"The audio could not be read ({error})",
            "Download it again; if that keeps failing, the file on the server is damaged.",
        ) from None
    mono = samples.mean(axis=1) if samples.shape[1] > 1 else samples[:, 0]
    pcm = float_to_int16(np.asarray(mono)).tobytes()
    return pcm if int(rate) == sample_rate else resample(pcm, int(rate), sample_rate)


@dataclass(frozen=True)
class AudioFileInfo:
    sample_rate: int
    channels: int
    frames: int
    #: libsndfile's name for the container ("MP3", "WAV", …).
    container: str

    @property
    def seconds(self) -> float:
        return self.frames / self.sample_rate if self.sample_rate else 0.0


_NOT_AUDIO_REMEDY = "Choose the audio file itself (MP3, WAV or FLAC); export it again if it is damaged."


def _unreadable(path: Path, error: BaseException) -> UndecodableAudioError:
    reason = str(error).split(":")[-1].strip().rstrip(".")[:120] or type(error).__name__
    return UndecodableAudioError(f"“{path.name}” is not audio that can be read ({reason})", _NOT_AUDIO_REMEDY)


def file_info(path: Path) -> AudioFileInfo:
    """The rate, channels and length of an audio file, from its header (nothing decoded)."""
    import soundfile as sf

    try:
        info = sf.info(str(path))
    except (sf.LibsndfileError, RuntimeError, TypeError, ValueError) as error:
        raise _unreadable(path, error) from None
    return AudioFileInfo(int(info.samplerate), int(info.channels), int(info.frames), str(info.format))


def stream_file(path: Path, block_frames: int = 1 << 16) -> Iterator[np.ndarray]:
    """The file's audio as float32 blocks of shape (frames, channels), in order."""
    import soundfile as sf

    try:
        with sf.SoundFile(str(path)) as handle:
            while True:
                block = handle.read(block_frames, dtype="float32", always_2d=True)
                if not len(block):
                    return
                yield block
    except (sf.LibsndfileError, RuntimeError, TypeError, ValueError) as error:
        raise _unreadable(path, error) from None
