"""ACX's audio submission requirements, as numbers, and the verdict on one chapter's figures.

From ACX's "Audio Submission Requirements" (each chapter its own file): RMS between −23 and
−18 dBFS, peaks at most −3 dBFS, noise floor at most −60 dBFS RMS, 0.5–1 s of room tone at the
head and 1–5 s at the tail, 44.1 kHz, 192 kbps or higher constant-bit-rate MP3 (the preset writes
192), at most 120 minutes per file. ACX also says room tone must not be dead silence ("absolute
silence is almost as jarring as a noise floor that is too loud"; Audacity's ACX Check flags
−inf as "too low"), so a floor below DIGITAL_SILENCE_DBFS fails too. These constants are the one place
the limits live: the check, the mastering preset and the advice all read them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

RMS_MIN_DBFS, RMS_MAX_DBFS = -23.0, -18.0
TRUE_PEAK_MAX_DBFS = -3.0
NOISE_FLOOR_MAX_DBFS = -60.0
#: Quieter than this is generated silence, not a room (a real room and microphone sit far above).
DIGITAL_SILENCE_DBFS = -90.0
#: The preset's room tone: well under the −60 dBFS ceiling, far above digital silence, inaudible
#: under the voice.
ROOM_TONE_DBFS = -70.0
HEAD_MIN_S, HEAD_MAX_S = 0.5, 1.0
TAIL_MIN_S, TAIL_MAX_S = 1.0, 5.0
#: What the preset makes and the advice aims at: well inside both windows.
HEAD_TARGET_S, TAIL_TARGET_S = 0.75, 2.5
SAMPLE_RATE = 44100
BITRATE_KBPS = 192
MAX_MINUTES = 120.0

#: The level meter's window. A window louder than SOUND_DBFS (RMS) is narration, not room
#: tone: 15 dB above the loudest noise floor ACX allows, far below any spoken syllable at an
#: RMS of −23 dBFS or more.
WINDOW_S = 0.05
SOUND_DBFS = -45.0
#: The noise floor is the RMS of the quietest stretch this long (ACX measures it in pauses).
NOISE_WINDOW_S = 0.5
#: True peak: the signal between samples too, found by 4× oversampling (ITU-R BS.1770).
OVERSAMPLING = 4


@dataclass(frozen=True)
class Figures:
    """What was measured in one file (levels in dBFS, times in seconds; None: not measured)."""

    duration_s: float
    sample_rate: int
    channels: int
    container: str  # "MP3", "WAV", …
    bitrate_kbps: int | None  # MP3 only, read with mutagen
    bitrate_mode: str | None  # "CBR", "VBR", "ABR" or "unknown"
    rms_dbfs: float | None = None
    true_peak_dbfs: float | None = None
    noise_floor_dbfs: float | None = None
    head_s: float | None = None
    tail_s: float | None = None


@dataclass(frozen=True)
class RuleResult:
    rule: str  # a stable id: "rms", "true_peak", …
    label: str
    value: str  # the figure, in words for people
    passed: bool
    #: What to change when it fails (empty when it passes).
    advice: str = ""


def _db(value: float | None) -> str:
    if value is None:
        return "not measured"
    return "silence" if value == float("-inf") else f"{value:.1f} dBFS"


def evaluate(f: Figures) -> list[RuleResult]:
    """Every ACX rule, passed or failed, with the figure and (on failure) the remedy."""
    results = [_rms(f), _peak(f), _noise(f), _head(f), _tail(f)]
    results.append(RuleResult(
        "sample_rate", "Sample rate", f"{f.sample_rate / 1000:g} kHz", f.sample_rate == SAMPLE_RATE,
        "" if f.sample_rate == SAMPLE_RATE else
        f"ACX takes 44.1 kHz only: export again at 44,100 Hz (the ACX preset does), not {f.sample_rate:,} Hz.",
    ))
    results.append(_format(f))
    minutes = f.duration_s / 60
    results.append(RuleResult(
        "duration", "Length", f"{minutes:.1f} min", minutes <= MAX_MINUTES,
        "" if minutes <= MAX_MINUTES else
        f"ACX takes at most {MAX_MINUTES:g} minutes per file: split this chapter in two (or more) at a "
        "section break and export each part as its own file.",
    ))
    return results


_NOT_MEASURED = "Split the file first; then check each part."


def _ranged(rule: str, label: str, v: float | None, low: float, high: float, shown: str,
            too_low: Callable[[float], str], too_high: Callable[[float], str]) -> RuleResult:
    """A figure that must lie in [low, high]: the remedy depends on which side it misses."""
    ok = v is not None and low <= v <= high
    advice = "" if ok else _NOT_MEASURED if v is None else too_low(v) if v < low else too_high(v)
    return RuleResult(rule, label, shown, ok, advice)


def _rms(f: Figures) -> RuleResult:
    return _ranged(
        "rms", "RMS level", f.rms_dbfs, RMS_MIN_DBFS, RMS_MAX_DBFS, _db(f.rms_dbfs),
        lambda v: (f"Too quiet: raise the level by about {RMS_MIN_DBFS + 2 - v:.0f} dB (to around −20 dBFS RMS), "
                   "limiting the peaks; the ACX preset does this."),
        lambda v: (f"Too loud: lower the level by about {v - RMS_MAX_DBFS + 2:.0f} dB (to around −20 dBFS RMS); "
                   "the ACX preset does this."))


def _peak(f: Figures) -> RuleResult:
    return _ranged(
        "true_peak", "Peak (true peak)", f.true_peak_dbfs, float("-inf"), TRUE_PEAK_MAX_DBFS, _db(f.true_peak_dbfs),
        lambda v: "",
        lambda v: (f"Peaks reach {v:.1f} dBFS (true peak){' — the audio clips' if v >= 0 else ''}: limit them to "
                   "−3.5 dBFS or lower (a true-peak limiter; the ACX preset does this). Clipped audio should be "
                   "re-recorded or re-made, since limiting cannot undo distortion."))


def _noise(f: Figures) -> RuleResult:
    return _ranged(
        "noise_floor", "Noise floor", f.noise_floor_dbfs, DIGITAL_SILENCE_DBFS, NOISE_FLOOR_MAX_DBFS,
        _db(f.noise_floor_dbfs),
        lambda v: ("The pauses are dead digital silence, which ACX says sounds unnatural: fill them with room "
                   f"tone (the ACX preset lays a {ROOM_TONE_DBFS:g} dBFS room tone under the whole file)."),
        lambda v: (f"Even the quietest half second is {v:.1f} dBFS: reduce the background noise (a quieter room, "
                   "noise reduction, or a gate in the pauses) until the pauses sit below −60 dBFS."))


def _seconds(value: float | None) -> str:
    return "not measured" if value is None else f"{value:.2f} s"


def _head(f: Figures) -> RuleResult:
    return _room_tone("head_room_tone", "Room tone at the start", f.head_s, (HEAD_MIN_S, HEAD_MAX_S),
                      HEAD_TARGET_S, "before the first word")


def _tail(f: Figures) -> RuleResult:
    return _room_tone("tail_room_tone", "Room tone at the end", f.tail_s, (TAIL_MIN_S, TAIL_MAX_S),
                      TAIL_TARGET_S, "after the last word")


def _room_tone(rule: str, label: str, v: float | None, limits: tuple[float, float], target: float,
               where: str) -> RuleResult:
    low, high = limits
    span = f"({low:g}–{high:g} s in all)"
    return _ranged(rule, label, v, low, high, _seconds(v),
                   lambda v: f"Add {target - v:.2f} s of room tone {where} {span}.",
                   lambda v: f"Trim {v - target:.2f} s of the silence {where} {span}.")


def _format(f: Figures) -> RuleResult:
    if f.container != "MP3":
        return RuleResult("format", "Format", f.container, False,
                          f"ACX takes MP3 only: export as a {BITRATE_KBPS} kbps constant-bit-rate MP3 (the ACX preset).")
    value = f"MP3 {f.bitrate_kbps} kbps {f.bitrate_mode}"
    if f.bitrate_mode != "CBR":
        return RuleResult("format", "Format", value, False,
                          f"ACX takes constant bit rate only: export again as {BITRATE_KBPS} kbps CBR, not "
                          f"{f.bitrate_mode or 'variable'}.")
    if (f.bitrate_kbps or 0) < BITRATE_KBPS:
        return RuleResult("format", "Format", value, False,
                          f"The bit rate is too low: export again at {BITRATE_KBPS} kbps CBR (ACX takes {BITRATE_KBPS} "
                          "or higher).")
    return RuleResult("format", "Format", value, True)
