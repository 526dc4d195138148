"""Streaming AAC / MP3 encoding with PyAV (``av``, which bundles FFmpeg's encoders).

:class:`PcmEncoder` takes mono int16 PCM in blocks of any size and writes an encoded file as it
goes (MP3 in an MP3 stream, AAC in an MP4/M4B container), so memory stays flat for a book of
any length: only one block and the encoder's own small buffers are ever held. It resamples on
the way when the output rate differs (an ACX MP3 is 44.1 kHz while speech arrives at 22.05 or
24 kHz). Bit rates are constant (CBR) for MP3: retailers such as ACX ask for "192 kbps CBR".

:func:`encode_pcm` is the one-call form (PCM chunks in, finished file out, written atomically)
for anything else that needs an encoded file: the read-along EPUB's audio, ACX chapter files.

Chapter marks are handed to :meth:`PcmEncoder.finish`: FFmpeg writes an MP4's chapter list
(the Nero ``chpl`` atom and a QuickTime chapter track) when the file is closed, which is why
marks found while streaming can still be written. Tags and covers are :mod:`.tags`' job.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np

__all__ = ["CODECS", "ChapterMark", "EncoderSettings", "PcmEncoder", "decoded_samples", "encode_pcm", "int16_samples"]

#: codec name → (FFmpeg encoder, FFmpeg container for a file of that codec)
CODECS: dict[str, tuple[str, str]] = {
    "aac": ("aac", "ipod"),  # "ipod": the MP4 flavour Apple's players want for .m4a/.m4b
    "mp3": ("libmp3lame", "mp3"),
}
_MS = Fraction(1, 1000)
_FRAME = 1 << 14  # samples per frame handed to the encoder (bounded, whatever block arrives)


@dataclass(frozen=True)
class ChapterMark:
    """A chapter in the finished audio: ``start_ms`` … ``end_ms``."""

    title: str
    start_ms: int
    end_ms: int


@dataclass(frozen=True)
class EncoderSettings:
    codec: str = "aac"
    #: Bits per second (constant for MP3).
    bitrate: int = 64_000
    #: Output sample rate; None keeps the input's.
    sample_rate: int | None = None


def int16_samples(samples: np.ndarray | bytes) -> np.ndarray:
    """An int16 array as given, or s16le PCM bytes viewed as one (no copy)."""
    return np.frombuffer(samples, dtype="<i2") if isinstance(samples, (bytes, bytearray, memoryview)) else samples


class PcmEncoder:
    """Mono int16 PCM → ``path`` (no atomic rename here: the caller owns where ``path`` is)."""

    def __init__(self, path: Path | str, input_rate: int, settings: EncoderSettings = EncoderSettings(), *,
                 container_options: dict[str, str] | None = None) -> None:
        import av

        if settings.codec not in CODECS:
            raise ValueError(f"unknown codec {settings.codec!r}")
        encoder, container = CODECS[settings.codec]
        self.path = Path(path)
        self.input_rate = input_rate
        self.output_rate = settings.sample_rate or input_rate
        self.samples_in = 0
        self._container = av.open(str(self.path), "w", format=container, options=container_options or {})
        try:
            self._stream = self._container.add_stream(encoder, rate=self.output_rate, layout="mono")
            self._stream.bit_rate = settings.bitrate
            if settings.codec == "mp3":
                # libmp3lame is CBR unless a VBR quality is asked for; say it outright.
                self._stream.codec_context.options = {"abr": "0"}
            self._resampler = av.AudioResampler(format=self._stream.codec_context.format.name, layout="mono",
                                                rate=self.output_rate)
        except BaseException:
            self._container.close()
            raise

    def write(self, samples: np.ndarray | bytes) -> None:
        """Append int16 samples (an array, or s16le PCM bytes)."""
        import av

        data = np.ascontiguousarray(int16_samples(samples), dtype=np.int16)
        for start in range(0, data.size, _FRAME):
            piece = data[start:start + _FRAME]
            frame = av.AudioFrame.from_ndarray(piece.reshape(1, -1), format="s16", layout="mono")
            frame.sample_rate = self.input_rate
            self.samples_in += piece.size
            self._encode(self._resampler.resample(frame))

    def _encode(self, frames: Iterable[object]) -> None:
        for frame in frames:
            for packet in self._stream.encode(frame):
                self._container.mux(packet)

    def finish(self, chapters: Sequence[ChapterMark] = ()) -> None:
        """Flush the encoder, write the chapter list and close the file."""
        self._encode(self._resampler.resample(None))
        for packet in self._stream.encode(None):
            self._container.mux(packet)
        if chapters:
            self._container.set_chapters([
                {"id": n + 1, "start": c.start_ms, "end": c.end_ms, "time_base": _MS, "metadata": {"title": c.title}}
                for n, c in enumerate(chapters)
            ])
        self._container.close()

    def abort(self) -> None:
        with contextlib.suppress(Exception):
            self._container.close()

    @property
    def duration_ms(self) -> int:
        return self.samples_in * 1000 // self.input_rate


def decoded_samples(path: Path | str) -> int:
    """How many samples a player decodes from an encoded file. It can differ from the samples
    written: FFmpeg trims an MP3's encoder delay exactly (the LAME tag) but, when the input ends a
    few dozen samples into a granule, leaves up to ~47 samples of the padding at the end (about 13 %
    of lengths). Anything that times a file's end for a reader (a read-along clip that must reach
    the end, a media:duration) asks the file. Decoding costs about a twentieth of the encoding."""
    import av

    with av.open(str(path)) as container:
        return sum(frame.samples for frame in container.decode(container.streams.audio[0]))


def encode_pcm(chunks: Iterable[np.ndarray | bytes], path: Path | str, input_rate: int,
               settings: EncoderSettings = EncoderSettings(), *, chapters: Sequence[ChapterMark] = ()) -> Path:
    """Encode ``chunks`` to ``path`` through a temporary file beside it, renamed into place only
    when complete (a failure or an interrupted iterator leaves ``path`` as it was)."""
    from studio.core.files import give_default_permissions

    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=f".partial{path.suffix}")
    os.close(fd)
    try:
        encoder = PcmEncoder(tmp, input_rate, settings)
        try:
            for chunk in chunks:
                encoder.write(chunk)
            encoder.finish(chapters)
        except BaseException:
            encoder.abort()
            raise
        give_default_permissions(tmp)
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
    return path
