"""A test voice whose letters are tones and whose spaces and punctuation are silence.

Only for measurements (``bench/player.py``) and tests: a server offers it when its config
says ``tone_voice=True`` (``serve --tone-voice``, a hidden flag), never otherwise, so it is
not in any voice list a person sees.

Why it exists: to check *from outside* that what the studio lights up is what is heard, the
start of every word must be findable in a recording of the sound output. Here each letter
or digit sounds as a sine tone of its own pitch (phase-continuous within a word) and every
other character is silence, so each word begins exactly where its first letter's tone
begins, after a silence; and the alignment it sends is exact by construction (computed from
the very sample counts it synthesizes). Durations differ per character like speech does:
letters 50–77 ms, a space 60 ms, a comma 160 ms, a sentence end 320 ms.

It speaks through the same engine interface as the offline voice (``load``, ``sample_rate``,
``stream(text, settings, seed, cancel)`` yielding :class:`SpeechChunk` with absolute times),
so the server's synthesis, encoders, faults and timing go through their usual path.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import numpy as np

from studio.api.models import CharacterAlignment, SpeechChunk, VoiceSettings
from studio.cancel import CancelToken

#: The id the server offers it under, and the engine voice id it maps to.
TONE_VOICE_ID = "test-tones"
TONE_ENGINE_VOICE = "test-tones"
SAMPLE_RATE = 24_000
AMPLITUDE = 0.3 * 32767
#: Chunks are cut at a space once this many characters are in one (the first one earlier,
#: as the offline voice starts quickly).
FIRST_CHUNK_CHARS = 12
CHUNK_CHARS = 40

_PAUSES = {",": 0.16, ";": 0.16, ":": 0.16, ".": 0.32, "!": 0.32, "?": 0.32, "\n": 0.3}


def sounds(char: str) -> bool:
    """Whether ``char`` is a tone (letters and digits); everything else is silence."""
    return char.isalnum()


def char_seconds(char: str) -> float:
    """How long ``char`` lasts (the same for a character wherever it stands)."""
    if sounds(char):
        return 0.050 + 0.003 * (ord(char.lower()) % 10)
    return _PAUSES.get(char, 0.06)


def pitch_hz(char: str) -> float:
    """A pitch per letter (semitones up from 330 Hz; digits above the letters)."""
    lower = char.lower()
    step = ord(lower) - ord("a") if "a" <= lower <= "z" else 26 + ord(lower) % 12
    return 330.0 * 2 ** (step / 12)


def char_bounds(text: str, rate: int = SAMPLE_RATE) -> list[int]:
    """The first sample of each character of ``text``, plus the end (exact sample counts)."""
    bounds = [0]
    for char in text:
        bounds.append(bounds[-1] + int(round(char_seconds(char) * rate)))
    return bounds


def synthesize(text: str, rate: int = SAMPLE_RATE) -> tuple[np.ndarray, list[int]]:
    """The audio of ``text`` (int16) and :func:`char_bounds`."""
    bounds = char_bounds(text, rate)
    audio = np.zeros(bounds[-1], dtype=np.float64)
    phase = 0.0
    for i, char in enumerate(text):
        start, end = bounds[i], bounds[i + 1]
        if not sounds(char):
            phase = 0.0  # the next word starts its tone from zero: a clean onset
            continue
        step = 2 * math.pi * pitch_hz(char) / rate
        audio[start:end] = np.sin(phase + step * np.arange(end - start))
        phase = (phase + step * (end - start)) % (2 * math.pi)
    return (audio * AMPLITUDE).astype("<i2"), bounds


def word_onsets(text: str, rate: int = SAMPLE_RATE) -> list[tuple[int, float]]:
    """(index of the first letter, start seconds) of every run of sounding characters."""
    bounds = char_bounds(text, rate)
    return [(i, bounds[i] / rate) for i, ch in enumerate(text) if sounds(ch) and (i == 0 or not sounds(text[i - 1]))]


def _cuts(text: str) -> list[int]:
    """Chunk ends: at a space after FIRST_CHUNK_CHARS (then CHUNK_CHARS) characters."""
    cuts, start = [], 0
    limit = FIRST_CHUNK_CHARS
    while len(text) - start > limit:
        space = text.find(" ", start + limit)
        if space < 0:
            break
        cuts.append(space + 1)
        start = space + 1
        limit = CHUNK_CHARS
    return [*cuts, len(text)]


class ToneEngine:
    """The engine behind :data:`TONE_VOICE_ID` (see the module notes)."""

    sample_rate = SAMPLE_RATE

    def load(self) -> None:
        pass  # nothing to load

    def unsupported_settings(self) -> dict[str, str]:
        return {}

    def stream(self, text: str, settings: VoiceSettings | None = None, seed: int | None = None,
               cancel: CancelToken | None = None) -> Iterator[SpeechChunk]:
        audio, bounds = synthesize(text, self.sample_rate)
        start = 0
        for end in _cuts(text):
            if cancel is not None and cancel.cancelled:
                return
            starts = [round(bounds[i] / self.sample_rate, 6) for i in range(start, end)]
            ends = [round(bounds[i + 1] / self.sample_rate, 6) for i in range(start, end)]
            alignment = CharacterAlignment(characters=list(text[start:end]),
                                           character_start_times_seconds=starts,
                                           character_end_times_seconds=ends)
            yield SpeechChunk(audio=audio[bounds[start]:bounds[end]].tobytes(), alignment=alignment,
                              normalized_alignment=alignment)
            start = end


_ENGINE = ToneEngine()


def tone_voice() -> dict[str, Any]:
    """The voice as the API shows it."""
    return {
        "voice_id": TONE_VOICE_ID,
        "name": "Test tones",
        "category": "generated",
        "labels": {"use_case": "measurement"},
        "description": "Letters are tones, spaces and punctuation silence (measurements only).",
        "preview_url": None,
        "available_for_tiers": [],
        "settings": None,
        "verified_languages": [{"language": "en", "accent": ""}],
    }


def with_tone_engine(provider: Any) -> Any:
    """``provider`` that answers :data:`TONE_ENGINE_VOICE` with the tone engine."""

    def provide(voice_id: str | None) -> Any:
        return _ENGINE if voice_id == TONE_ENGINE_VOICE else provider(voice_id)

    return provide
