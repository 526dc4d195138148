"""Forced alignment by the offline recogniser, answered in the ElevenLabs shape.

:func:`offline_forced_alignment` is what ``narration-studio align --offline``, File ▸ Import
Recording without an account, and the local server's ``POST /v1/forced-alignment`` all use,
so the three agree to the millisecond.

How: each written word of the text in spoken form (:func:`studio.core.listen_check.words.script_words`,
the studio's one normaliser: "42" is "forty two") is aligned by
:func:`studio.offline.recognizer.align`, and the written word spans its tokens' times. Characters then get times the way the real API gives
them (tests/data/api_samples/forced_alignment_real_2025.json): a word's letters share its
span; punctuation written against a word sits at that word's edge with no length; whitespace
spans the gap between its neighbours. ``words`` lists the text's words, each whitespace
character as a word of its own, as the real answer does.

Loss: a forced aligner always finds *some* place for every word, even in a recording of
another text. So the audio is also listen-checked (:func:`studio.core.listen_check.run.check_audio`,
the studio's one comparison of heard words with a script, numbers and abbreviations in one
spoken form): a word's loss is 1 when the check flags it as skipped or misread, else 0, and
the overall loss is 1 − the check's score (the share of the script heard as written): 0 for a
clean reading, near 1 for a recording of something else. (The real API's loss is its own
model's measure, on another scale: 0.075 on average for a clean real recording.)
"""

from __future__ import annotations

import re

from studio.api.forced_alignment import AlignedCharacter, AlignedWord, ForcedAlignment
from studio.cancel import CancelToken

__all__ = ["offline_forced_alignment", "recogniser_available"]


def recogniser_available() -> bool:
    from studio.offline import recognizer

    return recognizer.available()


def offline_forced_alignment(
    pcm: bytes, sample_rate: int, text: str, cancel: CancelToken | None = None
) -> ForcedAlignment:
    """Time ``text`` against ``pcm`` (s16le mono, 16 kHz or more). Raises the recogniser's errors."""
    from studio.offline import recognizer

    recognizer.require()
    from studio.core.listen_check.words import script_words

    # Each written word in spoken form ("$4,250", "Dr.", "7" as the voice says them): the
    # recogniser aligns those tokens, and a written word spans its tokens' times.
    written = script_words(text)
    tokens = [token for word in written for token in word.spoken]
    aligned = recognizer.align(pcm, sample_rate, " ".join(tokens), cancel=cancel) if tokens else []
    spans: list[tuple[int, int]] = []
    word_times: list[tuple[float, float]] = []
    position = 0
    for word in written:
        heard = aligned[position : position + len(word.spoken)]
        position += len(word.spoken)
        if len(heard) == len(word.spoken):
            spans.append((word.start, word.end))
            word_times.append((heard[0].start, heard[-1].end))
    starts = _onsets(pcm, sample_rate, word_times)
    word_times = [(start, max(start, end)) for start, (_, end) in zip(starts, word_times, strict=True)]
    times = _character_times(text, spans, word_times, len(pcm) / 2 / sample_rate)
    characters = [AlignedCharacter(text=c, start=round(s, 3), end=round(e, 3)) for c, (s, e) in zip(text, times, strict=True)]
    if not spans:
        return ForcedAlignment(characters=characters, words=_words(text, characters, []), loss=0.0)
    from studio.core.listen_check.run import check_audio

    check = check_audio(pcm, sample_rate, text, cancel=cancel)
    unheard = [(f.start, f.end) for f in check.flags if f.kind in ("skipped", "misread")]
    return ForcedAlignment(characters=characters, words=_words(text, characters, unheard), loss=1.0 - check.score)


#: Frames (10 ms) quieter than this below the recording's loudest frame hold no speech.
_QUIET_DB = 40.0
#: How far a word's start may move forward onto its first audible frame.
_ONSET_REACH_S = 0.2


def _onsets(pcm: bytes, rate: int, times: list[tuple[float, float]]) -> list[float]:
    """Word starts moved forward onto the first audible 10 ms frame when they fall in silence.

    The recogniser's word boundaries are frames of its acoustic model and put a word that
    follows a pause 25–60 ms before its first sound (measured on the offline voice against
    the audible onset); a subtitle cue or a highlight then leads the voice. Inside running
    speech no frame is quiet, so nothing moves there.
    """
    import numpy as np

    hop = max(1, rate // 100)
    samples = np.frombuffer(pcm, dtype="<i2").astype(np.float32)
    frames = samples[: samples.size // hop * hop].reshape(-1, hop)
    if not frames.size:
        return [start for start, _ in times]
    rms = np.sqrt((frames**2).mean(axis=1))
    quiet = float(rms.max()) * 10 ** (-_QUIET_DB / 20)
    reach = int(_ONSET_REACH_S * 100)
    result = []
    for start, end in times:
        first = int(start * 100)
        if first >= rms.size or rms[first] >= quiet:
            result.append(start)
            continue
        last = min(rms.size, first + reach, max(first + 1, int(end * 100)))
        loud = np.nonzero(rms[first:last] >= quiet)[0]
        result.append(min(end, (first + int(loud[0])) / 100) if loud.size else start)
    return result


def _character_times(
    text: str, spans: list[tuple[int, int]], times: list[tuple[float, float]], total: float
) -> list[tuple[float, float]]:
    result: list[tuple[float, float] | None] = [None] * len(text)
    for (s, e), (start, end) in zip(spans, times, strict=True):
        step = (end - start) / (e - s)
        for k in range(s, e):
            result[k] = (start + (k - s) * step, start + (k - s + 1) * step)
    # Gaps: whitespace spans them; other marks cling to the word they touch.
    previous_end = 0.0
    for i, c in enumerate(text):
        if result[i] is not None:
            previous_end = result[i][1]  # type: ignore[index]
            continue
        j = i
        while j < len(text) and result[j] is None:
            j += 1
        next_start = result[j][0] if j < len(text) else max(total, previous_end)  # type: ignore[index]
        if c.isspace():
            result[i] = (previous_end, next_start)
        elif i > 0 and not text[i - 1].isspace():
            result[i] = (previous_end, previous_end)
        else:
            result[i] = (next_start, next_start)
        if c.isspace():
            previous_end = next_start
    return result  # type: ignore[return-value]


def _words(text: str, characters: list[AlignedCharacter], unheard: list[tuple[int, int]]) -> list[AlignedWord]:
    """The text's words as the real API lists them; loss 1 for a word the check did not hear."""
    words: list[AlignedWord] = []
    for match in re.finditer(r"\s|\S+", text):
        s, e = match.span()
        missed = not match.group().isspace() and any(fs < e and s < fe for fs, fe in unheard)
        words.append(AlignedWord(text=match.group(), start=characters[s].start, end=characters[e - 1].end,
                                 loss=1.0 if missed else 0.0))
    return words
