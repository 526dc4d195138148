"""BS.1770 loudness: known signals, gating, streaming in pieces, and pyloudnorm as a reference."""

from __future__ import annotations

import math

import numpy as np
import pytest

from studio.core.loudness import LoudnessMeter, k_weighting


def _sine(rate: int, seconds: float, amplitude: float, freq: float = 997.0) -> np.ndarray:
    t = np.arange(int(rate * seconds)) / rate
    return amplitude * np.sin(2 * np.pi * freq * t)


def _measure(signal: np.ndarray, rate: int, piece: int = 10_007) -> float:
    meter = LoudnessMeter(rate)
    for start in range(0, signal.size, piece):
        meter.add(signal[start : start + piece])
    return meter.integrated_lufs()


def test_48k_coefficients_match_the_standard() -> None:
    (shelf_b, shelf_a), (pass_b, pass_a) = k_weighting(48_000)
    # ITU-R BS.1770-4 tables 1 and 2.
    assert shelf_b == pytest.approx([1.53512485958697, -2.69169618940638, 1.19839281085285], abs=1e-8)
    assert shelf_a == pytest.approx([1.0, -1.69065929318241, 0.73248077421585], abs=1e-8)
    assert pass_b == pytest.approx([1.0, -2.0, 1.0])
    assert pass_a == pytest.approx([1.0, -1.99004745483398, 0.99007225036621], abs=1e-8)


@pytest.mark.parametrize("rate", [48_000, 44_100, 24_000, 22_050, 16_000])
def test_sine_at_minus_20_dbfs_reads_minus_23_lufs(rate: int) -> None:
    # A 997 Hz sine with peak −20 dBFS has mean square −23.01 dB; K-weighting is ~0 dB at 1 kHz.
    assert _measure(_sine(rate, 10, 0.1), rate) == pytest.approx(-23.01, abs=0.1)


def test_level_scales_exactly() -> None:
    rate = 24_000
    loud = _measure(_sine(rate, 5, 0.5), rate)
    quiet = _measure(_sine(rate, 5, 0.05), rate)
    assert loud - quiet == pytest.approx(20.0, abs=0.01)


def test_piece_size_does_not_matter() -> None:
    rate = 22_050
    rng = np.random.default_rng(5)
    signal = rng.standard_normal(rate * 8) * 0.1
    whole = _measure(signal, rate, piece=signal.size)
    assert _measure(signal, rate, piece=333) == pytest.approx(whole, abs=1e-9)
    assert _measure(signal, rate, piece=100_003) == pytest.approx(whole, abs=1e-9)


def test_gating_ignores_silence() -> None:
    rate = 24_000
    tone = _sine(rate, 5, 0.1)
    with_silence = np.concatenate([tone, np.zeros(rate * 20), tone])
    # Ungated it would read 4.8 dB lower; only the blocks straddling an edge differ.
    assert _measure(with_silence, rate) == pytest.approx(_measure(tone, rate), abs=0.2)
    assert _measure(np.zeros(rate * 3), rate) == -math.inf
    assert _measure(_sine(rate, 0.2, 0.1), rate) == -math.inf  # shorter than one 400 ms block


def test_relative_gate_drops_quiet_passages() -> None:
    rate = 24_000
    loud = _sine(rate, 5, 0.3)
    quiet = _sine(rate, 5, 0.003)  # 40 dB down: below the −10 LU relative gate
    assert _measure(np.concatenate([loud, quiet]), rate) == pytest.approx(_measure(loud, rate), abs=0.2)


def test_agrees_with_pyloudnorm() -> None:
    pyloudnorm = pytest.importorskip("pyloudnorm")
    rate = 24_000
    rng = np.random.default_rng(11)
    envelope = np.repeat(rng.uniform(0, 1, 150) ** 3, rate * 15 // 150)
    signal = rng.standard_normal(envelope.size) * 0.1 * envelope
    ours = _measure(signal, rate)
    theirs = pyloudnorm.Meter(rate).integrated_loudness(signal)
    assert ours == pytest.approx(theirs, abs=0.15)


def test_limiter_holds_the_ceiling_and_leaves_the_rest_alone() -> None:
    from studio.core.loudness import PeakLimiter, block_peaks

    rate = 24_000
    signal = _sine(rate, 3, 0.2, freq=300.0)
    signal[rate : rate + 240] *= 4.5  # a 10 ms plosive at 0.9
    block = rate // 500
    gain = 10 ** (6 / 20)  # +6 dB: the plosive would reach 1.8
    limiter = PeakLimiter(block_peaks(signal, block), block, gain)
    out = np.concatenate([limiter.apply(signal[i : i + 7_001], i) for i in range(0, signal.size, 7_001)])
    assert np.max(np.abs(out)) <= 10 ** (-1 / 20) + 1e-6
    far = slice(2 * rate, 3 * rate)  # a second after the peak: full gain, untouched
    assert np.allclose(out[far], signal[far] * gain)
    near = out[rate - block * 5 - 1 : rate]  # the look-ahead ramp is smooth (no step > 25 %)
    ratio = np.abs(near[1:] - near[:-1]).max()
    assert ratio < 0.25
    assert limiter.limited_blocks >= 5
