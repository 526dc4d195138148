"""The ACX preset's processing, PCM in → PCM out: level, true-peak limit, room tone, 44.1 kHz.

1. Resample to 44.1 kHz with the studio's one resampler.
2. Find the narration (the meter's own rule: 50 ms windows above −45 dBFS) after a first,
   rough gain, and give it exactly HEAD_S of lead-in and TAIL_S of tail: the recording's own
   quiet where it has that much, silence added where it has less, the rest trimmed.
3. Gain to an RMS of −20 dBFS (the middle of ACX's −23…−18 window), with the studio's one
   look-ahead peak limiter (:class:`studio.core.loudness.PeakLimiter`) fed *true* peaks
   (4× oversampled), ceiling −4 dBTP: a dB under ACX's −3 for what MP3 encoding adds to peaks.
   Limiting takes a little RMS away, so the gain is re-measured and corrected a few times.
4. Lay a constant room tone at −70 dBFS under the whole file. ACX wants room tone, not dead
   digital silence ("absolute silence is almost as jarring as a noise floor that is too
   loud"); −70 dBFS is 10 dB inside ACX's −60 dBFS noise-floor limit and inaudible under the
   voice. It is soft noise (white noise through a gentle low-pass), not hiss.

Whole-chapter arrays: ACX allows at most 120 minutes per file (≈ 1.3 GB of float32 at worst);
longer audio is refused before anything is processed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from studio.core.acx import rules
from studio.core.acx.measure import AcxMeter, block_true_peaks, dbfs, sound_span
from studio.core.audio import int16_to_float, resample
from studio.core.loudness import PeakLimiter
from studio.errors import StudioError

TARGET_RMS_DBFS = -20.0
PEAK_CEILING_DBFS = -4.0
HEAD_S = rules.HEAD_TARGET_S
TAIL_S = rules.TAIL_TARGET_S
_TRIES = 4
_LIMITER_BLOCK_S = 0.002


class AcxMasteringError(StudioError):
    """The audio cannot be made into an ACX chapter (silent, or too long)."""


@dataclass(frozen=True)
class Mastered:
    #: Float mono at 44.1 kHz, ready for the 192 kbps CBR MP3 encoder.
    samples: np.ndarray
    #: Where the input's sample 0 now sits, in seconds (negative: lead-in was trimmed);
    #: subtitles and chapter marks move by this much.
    shift_s: float
    rms_dbfs: float
    true_peak_dbfs: float


def master_pcm(pcm: bytes, sample_rate: int, *, name: str = "the chapter",
               ceiling_dbfs: float = PEAK_CEILING_DBFS) -> Mastered:
    """``pcm`` (s16le mono at ``sample_rate``) mastered for ACX; ``name`` is for messages."""
    minutes = len(pcm) / 2 / sample_rate / 60
    if minutes > rules.MAX_MINUTES:
        raise AcxMasteringError(
            f"{name} is {minutes:.0f} minutes long; ACX takes at most {rules.MAX_MINUTES:g} minutes per file",
            "Split the chapter in two at a section break (or export one file per chapter) and export again. "
            "The speech already made is kept, so nothing is requested twice.",
        )
    rate = rules.SAMPLE_RATE
    audio = int16_to_float(pcm if sample_rate == rate else resample(pcm, sample_rate, rate)).astype(np.float32)
    rms = dbfs(float(np.mean(audio.astype(np.float64) ** 2))) if audio.size else float("-inf")
    if not np.isfinite(rms):
        raise AcxMasteringError(f"{name} is silent", "Check the script has words to speak, then export again.")
    rough = audio * np.float32(10 ** ((TARGET_RMS_DBFS - rms) / 20))
    meter = AcxMeter(rate, 1)
    meter.add(rough)
    span = sound_span(meter.window_energies(), meter.window, rough.size)
    if span is None:  # only whispers below the narration threshold even at full gain
        raise AcxMasteringError(f"{name} holds no narration loud enough to master",
                                "Listen to it: the voice may be missing or far too quiet.")
    first, last = span
    head, tail = round(HEAD_S * rate), round(TAIL_S * rate)
    keep_from, keep_to = max(0, first - head), min(audio.size, last + tail)
    body = np.concatenate([np.zeros(head - (first - keep_from), np.float32), audio[keep_from:keep_to],
                           np.zeros(tail - (keep_to - last), np.float32)])
    shift = head - first  # input sample s is now at s + shift
    tone = room_tone(body.size, rate)
    block = max(1, round(_LIMITER_BLOCK_S * rate))
    peaks = block_true_peaks(body, block)
    ceiling = 10 ** (ceiling_dbfs / 20)
    gain = 10 ** ((TARGET_RMS_DBFS - dbfs(float(np.mean(body.astype(np.float64) ** 2)))) / 20)
    for _ in range(_TRIES):
        out = PeakLimiter(peaks, block, gain, ceiling=ceiling).apply(body.astype(np.float64), 0) + tone
        miss = TARGET_RMS_DBFS - dbfs(float(np.mean(out**2)))
        if abs(miss) < 0.1:
            break
        gain *= 10 ** (miss / 20)
    out = out.astype(np.float32)
    check = AcxMeter(rate, 1)
    check.add(out)
    return Mastered(out, shift / rate, check.rms_dbfs(), check.figures()["true_peak_dbfs"])


def room_tone(n: int, rate: int, *, seed: int = 0) -> np.ndarray:
    """``n`` samples of steady, soft noise at :data:`rules.ROOM_TONE_DBFS` RMS (the same every time)."""
    noise = np.random.default_rng(seed).standard_normal(n + 16)
    # A short Hann-window FIR (≈ −6 dB at 4 kHz at 44.1 kHz): a room's air, not a hiss.
    taps = np.hanning(11)
    smoothed = np.convolve(noise, taps / taps.sum(), "valid")[:n]
    smoothed *= 10 ** (rules.ROOM_TONE_DBFS / 20) / np.sqrt(np.mean(smoothed**2)) if n else 1.0
    return smoothed
