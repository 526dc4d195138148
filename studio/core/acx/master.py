"""The ACX preset's processing, PCM in → PCM out: level, true-peak limit, room tone, 44.1 kHz.

1. Resample to 44.1 kHz with the studio's one resampler (streamed, a piece at a time).
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

Memory: the chapter as float32 and the result as int16 (≈ 950 MB an hour at 44.1 kHz; float64
and the room tone only a piece at a time); ACX allows at most 120 minutes per file, and longer audio is
refused before anything is processed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from studio.core.acx import rules
from studio.core.acx.measure import block_true_peaks, dbfs, sound_span, window_energies
from studio.core.audio import Resampler, float_to_int16, int16_to_float
from studio.core.loudness import PeakLimiter
from studio.errors import StudioError

TARGET_RMS_DBFS = -20.0
PEAK_CEILING_DBFS = -4.0
HEAD_S = rules.HEAD_TARGET_S
TAIL_S = rules.TAIL_TARGET_S
_TRIES = 4
_LIMITER_BLOCK_S = 0.002
_PIECE = 1 << 20  # samples processed at once in float64


class AcxMasteringError(StudioError):
    """The audio cannot be made into an ACX chapter (silent, or too long)."""


@dataclass(frozen=True)
class Mastered:
    #: int16 mono at 44.1 kHz, ready for the 192 kbps CBR MP3 encoder.
    samples: np.ndarray
    #: Where the input's sample 0 now sits, in seconds (negative: lead-in was trimmed);
    #: subtitles and chapter marks move by this much.
    shift_s: float
    rms_dbfs: float


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
    audio = _at_rate(pcm, sample_rate, rate)
    window = round(rate * rules.WINDOW_S)
    energies = window_energies(audio, window)
    rms = dbfs(_mean_square(audio))
    if not np.isfinite(rms):
        raise AcxMasteringError(f"{name} is silent", "Check the script has words to speak, then export again.")
    # Where the narration is, judged at roughly the level it will have (the meter's own rule).
    span = sound_span(energies * 10 ** ((TARGET_RMS_DBFS - rms) / 10), window, audio.size)
    if span is None:  # only whispers below the narration threshold even at full gain
        raise AcxMasteringError(f"{name} holds no narration loud enough to master",
                                "Listen to it: the voice may be missing or far too quiet.")
    first, last = span
    head, tail = round(HEAD_S * rate), round(TAIL_S * rate)
    keep_from, keep_to = max(0, first - head), min(audio.size, last + tail)
    body = np.concatenate([np.zeros(head - (first - keep_from), np.float32), audio[keep_from:keep_to],
                           np.zeros(tail - (keep_to - last), np.float32)])
    del audio
    block = max(1, round(_LIMITER_BLOCK_S * rate))
    peaks = block_true_peaks(body, block)
    ceiling = 10 ** (ceiling_dbfs / 20)
    gain = 10 ** ((TARGET_RMS_DBFS - dbfs(_mean_square(body))) / 20)
    out = np.empty(body.size, np.int16)
    for _ in range(_TRIES):
        achieved = _render(body, rate, PeakLimiter(peaks, block, gain, ceiling=ceiling), out)
        miss = TARGET_RMS_DBFS - achieved
        if abs(miss) < 0.1:
            break
        gain *= 10 ** (miss / 20)
    return Mastered(out, (head - first) / rate, achieved)  # input sample s is now at s + head − first


def _at_rate(pcm: bytes, sample_rate: int, rate: int) -> np.ndarray:
    """``pcm`` as float32 at ``rate``, through the studio's streaming resampler a piece at a time
    (resampling an hour in one go holds several float copies of it)."""
    if sample_rate == rate:
        return int16_to_float(pcm)
    resampler = Resampler(sample_rate, rate)
    out = np.empty(-(-(len(pcm) // 2) * rate // sample_rate) + 1, np.float32)
    filled = 0

    def put(chunk: bytes) -> None:
        nonlocal filled
        samples = int16_to_float(chunk)
        out[filled : filled + samples.size] = samples
        filled += samples.size

    for at in range(0, len(pcm), 2 * _PIECE):
        put(resampler.push(pcm[at : at + 2 * _PIECE]))
    put(resampler.flush())
    return out[:filled]


def _mean_square(samples: np.ndarray) -> float:
    total = sum(float(np.square(samples[i : i + _PIECE], dtype=np.float64).sum()) for i in range(0, samples.size, _PIECE))
    return total / samples.size if samples.size else 0.0


def _render(body: np.ndarray, rate: int, limiter: PeakLimiter, out: np.ndarray) -> float:
    """``out`` (int16) = limited ``body`` + room tone, a piece at a time (float64 only per piece); its RMS."""
    total = 0.0
    for start, tone in room_tone(body.size, rate):
        piece = limiter.apply(body[start : start + tone.size].astype(np.float64), start) + tone
        total += float(np.square(piece).sum())
        out[start : start + piece.size] = float_to_int16(piece)
    return dbfs(total / body.size) if body.size else float("-inf")


def room_tone(n: int, rate: int, *, seed: int = 0) -> Iterator[tuple[int, np.ndarray]]:
    """``n`` samples of steady, soft noise at :data:`rules.ROOM_TONE_DBFS` RMS as (offset, piece)
    pairs, the same every time (so each try of the gain hears the same tone)."""
    # White noise through a short Hann-window FIR (≈ −6 dB at 4 kHz at 44.1 kHz): a room's air,
    # not a hiss. Scaled by the filter's own power gain.
    taps = np.hanning(11)
    taps /= taps.sum()
    scale = 10 ** (rules.ROOM_TONE_DBFS / 20) / np.sqrt(np.sum(taps**2))
    rng = np.random.default_rng(seed)
    carry = rng.standard_normal(taps.size - 1)
    for start in range(0, n, _PIECE):
        noise = np.concatenate([carry, rng.standard_normal(min(_PIECE, n - start))])
        yield start, np.convolve(noise, taps, "valid") * scale
        carry = noise[-(taps.size - 1) :]
