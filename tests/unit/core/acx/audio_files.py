"""Real audio files for the ACX tests: speech-like sound, written with PyAV (FFmpeg's LAME)."""

from __future__ import annotations

from pathlib import Path

import numpy as np


def speech_like(seconds: float, rate: int, *, seed: int = 1) -> np.ndarray:
    """A voice-like signal (harmonics of a gliding 110–150 Hz pitch in syllables and word gaps), RMS 1 over its sound."""
    rng = np.random.default_rng(seed)
    t = np.arange(round(seconds * rate)) / rate
    pitch = 130 + 20 * np.sin(2 * np.pi * 0.7 * t)
    phase = 2 * np.pi * np.cumsum(pitch) / rate
    voiced = sum(np.sin(k * phase) / k for k in range(1, 20))
    syllables = np.clip(np.sin(2 * np.pi * 4.0 * t), 0, None) ** 1.5
    words = (np.sin(2 * np.pi * 0.5 * t + 0.3) > -0.6).astype(float)  # a short gap every two seconds
    signal = voiced * syllables * words + 0.05 * rng.standard_normal(t.size) * syllables * words
    return signal / np.sqrt(np.mean(signal[signal != 0] ** 2))


def chapter(rate: int = 44100, *, seconds: float = 8.0, rms_dbfs: float = -20.0, head: float = 0.75,
            tail: float = 2.5, floor_dbfs: float | None = -70.0, seed: int = 1) -> np.ndarray:
    """Room tone, speech at about ``rms_dbfs`` (whole-file RMS), room tone: float mono."""
    body = speech_like(seconds, rate, seed=seed)
    audio = np.concatenate([np.zeros(round(head * rate)), body, np.zeros(round(tail * rate))])
    audio *= 10 ** (rms_dbfs / 20) / np.sqrt(np.mean(audio**2))
    if floor_dbfs is not None:
        audio += 10 ** (floor_dbfs / 20) * np.random.default_rng(seed + 1).standard_normal(audio.size)
    return audio


def write_mp3(path: Path, samples: np.ndarray, rate: int = 44100, *, kbps: int = 192, vbr: bool = False) -> Path:
    """``samples`` (float mono) as an MP3: CBR at ``kbps``, or LAME VBR (quality 4)."""
    import av

    with av.open(str(path), "w", format="mp3") as out:
        stream = out.add_stream("libmp3lame", rate=rate, layout="mono")
        if vbr:
            stream.codec_context.qscale = 4
            stream.codec_context.flags |= av.codec.context.Flags.qscale
        else:
            stream.bit_rate = kbps * 1000
        frame = av.AudioFrame.from_ndarray(np.asarray(samples, np.float32)[None, :], format="fltp", layout="mono")
        frame.sample_rate = rate
        for packet in stream.encode(frame):
            out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return path


def write_wav(path: Path, samples: np.ndarray, rate: int = 44100) -> Path:
    import soundfile

    soundfile.write(str(path), np.asarray(samples, np.float32), rate, subtype="PCM_16")
    return path
