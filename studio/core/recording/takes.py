"""A timed recording → one take per paragraph: its slice of the audio and its characters' times.

The aligner's characters are mapped onto the script's text by the one matcher
(:func:`studio.core.alignment_map.map_alignment_to_text`), so the highlight and the subtitles
land on the narrator's words exactly as they do for generated speech.

Slices: paragraph *i* runs from the midpoint of the silence before its first word to the
midpoint of the silence after its last (the first from 0, the last to the end), so the slices
laid end to end are the recording, sample for sample: Play and Export (with no pause between
paragraphs) give back exactly what was recorded, and a subtitle's time is the recording's.
A paragraph with nothing the aligner timed (``* * *``) gets no take and no audio.

Each slice is stored in the speech cache under a key made of the recording's digest and the
paragraph's text, like any other take's audio, so Play, the highlight, the subtitles and
Export treat it as generated speech; the take says ``recording=<file name>`` and costs 0.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Sequence
from dataclasses import dataclass

from studio.api.forced_alignment import ForcedAlignment
from studio.api.models import CharacterAlignment
from studio.core.alignment_map import map_alignment_to_text
from studio.core.cache import CachedSpeech
from studio.core.recording.decode import Recording
from studio.core.script.document import Script, Take, TakePart, new_id, paragraph_spans

__all__ = ["ParagraphSlice", "recording_key", "slice_paragraphs", "take_for"]


@dataclass(frozen=True)
class ParagraphSlice:
    block_index: int
    start_sample: int
    end_sample: int
    #: The paragraph's characters with times from the slice's start (seconds).
    alignment: CharacterAlignment
    #: The aligner's average loss over this paragraph's words.
    loss: float


def _script_times(alignment: ForcedAlignment, text: str) -> list[tuple[float, float] | None]:
    characters = [c.text for c in alignment.characters]
    where = map_alignment_to_text(characters, text)
    times: list[tuple[float, float] | None] = [None] * len(text)
    for character, index in zip(alignment.characters, where, strict=True):
        if index is not None and times[index] is None:
            times[index] = (character.start, max(character.end, character.start))
    return times


def _word_losses(alignment: ForcedAlignment, text: str) -> list[float | None]:
    """Each script character's word loss (None where the aligner gave none)."""
    losses: list[float | None] = [None] * len(text)
    position = 0
    for word in alignment.words:
        if not word.text.strip():
            continue
        found = text.find(word.text, position)
        if found < 0:
            continue
        for k in range(found, found + len(word.text)):
            losses[k] = word.loss
        position = found + len(word.text)
    return losses


def slice_paragraphs(script: Script, recording: Recording, alignment: ForcedAlignment) -> list[ParagraphSlice]:
    """Where each paragraph of ``script`` (its canonical text was what got aligned) sits in the recording."""
    text = script.text
    times = _script_times(alignment, text)
    losses = _word_losses(alignment, text)
    rate, total = recording.sample_rate, recording.n_samples
    spoken: list[tuple[int, float, float]] = []  # (block index, first start, last end) in seconds
    for index, (start, end) in enumerate(paragraph_spans(text)):
        timed = [times[k] for k in range(start, end) if times[k] is not None and text[k].isalnum()]
        if timed:
            spoken.append((index, min(t[0] for t in timed), max(t[1] for t in timed)))
    slices: list[ParagraphSlice] = []
    spans = paragraph_spans(text)
    for n, (index, first, last) in enumerate(spoken):
        begin = 0 if n == 0 else _midpoint(spoken[n - 1][2], first, rate)
        finish = total if n == len(spoken) - 1 else _midpoint(last, spoken[n + 1][1], rate)
        begin, finish = min(begin, total), max(min(finish, total), min(begin, total))
        start, end = spans[index]
        slices.append(ParagraphSlice(index, begin, finish, _relative(text, start, end, times, begin / rate),
                                     _mean([losses[k] for k in range(start, end)])))
    return slices


def _midpoint(end_before: float, start_after: float, rate: int) -> int:
    return round((end_before + max(start_after, end_before)) / 2 * rate)


def _relative(text: str, start: int, end: int, times: Sequence[tuple[float, float] | None], origin: float) -> CharacterAlignment:
    """The paragraph's characters, every one with a time (an untimed one takes its neighbour's
    end: the highlight never jumps back), relative to the slice."""
    starts: list[float] = []
    ends: list[float] = []
    previous = 0.0
    for k in range(start, end):
        timed = times[k]
        s, e = (timed[0] - origin, timed[1] - origin) if timed is not None else (previous, previous)
        s = max(s, previous if timed is None else 0.0, 0.0)
        e = max(e, s)
        starts.append(round(s, 4))
        ends.append(round(e, 4))
        previous = e
    return CharacterAlignment(characters=list(text[start:end]), character_start_times_seconds=starts,
                              character_end_times_seconds=ends)


def _mean(values: Sequence[float | None]) -> float:
    known = [v for v in values if v is not None]
    return sum(known) / len(known) if known else 0.0


def recording_key(digest: str, block_text: str, piece: ParagraphSlice) -> str:
    """The cache key of a paragraph's slice: lowercase hex like every key (the project checks)."""
    material = f"recording\0{digest}\0{piece.start_sample}\0{piece.end_sample}\0{block_text}"
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


def take_for(block_text: str, key: str, recording: Recording, aligner_id: str, created: float | None = None) -> Take:
    created = time.time() if created is None else created
    return Take(
        id=new_id(),
        text=block_text,
        parts=(TakePart(key, 0, len(block_text), None, created, 0.0),),
        spoken_key=key,
        voice_id="recording",
        model_id=aligner_id,
        engine_id="recording",
        output_format=f"pcm_{recording.sample_rate}",
        created_unix=created,
        credit_cost=0.0,
        recording=recording.name,
    )


def speech_for(recording: Recording, piece: ParagraphSlice, created: float) -> CachedSpeech:
    return CachedSpeech(pcm=recording.slice(piece.start_sample, piece.end_sample), sample_rate=recording.sample_rate,
                        alignment=piece.alignment, created_unix=created, character_cost=0.0)
