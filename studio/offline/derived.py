"""Voices derived from the bundled Joe voice, so a cast can be tried with no account (issue 11, 5).

Piper ships one voice with the studio. A dialogue needs voices a listener can tell apart, so
three more are made from Joe's model by changing how it is run, never by another model:

* **pitch** by resampling with time correction: the model speaks ``pitch`` times slower
  (its ``length_scale`` × ``pitch``), then the audio is resampled to ``1/pitch`` of its length.
  The duration comes back to normal while the voice (its pitch and formants, the size of the
  "speaker") moves up or down by ``pitch``. Band-limited (FFT) resampling: no aliasing.
* **tempo**: Piper's ``length_scale`` ÷ ``tempo`` (speaking rate; the ``speed`` setting
  still applies on top).
* **noise**: Piper's two noise scales × ``noise`` (livelier or flatter delivery).

Every derived voice says so in its name and description ("derived from Joe …"), so no one
mistakes it for another recording. Timings stay exact: the aligner scales the model's
phoneme durations to the audio's real length (:meth:`OfflineEngine._align`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from studio.offline.voices import OfflineVoice

__all__ = ["DERIVED", "Derivation", "derived_voices", "shift_pitch"]


@dataclass(frozen=True)
class Derivation:
    """How a derived voice is run: see the module notes."""

    suffix: str
    name: str
    how: str
    pitch: float = 1.0
    tempo: float = 1.0
    noise: float = 1.0


#: Pitches ≥ 15 % apart from Joe's and from each other (Joe's median is about 95 Hz), so the
#: four are heard as four people. Each name starts with Joe's, so the list shows Joe himself
#: first (a new user's default voice stays the recorded one) and says where they come from.
DERIVED: tuple[Derivation, ...] = (
    Derivation("higher", "Higher", "higher and a little quicker", pitch=1.35, tempo=1.06, noise=1.1),
    Derivation("highest", "Highest", "much higher and lighter", pitch=1.75, tempo=1.0, noise=0.9),
    Derivation("lower", "Lower", "lower and slower", pitch=0.72, tempo=0.92, noise=0.8),
)


def derived_voices(base: OfflineVoice) -> list[OfflineVoice]:
    """The voices derived from ``base`` (the bundled voice), labelled as derived."""
    short = base.name.split(" (")[0]
    voices = []
    for d in DERIVED:
        voices.append(replace(
            base,
            voice_id=f"{base.voice_id}-{d.suffix}",
            name=f"{short} {d.name} (offline, derived from {short})",
            gender=None,  # a shifted voice is not a recording of anyone
            description=(f"{short}'s offline voice made {d.how} (pitch × {d.pitch:g}, tempo × {d.tempo:g}) "
                         f"so a cast can have several voices with no account. Derived from {short}, "
                         "not another recording."),
            pitch=d.pitch, tempo=d.tempo, noise=d.noise, derived_from=base.voice_id,
        ))
    return voices


def shift_pitch(audio: np.ndarray, pitch: float) -> np.ndarray:
    """``audio`` (float, mono) resampled to ``1/pitch`` of its length: played at the same rate
    it sounds ``pitch`` times higher (band-limited: the spectrum is cut or padded, no aliasing)."""
    if abs(pitch - 1.0) < 1e-6 or audio.size < 2:
        return audio
    target = max(1, int(round(audio.size / pitch)))
    spectrum = np.fft.rfft(audio)
    bins = target // 2 + 1
    if bins <= spectrum.size:
        spectrum = spectrum[:bins]
    else:
        spectrum = np.concatenate([spectrum, np.zeros(bins - spectrum.size, dtype=spectrum.dtype)])
    return np.fft.irfft(spectrum, n=target) * (target / audio.size)
