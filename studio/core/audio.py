"""Small Qt-free helpers for 16-bit mono PCM: conversion, duration, WAV, resampling.

The resampler is a streaming polyphase windowed-sinc filter (Kaiser window, 16 zero
crossings each side, cutoff just below the lower Nyquist frequency), so a voice made at
22,050 Hz can be delivered as ``pcm_24000`` or ``pcm_16000`` chunk by chunk with no clicks
at chunk edges and no aliasing. Pure numpy.
"""

from __future__ import annotations

import io
import math
import wave
from functools import lru_cache

import numpy as np

SAMPLE_WIDTH = 2  # bytes per s16le sample
_ZERO_CROSSINGS = 16
_KAISER_BETA = 8.6
_ROLLOFF = 0.94
_BLOCK = 16384


def int16_to_float(pcm: bytes | np.ndarray) -> np.ndarray:
    """s16le bytes (or int16 array) → float32 in [-1, 1)."""
    samples = np.frombuffer(pcm, dtype="<i2") if isinstance(pcm, (bytes, bytearray, memoryview)) else pcm
    return samples.astype(np.float32) / 32768.0


def float_to_int16(samples: np.ndarray) -> np.ndarray:
    """float in [-1, 1] → int16, clipped (never wraps around); inverse of int16_to_float."""
    return np.clip(np.round(np.asarray(samples, dtype=np.float64) * 32768.0), -32768, 32767).astype("<i2")


def duration_seconds(pcm: bytes | int, sample_rate: int) -> float:
    """Length of s16le mono audio (bytes or a byte count) in seconds."""
    size = pcm if isinstance(pcm, int) else len(pcm)
    return size / (SAMPLE_WIDTH * sample_rate)


def wav_bytes(pcm: bytes, sample_rate: int) -> bytes:
    """s16le mono PCM wrapped in a WAV container."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(SAMPLE_WIDTH)
        wav.setframerate(sample_rate)
        wav.writeframes(pcm)
    return buffer.getvalue()


@lru_cache(maxsize=16)
def _polyphase(up: int, down: int) -> tuple[np.ndarray, int]:
    """Filter phases (shape ``up × taps``, taps reversed for a dot product) and half-taps K."""
    half_taps = math.ceil(_ZERO_CROSSINGS * max(up, down) / up)
    length = 2 * half_taps * up + 1
    centre = half_taps * up
    cutoff = _ROLLOFF * 0.5 / max(up, down)  # cycles per upsampled sample
    m = np.arange(length) - centre
    h = 2 * cutoff * np.sinc(2 * cutoff * m) * np.kaiser(length, _KAISER_BETA)
    h = h / h.sum() * up  # unity gain at DC after zero-stuffing by ``up``
    # Phase r uses taps h[r + k·up] on samples x[j_hi - k], k = 0 … 2K.
    padded = np.concatenate([h, np.zeros(up - (length % up) if length % up else 0)])
    phases = padded.reshape(-1, up).T[:, : 2 * half_taps + 1]
    return np.ascontiguousarray(phases[:, ::-1], dtype=np.float32), half_taps


def oversampling_phases(factor: int) -> tuple[np.ndarray, int]:
    """The resampler's own interpolation filter for ``factor``× oversampling, as ``factor`` phases.

    Phase r (reversed taps, length 2K+1) gives the sample at input time m + r/factor from input
    samples m−K … m+K. A true-peak meter uses it (BS.1770 asks for ≥ 4× oversampling), so the
    studio has one interpolation filter, not two.
    """
    return _polyphase(factor, 1)


class Resampler:
    """Streaming s16le mono resampler: ``push(bytes) -> bytes``, then ``flush() -> bytes``.

    Output sample n sits at input time n·in/out; pushing audio in any chunking gives the
    same samples as resampling it all at once.
    """

    def __init__(self, in_rate: int, out_rate: int) -> None:
        if in_rate <= 0 or out_rate <= 0:
            raise ValueError("sample rates must be positive")
        self.in_rate = in_rate
        self.out_rate = out_rate
        g = math.gcd(in_rate, out_rate)
        self._up = out_rate // g
        self._down = in_rate // g
        self._passthrough = in_rate == out_rate
        if not self._passthrough:
            self._phases, self._half = _polyphase(self._up, self._down)
            # Zeros before the start stand in for silence before the first sample.
            self._buffer = np.zeros(2 * self._half, dtype=np.float32)
            self._buffer_start = -2 * self._half  # absolute input index of _buffer[0]
        self._received = 0  # input samples so far
        self._next_out = 0  # next output sample index
        self._pending_byte = b""

    def push(self, pcm: bytes) -> bytes:
        data = self._pending_byte + pcm
        if len(data) % 2:
            data, self._pending_byte = data[:-1], data[-1:]
        else:
            self._pending_byte = b""
        if self._passthrough:
            return data
        samples = np.frombuffer(data, dtype="<i2").astype(np.float32)
        self._buffer = np.concatenate([self._buffer, samples])
        self._received += len(samples)
        # Output n needs input up to floor(n·down/up) + K.
        last = ((self._received - 1 - self._half) * self._up) // self._down if self._received else -1
        return self._produce(last + 1)

    def flush(self) -> bytes:
        """The remaining output, as if silence followed the input."""
        if self._passthrough:
            return b""
        total_out = -(-self._received * self._up // self._down)  # ceil
        self._buffer = np.concatenate([self._buffer, np.zeros(self._half + 1, dtype=np.float32)])
        return self._produce(total_out)

    def _produce(self, end: int) -> bytes:
        start = self._next_out
        if end <= start:
            return b""
        width = 2 * self._half + 1
        pieces: list[np.ndarray] = []
        for block_start in range(start, end, _BLOCK):
            n = np.arange(block_start, min(end, block_start + _BLOCK), dtype=np.int64)
            position = n * self._down
            j_hi = position // self._up + self._half
            phase = position % self._up
            # Rows of samples x[j_hi-2K … j_hi] (ascending), matched with the reversed taps.
            first = j_hi - 2 * self._half - self._buffer_start
            index = first[:, None] + np.arange(width)[None, :]
            windows = self._buffer[index]
            pieces.append(np.einsum("ij,ij->i", windows, self._phases[phase]))
        self._next_out = end
        # Drop input no later output will need.
        keep_from = (end * self._down) // self._up + self._half - 2 * self._half - self._buffer_start
        if keep_from > 0:
            self._buffer = self._buffer[keep_from:]
            self._buffer_start += keep_from
        out = np.concatenate(pieces)
        return np.clip(np.round(out), -32768, 32767).astype("<i2").tobytes()


def resample(pcm: bytes, in_rate: int, out_rate: int) -> bytes:
    """Resample a whole s16le mono buffer."""
    resampler = Resampler(in_rate, out_rate)
    return resampler.push(pcm) + resampler.flush()


def resample_pcm16(samples: np.ndarray, in_rate: int, out_rate: int) -> np.ndarray:
    """Resample a whole int16 mono array (one-shot; use :class:`Resampler` for streams)."""
    if in_rate == out_rate:
        return samples
    data = np.asarray(samples, dtype="<i2").tobytes()
    return np.frombuffer(resample(data, in_rate, out_rate), dtype="<i2")
