"""Integrated loudness (ITU-R BS.1770-4 / EBU R128) measured as audio streams past, numpy only.

pyloudnorm measures a whole array at once and pulls in scipy; a two-hour export must not sit in
memory, so this meter takes audio in pieces. It K-weights the signal (a high shelf and a high
pass, designed for any sample rate with the libebur128 formulas), keeps the energy of every
100 ms step, and gates 400 ms blocks (75 % overlap) at −70 LUFS absolute and −10 LU relative.
Memory is one float per 100 ms (≈ 580 kB for two hours).

The biquads are applied exactly, not approximated: within a block the recursive part equals
the input convolved with the filter's impulse response (computed once, FFT-convolved) plus the
response to the state carried over from the previous block.
"""

from __future__ import annotations

import math

import numpy as np

_BLOCK = 1 << 15  # samples filtered per FFT pass


def k_weighting(sample_rate: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """The two K-weighting biquads (b, a) for ``sample_rate`` (BS.1770-4, libebur128 design)."""
    fs = float(sample_rate)
    # Stage 1: high shelf, +4 dB above ~1.7 kHz (models the head).
    f0, gain_db, q = 1681.974450955533, 3.999843853973347, 0.7071752369554196
    k = math.tan(math.pi * f0 / fs)
    vh = 10 ** (gain_db / 20)
    vb = vh**0.4996667741545416
    a0 = 1 + k / q + k * k
    shelf_b = np.array([(vh + vb * k / q + k * k) / a0, 2 * (k * k - vh) / a0, (vh - vb * k / q + k * k) / a0])
    shelf_a = np.array([1.0, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0])
    # Stage 2: RLB high pass at ~38 Hz.
    f0, q = 38.13547087602444, 0.5003270373238773
    k = math.tan(math.pi * f0 / fs)
    a0 = 1 + k / q + k * k
    pass_b = np.array([1.0, -2.0, 1.0])
    pass_a = np.array([1.0, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0])
    return [(shelf_b, shelf_a), (pass_b, pass_a)]


class _Biquad:
    """A biquad with state, run block by block with FFT convolution (exact up to rounding)."""

    def __init__(self, b: np.ndarray, a: np.ndarray) -> None:
        self.b, self.a = b, a
        self.x_prev = np.zeros(2)  # x[-2], x[-1]
        self.y_prev = np.zeros(2)  # y[-2], y[-1]
        # Impulse response of 1/A(z) over one block.
        h = np.zeros(_BLOCK)
        y1 = y2 = 0.0
        a1, a2 = float(a[1]), float(a[2])
        for n in range(_BLOCK):
            y = (1.0 if n == 0 else 0.0) - a1 * y1 - a2 * y2
            h[n] = y
            y2, y1 = y1, y
            if n > 64 and abs(y) < 1e-300:
                break
        self.h = h
        self.h_fft = np.fft.rfft(h, 2 * _BLOCK)

    def process(self, x: np.ndarray) -> np.ndarray:
        n = len(x)
        padded = np.concatenate([self.x_prev, x])
        v = self.b[0] * padded[2:] + self.b[1] * padded[1:-1] + self.b[2] * padded[:-2]
        y = np.fft.irfft(np.fft.rfft(v, 2 * _BLOCK) * self.h_fft, 2 * _BLOCK)[:n]
        a1, a2 = float(self.a[1]), float(self.a[2])
        u0 = -a1 * self.y_prev[1] - a2 * self.y_prev[0]
        u1 = -a2 * self.y_prev[1]
        y += u0 * self.h[:n]
        if n > 1:
            y[1:] += u1 * self.h[: n - 1]
        self.x_prev = padded[-2:].copy()
        self.y_prev = np.concatenate([self.y_prev, y])[-2:].copy()
        return y


class LoudnessMeter:
    """Feed mono float samples (−1..1) in order with :meth:`add`; read :meth:`integrated_lufs`."""

    def __init__(self, sample_rate: int) -> None:
        self.sample_rate = sample_rate
        self._filters = [_Biquad(b, a) for b, a in k_weighting(sample_rate)]
        self._step = max(1, round(sample_rate * 0.1))
        self._steps: list[float] = []  # mean square of each complete 100 ms step
        self._partial_sum = 0.0
        self._partial_count = 0
        self.peak = 0.0
        self.samples = 0

    def add(self, samples: np.ndarray) -> None:
        data = np.asarray(samples, dtype=np.float64).reshape(-1)
        if data.size:
            self.peak = max(self.peak, float(np.max(np.abs(data))))
        self.samples += data.size
        for begin in range(0, data.size, _BLOCK):
            block = data[begin : begin + _BLOCK]
            for biquad in self._filters:
                block = biquad.process(block)
            self._accumulate(block * block)

    def _accumulate(self, squares: np.ndarray) -> None:
        position = 0
        need = self._step - self._partial_count
        if self._partial_count and squares.size >= need:
            self._steps.append((self._partial_sum + float(squares[:need].sum())) / self._step)
            self._partial_sum, self._partial_count = 0.0, 0
            position = need
        whole = (squares.size - position) // self._step
        if whole:
            chunk = squares[position : position + whole * self._step].reshape(whole, self._step)
            self._steps.extend((chunk.sum(axis=1) / self._step).tolist())
            position += whole * self._step
        rest = squares[position:]
        self._partial_sum += float(rest.sum())
        self._partial_count += rest.size

    def integrated_lufs(self) -> float:
        """Gated integrated loudness; ``-inf`` for silence or less than 400 ms of audio."""
        steps = np.asarray(self._steps)
        if steps.size < 4:
            return float("-inf")
        blocks = (steps[:-3] + steps[1:-2] + steps[2:-1] + steps[3:]) / 4
        with np.errstate(divide="ignore"):
            loudness = -0.691 + 10 * np.log10(blocks)
        kept = blocks[loudness > -70.0]
        if kept.size == 0:
            return float("-inf")
        relative_gate = -0.691 + 10 * math.log10(float(kept.mean())) - 10.0
        with np.errstate(divide="ignore"):
            kept = kept[-0.691 + 10 * np.log10(kept) > relative_gate]
        if kept.size == 0:
            return float("-inf")
        return -0.691 + 10 * math.log10(float(kept.mean()))


class PeakLimiter:
    """A look-ahead peak limiter for a whole program, built from its block peaks.

    Speech has a high crest factor: bringing quiet narration up to −16 LUFS can push a few
    plosives past full scale. Lowering the whole gain instead would miss the target by
    several dB, so the gain is applied in full and only the samples around a peak are
    turned down, with a 10 ms look-ahead ramp in and a 100 ms ramp out (no clicks, no
    pumping between words). The envelope is kept per 2 ms block (≈ 14 MB for two hours), so
    any length is processed in pieces.
    """

    def __init__(
        self,
        block_peaks: np.ndarray,
        block: int,
        gain: float,
        ceiling: float = 10 ** (-1 / 20),
        attack_blocks: int = 5,
        release_blocks: int = 50,
    ) -> None:
        self.block = block
        self.gain = gain
        peaks = np.asarray(block_peaks, dtype=np.float32) * np.float32(gain)
        need = np.ones_like(peaks)
        loud = peaks > ceiling
        need[loud] = np.float32(ceiling) / peaks[loud]
        env = need.copy()
        for k in range(1, attack_blocks + 1):  # ramp down before a peak (look-ahead)
            np.minimum(env[:-k], need[k:] + np.float32(k / attack_blocks), out=env[:-k])
        released = env.copy()
        for k in range(1, release_blocks + 1):  # ramp back up after it
            np.minimum(released[k:], env[:-k] + np.float32(k / release_blocks), out=released[k:])
        np.minimum(released, 1.0, out=released)
        # Gain at each block edge: the smaller of its two blocks, so interpolating between
        # edges never lets a sample exceed its own block's limit.
        edges = np.empty(released.size + 1, dtype=np.float32)
        edges[0], edges[-1] = released[0], released[-1]
        np.minimum(released[:-1], released[1:], out=edges[1:-1])
        self.edges = edges
        self.limited_blocks = int(loud.sum())

    def apply(self, samples: np.ndarray, offset: int) -> np.ndarray:
        """``samples`` (float, starting at sample ``offset`` of the program) with gain and limiting."""
        n = samples.size
        first = offset // self.block
        last = min((offset + n) // self.block + 1, self.edges.size - 1)
        positions = np.arange(offset, offset + n, dtype=np.float64) / self.block
        edge_index = np.arange(first, last + 1)
        envelope = np.interp(positions, edge_index, self.edges[first : last + 1])
        return samples * (self.gain * envelope)


def block_peaks(samples: np.ndarray, block: int) -> np.ndarray:
    """Peak |sample| of each ``block``-sample block (the last one may be short)."""
    data = np.abs(np.asarray(samples, dtype=np.float32))
    whole = data.size // block
    peaks = data[: whole * block].reshape(whole, block).max(axis=1) if whole else np.empty(0, np.float32)
    if data.size % block:
        peaks = np.append(peaks, data[whole * block :].max())
    return peaks
