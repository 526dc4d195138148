"""PCM chunks in, an MP3 file out: the audio inside a read-along EPUB.

A small streaming encoder on PyAV's bundled FFmpeg (libmp3lame): int16 mono samples are
encoded as they arrive, so a chapter never sits in memory whole. MP3 because it is one of
the two audio types every EPUB 3 reading system must play (``audio/mpeg``, ``audio/mp4``),
and FFmpeg writes the LAME header with the encoder delay, so decoders trim it and the file
plays exactly as many samples as were written (the overlay's clip times stay true).

The audiobook helper (branch ``m4b``) writes the reusable M4B/MP3 writers; this one exists
because theirs was not committed when the read-along export was written. Same shape (chunks
in, file out), so one can replace the other.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import numpy as np

#: Mono speech: 64 kbit/s is transparent for a voice and keeps a 10-hour book near 290 MB.
DEFAULT_BITRATE = 64_000


class Mp3Encoder:
    """``write(int16 samples)`` any number of times, then ``close()``; ``abort()`` on failure."""

    def __init__(self, path: Path, sample_rate: int, *, bitrate: int = DEFAULT_BITRATE) -> None:
        import av

        self.path = path
        self.sample_rate = sample_rate
        self.samples_written = 0
        self._container = av.open(str(path), "w", format="mp3")
        try:
            self._stream = self._container.add_stream("libmp3lame", rate=sample_rate, layout="mono")
            self._stream.bit_rate = bitrate
        except BaseException:
            self._container.close()
            raise

    def write(self, samples: np.ndarray) -> None:
        import av

        if samples.size == 0:
            return
        frame = av.AudioFrame.from_ndarray(
            np.ascontiguousarray(samples, dtype=np.int16).reshape(1, -1), format="s16p", layout="mono"
        )
        frame.sample_rate = self.sample_rate
        for packet in self._stream.encode(frame):  # PyAV re-frames to the codec's frame size
            self._container.mux(packet)
        self.samples_written += int(samples.size)

    def close(self) -> None:
        for packet in self._stream.encode(None):  # flush the encoder's last frames
            self._container.mux(packet)
        self._container.close()

    def abort(self) -> None:
        with contextlib.suppress(Exception):
            self._container.close()
        with contextlib.suppress(OSError):
            self.path.unlink()
