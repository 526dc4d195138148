"""Read a recording (WAV, FLAC, OGG, MP3) as 16-bit mono PCM, for ``narration-studio check``.

libsndfile (through soundfile) decodes all four; several channels are averaged to one.
Failures name the file and the remedy.

MERGE NOTE: main has since gained ``studio.core.recording.decode_recording`` (the align
branch), the same job; on merge this module should go and ``commands/check.py`` use that one
(``rec = decode_recording(path.read_bytes(), path.name)``; ``rec.pcm``, ``rec.sample_rate``).
It lives here, not at ``studio/core/recording.py``, so it cannot clash with that package.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from studio.core.audio import float_to_int16
from studio.errors import StudioError


class RecordingError(StudioError):
    pass


def read_recording(path: Path | str) -> tuple[bytes, int]:
    """``(s16le mono PCM, sample rate)`` of the audio file at ``path``."""
    import soundfile

    path = Path(path)
    if not path.is_file():
        raise RecordingError(f"The recording “{path}” does not exist", "Check the file name and try again.")
    try:
        samples, rate = soundfile.read(str(path), dtype="float32", always_2d=True)
    except (soundfile.LibsndfileError, RuntimeError, TypeError) as error:
        raise RecordingError(
            f"The recording “{path.name}” could not be read ({error})",
            "Use a WAV, FLAC, OGG or MP3 file.",
        ) from None
    if samples.size == 0:
        raise RecordingError(f"The recording “{path.name}” holds no audio", "Choose a file with sound in it.")
    mono = samples.mean(axis=1) if samples.shape[1] > 1 else samples[:, 0]
    return float_to_int16(np.asarray(mono)).tobytes(), int(rate)
