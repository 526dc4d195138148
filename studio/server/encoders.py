"""Turn 16-bit mono PCM into the bytes of each ``output_format``, chunk by chunk.

An encoder takes int16 samples already at the format's sample rate (``feed``) and returns the
bytes ready to send; ``finish`` returns whatever is left. Only WAV needs the whole audio
before it can write its header, and WAV is offered only on the non-streaming endpoints.

- ``pcm``: raw s16le, as the API sends it.
- ``ulaw`` / ``alaw``: G.711, computed with numpy (the segment tables of the ITU reference).
- ``mp3``: soundfile's MPEG layer III writer (libsndfile + LAME), fed incrementally. It runs
  at a CONSTANT bitrate so the stream can be sent as it is made: LAME writes a placeholder
  Xing frame first and rewrites it on close, which a stream cannot take back; with CBR that
  frame decodes as a few ms of silence and every decoder can still derive the right length.
- ``opus``: soundfile's Ogg Opus writer (48 kHz only). Ogg pages are written as audio
  arrives and never rewritten, so the stream is a valid .opus file from the first page.
- ``wav``: soundfile, PCM_16.
"""

from __future__ import annotations

import io
from typing import Protocol

import numpy as np
import soundfile as sf

from studio.server.formats import OutputFormat


class Encoder(Protocol):
    def feed(self, samples: np.ndarray) -> bytes: ...

    def finish(self) -> bytes: ...


class PcmEncoder:
    def feed(self, samples: np.ndarray) -> bytes:
        return samples.astype("<i2", copy=False).tobytes()

    def finish(self) -> bytes:
        return b""


_ULAW_SEG_END = np.array([0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF, 0x1FFF])
_ALAW_SEG_END = np.array([0x1F, 0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF])


def linear_to_ulaw(samples: np.ndarray) -> bytes:
    """G.711 μ-law of int16 samples (same bytes as the ITU/Sun reference ``linear2ulaw``)."""
    pcm = samples.astype(np.int32) >> 2
    mask = np.where(pcm < 0, 0x7F, 0xFF)
    pcm = np.minimum(np.abs(pcm), 8159) + (0x84 >> 2)
    seg = np.searchsorted(_ULAW_SEG_END, pcm, side="left")
    uval = (seg << 4) | ((pcm >> (np.minimum(seg, 7) + 1)) & 0x0F)
    uval = np.where(seg >= 8, 0x7F, uval)
    return (uval ^ mask).astype(np.uint8).tobytes()


def linear_to_alaw(samples: np.ndarray) -> bytes:
    """G.711 A-law of int16 samples (same bytes as the ITU/Sun reference ``linear2alaw``)."""
    pcm = samples.astype(np.int32) >> 3
    mask = np.where(pcm >= 0, 0xD5, 0x55)
    pcm = np.where(pcm >= 0, pcm, -pcm - 1)
    seg = np.searchsorted(_ALAW_SEG_END, pcm, side="left")
    shift = np.where(seg < 2, 1, np.minimum(seg, 7))
    aval = (seg << 4) | ((pcm >> shift) & 0x0F)
    aval = np.where(seg >= 8, 0x7F, aval)
    return (aval ^ mask).astype(np.uint8).tobytes()


class G711Encoder:
    def __init__(self, codec: str) -> None:
        self._convert = linear_to_ulaw if codec == "ulaw" else linear_to_alaw

    def feed(self, samples: np.ndarray) -> bytes:
        return self._convert(samples)

    def finish(self) -> bytes:
        return b""


class _GrowingBuffer(io.RawIOBase):
    """A seekable in-memory file that remembers how much of it was already handed out.

    libsndfile seeks back at close to rewrite the MP3 header frame; bytes already sent stay
    as they were (see the module docstring), so ``take`` only ever returns new bytes.
    """

    def __init__(self) -> None:
        super().__init__()
        self._data = bytearray()
        self._pos = 0
        self._sent = 0

    def readable(self) -> bool:
        return True

    def writable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def write(self, data: bytes | bytearray | memoryview) -> int:  # type: ignore[override]
        chunk = bytes(data)
        end = self._pos + len(chunk)
        if end > len(self._data):
            self._data.extend(b"\0" * (end - len(self._data)))
        self._data[self._pos:end] = chunk
        self._pos = end
        return len(chunk)

    def read(self, size: int = -1) -> bytes:
        stop = len(self._data) if size is None or size < 0 else self._pos + size
        chunk = bytes(self._data[self._pos:stop])
        self._pos += len(chunk)
        return chunk

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: len(self._data)}[whence]
        self._pos = base + offset
        return self._pos

    def tell(self) -> int:
        return self._pos

    def take(self) -> bytes:
        chunk = bytes(self._data[self._sent:])
        self._sent = len(self._data)
        return chunk


def mp3_compression_level(sample_rate: int, kbps: int) -> float:
    """libsndfile's compression level that makes LAME pick ``kbps`` in CBR mode.

    libsndfile maps level 0..1 linearly onto 320..32 kbps for MPEG-1 rates (32–48 kHz) and
    onto 160..8 kbps for MPEG-2 rates (16–24 kHz); level 1.0 itself is refused, hence the cap.
    """
    top, bottom = (320, 32) if sample_rate >= 32000 else (160, 8)
    level = 1.0 - (kbps - bottom) / (top - bottom)
    return min(0.99, max(0.0, level))


class Mp3Encoder:
    def __init__(self, sample_rate: int, kbps: int) -> None:
        self._buffer = _GrowingBuffer()
        self._file = sf.SoundFile(
            self._buffer, "w", samplerate=sample_rate, channels=1, format="MP3",
            subtype="MPEG_LAYER_III", bitrate_mode="CONSTANT",
            compression_level=mp3_compression_level(sample_rate, kbps),
        )

    def feed(self, samples: np.ndarray) -> bytes:
        if samples.size:
            self._file.write(samples.astype(np.int16, copy=False))
        return self._buffer.take()

    def finish(self) -> bytes:
        if not self._file.closed:
            self._file.close()
        return self._buffer.take()


def opus_compression_level(kbps: int) -> float:
    """libsndfile maps level 0..1 linearly onto 256..6 kbps (per channel) for Opus."""
    return min(1.0, max(0.0, 1.0 - (kbps * 1000 - 6000) / (256_000 - 6000)))


class OpusEncoder(Mp3Encoder):
    """Ogg Opus, streamed page by page (same incremental buffer as MP3)."""

    def __init__(self, sample_rate: int, kbps: int) -> None:  # noqa: D107 - no super(): other format
        self._buffer = _GrowingBuffer()
        self._file = sf.SoundFile(
            self._buffer, "w", samplerate=sample_rate, channels=1, format="OGG", subtype="OPUS",
            compression_level=opus_compression_level(kbps),
        )


class WavEncoder:
    """Collects everything, then writes one WAV file (its header needs the total length)."""

    def __init__(self, sample_rate: int) -> None:
        self._rate = sample_rate
        self._parts: list[np.ndarray] = []

    def feed(self, samples: np.ndarray) -> bytes:
        self._parts.append(samples.astype(np.int16, copy=False))
        return b""

    def finish(self) -> bytes:
        out = io.BytesIO()
        audio = np.concatenate(self._parts) if self._parts else np.zeros(0, dtype=np.int16)
        sf.write(out, audio, self._rate, format="WAV", subtype="PCM_16")
        return out.getvalue()


def make_encoder(fmt: OutputFormat) -> Encoder:
    if fmt.codec == "pcm":
        return PcmEncoder()
    if fmt.codec in ("ulaw", "alaw"):
        return G711Encoder(fmt.codec)
    if fmt.codec == "mp3":
        return Mp3Encoder(fmt.sample_rate, fmt.bitrate_kbps or 128)
    if fmt.codec == "opus":
        return OpusEncoder(fmt.sample_rate, fmt.bitrate_kbps or 64)
    if fmt.codec == "wav":
        return WavEncoder(fmt.sample_rate)
    raise ValueError(f"no encoder for {fmt.codec}")
