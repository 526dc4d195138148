"""A recording file → 16-bit mono PCM at its own rate, or a message naming the file and the remedy.

Decoding is soundfile's (libsndfile 1.2.2, bundled in its wheel): WAV, FLAC and, since
libsndfile 1.1, MP3 (mpg123 inside). Nothing else is needed for the three formats the
studio imports. Channels are averaged: narration is one voice.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

import numpy as np

from studio.errors import StudioError

__all__ = ["MIN_SECONDS", "SILENCE_DBFS", "Recording", "RecordingError", "decode_recording"]

#: Shorter than this holds no narration worth timing.
MIN_SECONDS = 0.3
#: Quieter than this everywhere (peak, dBFS) is silence: no microphone signal reached the file.
SILENCE_DBFS = -50.0
FORMATS_REMEDY = "Import a WAV, FLAC or MP3 file (export the take again from your recording program)."


class RecordingError(StudioError):
    """The recording cannot be used; the script is untouched."""


@dataclass(frozen=True)
class Recording:
    name: str
    #: s16le mono.
    pcm: bytes
    sample_rate: int

    @property
    def n_samples(self) -> int:
        return len(self.pcm) // 2

    @property
    def duration(self) -> float:
        return self.n_samples / self.sample_rate

    def peak_dbfs(self) -> float:
        samples = np.frombuffer(self.pcm, dtype="<i2")
        peak = int(np.abs(samples.astype(np.int32)).max()) if samples.size else 0
        return 20 * math.log10(peak / 32768.0) if peak else -math.inf

    def check_has_sound(self) -> None:
        """Refuse a recording too short or too quiet to hold speech (before anyone times it)."""
        if self.duration < MIN_SECONDS:
            raise RecordingError(f"“{self.name}” is too short to hold narration ({self.duration:.2f} s)",
                                 "Choose the file of the whole take.")
        if self.peak_dbfs() < SILENCE_DBFS:
            raise RecordingError(
                f"“{self.name}” is silent (its loudest moment is {self.peak_dbfs():.0f} dBFS)",
                "Check that the microphone was recording (and not muted), then import the take again.",
            )

    def slice(self, start_sample: int, end_sample: int) -> bytes:
        return self.pcm[2 * start_sample : 2 * end_sample]


def decode_recording(data: bytes, name: str) -> Recording:
    """Decode ``data`` (the file's bytes; ``name`` is only for messages)."""
    import soundfile

    if not data:
        raise RecordingError(f"“{name}” is empty", FORMATS_REMEDY)
    try:
        # 16-bit straight away: an hour of stereo 44.1 kHz is 635 MB this way, twice that as floats.
        samples, rate = soundfile.read(io.BytesIO(data), dtype="int16", always_2d=True)
    except (RuntimeError, TypeError, ValueError, soundfile.LibsndfileError) as error:
        raise RecordingError(f"“{name}” is not audio the studio can read ({_reason(error)})", FORMATS_REMEDY) from None
    if samples.size == 0 or rate <= 0:
        raise RecordingError(f"“{name}” holds no audio", FORMATS_REMEDY)
    if samples.shape[1] == 1:
        mono = samples[:, 0]
    else:
        mono = (samples.sum(axis=1, dtype=np.int32) // samples.shape[1]).astype("<i2")
    return Recording(name, mono.astype("<i2", copy=False).tobytes(), int(rate))


def _reason(error: BaseException) -> str:
    text = str(error).split(":")[-1].strip().rstrip(".")
    return text[:120] or type(error).__name__
