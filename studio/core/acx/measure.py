"""The levels ACX asks about, measured as audio streams past (any length, little memory).

RMS is plain (unweighted) RMS over every sample of every channel, as ACX and Audacity's ACX
Check measure it: 0 dBFS is a full-scale square wave, so a full-scale sine reads −3 dBFS.
True peak oversamples 4× with the studio's one interpolation filter
(:func:`studio.core.audio.oversampling_phases`), so a peak between two samples counts.
The rest is read off the energy of 50 ms windows (one float each, ≈ 1 MB for two hours):
the noise floor is the quietest 500 ms, and the room tone at the head and tail is the time
before the first and after the last window louder than :data:`rules.SOUND_DBFS`.
"""

from __future__ import annotations

import math

import numpy as np

from studio.core.acx import rules
from studio.core.audio import oversampling_phases


def dbfs(mean_square: float) -> float:
    return 10 * math.log10(mean_square) if mean_square > 0 else float("-inf")


class TruePeak:
    """The largest |sample| between samples too (4× oversampled), fed block by block per channel."""

    def __init__(self, channels: int) -> None:
        self.phases, self.half = oversampling_phases(rules.OVERSAMPLING)
        # The last 2K samples of each channel (silence before the first).
        self.history = np.zeros((2 * self.half, channels), dtype=np.float32)
        self.peak = 0.0

    def add(self, block: np.ndarray) -> None:
        if not len(block):
            return
        self.peak = max(self.peak, float(np.abs(block).max()))
        buffer = np.concatenate([self.history, block.astype(np.float32, copy=False)])
        for channel in range(buffer.shape[1]):
            self.peak = max(self.peak, float(between_peaks(buffer[:, channel], self.phases).max()))
        self.history = buffer[-2 * self.half :]

    def finish(self) -> float:
        self.add(np.zeros((self.half, self.history.shape[1]), dtype=np.float32))  # the last samples' neighbours
        return self.peak


def between_peaks(buffer: np.ndarray, phases: np.ndarray) -> np.ndarray:
    """|signal| between samples of a mono ``buffer`` (the largest of the in-between phases),
    one value per frame that has K samples on either side."""
    peaks: np.ndarray | None = None
    for phase in phases[1:]:  # phase 0 is the samples themselves
        values = np.abs(np.correlate(buffer, phase, "valid"))
        peaks = values if peaks is None else np.maximum(peaks, values, out=peaks)
    assert peaks is not None
    return peaks


def block_true_peaks(samples: np.ndarray, block: int) -> np.ndarray:
    """Peak of each ``block``-sample block of a mono signal, between samples too (for the limiter)."""
    phases, half = oversampling_phases(rules.OVERSAMPLING)
    data = np.asarray(samples, dtype=np.float32)
    step = block * max(1, (1 << 20) // block)  # whole blocks per piece: nothing the size of the whole
    out = []
    for start in range(0, data.size, step):
        piece = data[start : start + step]
        left = data[max(0, start - half) : start]
        right = data[start + piece.size : start + piece.size + half]
        context = np.concatenate([np.zeros(half - left.size, np.float32), left, piece, right,
                                  np.zeros(half - right.size, np.float32)])
        peaks = np.maximum(np.abs(piece), between_peaks(context, phases))
        whole = peaks.size // block
        out.append(peaks[: whole * block].reshape(whole, block).max(axis=1))
        if peaks.size % block:
            out.append(peaks[whole * block :].max(keepdims=True))
    return np.concatenate(out) if out else np.empty(0, np.float32)


def window_energies(mono: np.ndarray, window: int) -> np.ndarray:
    """Mean square of each ``window``-sample window of a mono signal (the last may be short)."""
    step = window * max(1, (1 << 20) // window)  # whole windows per piece: no copy of the whole in float64
    energies = []
    for start in range(0, mono.size, step):
        piece = np.asarray(mono[start : start + step], dtype=np.float64)
        whole = piece.size // window
        energies.append(np.square(piece[: whole * window]).reshape(whole, window).mean(axis=1))
        if piece.size % window:
            energies.append(np.asarray([np.square(piece[whole * window :]).mean()]))
    return np.concatenate(energies) if energies else np.empty(0)


class AcxMeter:
    """Feed float blocks (frames × channels) in order with :meth:`add`; then read the figures."""

    def __init__(self, sample_rate: int, channels: int) -> None:
        self.sample_rate = sample_rate
        self.window = max(1, round(sample_rate * rules.WINDOW_S))
        self.true_peak = TruePeak(channels)
        self.sum_squares = 0.0
        self.frames = 0
        self.windows: list[float] = []  # mean square of each whole window, all channels
        self._rest = np.zeros((0, channels), dtype=np.float32)

    def add(self, block: np.ndarray) -> None:
        data = np.asarray(block, dtype=np.float32)
        if data.ndim == 1:
            data = data[:, None]
        self.true_peak.add(data)
        squares = data.astype(np.float64) ** 2
        self.sum_squares += float(squares.sum())
        self.frames += data.shape[0]
        joined = np.concatenate([self._rest, data])
        whole = joined.shape[0] // self.window
        if whole:
            energy = (joined[: whole * self.window].astype(np.float64) ** 2).mean(axis=1)
            self.windows.extend(energy.reshape(whole, self.window).mean(axis=1).tolist())
        self._rest = joined[whole * self.window :]

    def window_energies(self) -> np.ndarray:
        """Every window's mean square, the last (short) one included."""
        tail = [float((self._rest.astype(np.float64) ** 2).mean())] if self._rest.shape[0] else []
        return np.asarray(self.windows + tail)

    def rms_dbfs(self) -> float:
        return dbfs(self.sum_squares / (self.frames * self.true_peak.history.shape[1])) if self.frames else float("-inf")

    def figures(self) -> dict[str, float]:
        energies = self.window_energies()
        head, tail = room_tone(energies, self.window, self.frames)
        return {
            "rms_dbfs": self.rms_dbfs(),
            "true_peak_dbfs": 20 * math.log10(p) if (p := self.true_peak.finish()) > 0 else float("-inf"),
            "noise_floor_dbfs": noise_floor(energies),
            "head_s": head / self.sample_rate,
            "tail_s": tail / self.sample_rate,
        }


def noise_floor(energies: np.ndarray) -> float:
    """RMS (dBFS) of the quietest :data:`rules.NOISE_WINDOW_S` stretch (the whole file if shorter)."""
    if energies.size == 0:
        return float("-inf")
    n = max(1, round(rules.NOISE_WINDOW_S / rules.WINDOW_S))
    if energies.size <= n:
        return dbfs(float(energies.mean()))
    sums = np.convolve(energies, np.ones(n), "valid") / n
    return dbfs(float(sums.min()))


def sound_span(energies: np.ndarray, window: int, frames: int) -> tuple[int, int] | None:
    """First and last frame of narration (windows above :data:`rules.SOUND_DBFS`); None if none."""
    loud = np.flatnonzero(energies > 10 ** (rules.SOUND_DBFS / 10))
    if loud.size == 0:
        return None
    return int(loud[0]) * window, min(frames, (int(loud[-1]) + 1) * window)


def room_tone(energies: np.ndarray, window: int, frames: int) -> tuple[int, int]:
    """Frames of room tone before the first and after the last narration (all of it if none)."""
    span = sound_span(energies, window, frames)
    if span is None:
        return frames, frames
    return span[0], frames - span[1]
