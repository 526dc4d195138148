"""Audio files (MP3, WAV, Ogg, FLAC) to the 16-bit mono PCM the speech cache holds.

History audio comes back as ``audio/mpeg`` whatever format it was made in; the cache and the
player work in s16le mono at the render rate. libsndfile (soundfile) decodes, stereo is mixed
down, and the studio's one resampler (:func:`studio.core.audio.resample`) converts the rate.
Qt-free.
"""

from __future__ import annotations

import io

import numpy as np

from studio.core.audio import float_to_int16, resample
from studio.errors import StudioError

__all__ = ["UndecodableAudioError", "decode_to_pcm"]


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
