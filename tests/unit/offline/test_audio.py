"""studio.core.audio: PCM conversions, WAV, and the streaming resampler."""

from __future__ import annotations

import io
import wave

import numpy as np
import pytest

from studio.core.audio import (
    Resampler,
    duration_seconds,
    float_to_int16,
    int16_to_float,
    resample,
    resample_pcm16,
    wav_bytes,
)

RATE = 22050


def tone(freq: float, seconds: float = 1.0, rate: int = RATE, level: float = 16000) -> bytes:
    t = np.arange(int(seconds * rate)) / rate
    return (np.sin(2 * np.pi * freq * t) * level).astype("<i2").tobytes()


def test_int16_float_round_trip_and_clipping() -> None:
    samples = np.array([-32768, -1, 0, 1, 32767], dtype="<i2")
    floats = int16_to_float(samples.tobytes())
    assert floats.dtype == np.float32 and floats.min() == -1.0
    assert np.array_equal(float_to_int16(floats), samples)
    assert list(float_to_int16(np.array([2.0, -2.0]))) == [32767, -32768]


def test_duration_and_wav() -> None:
    pcm = tone(440, 0.5)
    assert duration_seconds(pcm, RATE) == pytest.approx(0.5)
    with wave.open(io.BytesIO(wav_bytes(pcm, RATE))) as wav:
        assert (wav.getframerate(), wav.getnchannels(), wav.getsampwidth()) == (RATE, 1, 2)
        assert wav.readframes(wav.getnframes()) == pcm


@pytest.mark.parametrize("out_rate", [8000, 16000, 24000, 44100, 48000])
def test_resampled_tone_keeps_its_shape_and_length(out_rate: int) -> None:
    pcm = tone(440)
    out = np.frombuffer(resample(pcm, RATE, out_rate), dtype="<i2")
    assert len(out) == out_rate  # one second in, one second out
    t = np.arange(len(out)) / out_rate
    expected = np.sin(2 * np.pi * 440 * t) * 16000
    # Within a few LSB away from the edges (the filter sees silence before/after).
    assert np.abs(out[300:-300] - expected[300:-300]).max() < 4


def test_no_aliasing_when_downsampling() -> None:
    # 10 kHz is above the 8 kHz Nyquist of 16 kHz audio: it must vanish, not fold to 6 kHz.
    out = np.frombuffer(resample(tone(10_000), RATE, 16000), dtype="<i2").astype(np.float64)
    assert np.sqrt(np.mean(out[500:-500] ** 2)) < 20  # from an input RMS of ~11,300


def test_streaming_in_any_chunking_equals_one_shot() -> None:
    pcm = tone(300) + tone(1200)
    whole = resample(pcm, RATE, 24000)
    rng = np.random.default_rng(0)
    resampler = Resampler(RATE, 24000)
    parts = []
    i = 0
    while i < len(pcm):
        size = int(rng.integers(1, 3000))  # odd sizes split samples across pushes
        parts.append(resampler.push(pcm[i : i + size]))
        i += size
    parts.append(resampler.flush())
    assert b"".join(parts) == whole


def test_same_rate_is_a_passthrough() -> None:
    pcm = tone(440, 0.1)
    assert resample(pcm, RATE, RATE) == pcm
    samples = np.frombuffer(pcm, dtype="<i2")
    assert resample_pcm16(samples, RATE, RATE) is samples
    assert len(resample_pcm16(samples, RATE, 44100)) == 2 * len(samples)
