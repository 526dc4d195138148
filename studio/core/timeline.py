"""Where every segment, character and word of a script sits in the joined audio.

Positions are integer sample offsets. A segment's start is the sum of the lengths of the audio
and pauses before it (integers, so exact); a character's time inside its segment is rounded to
a sample once, relative to that segment. Seconds are only ever computed as ``sample / rate``
at the end, so 500 or 50,000 segments join with zero drift: no float is accumulated anywhere.

Alignment characters are mapped back to script offsets by :mod:`studio.core.alignment_map`
(the matcher the live highlight uses too), so a subtitle or a highlight points at the exact
place in the script the narrator wrote.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from studio.api.models import CharacterAlignment, SpeechChunk
from studio.core.alignment_map import map_alignment, map_alignment_to_text
from studio.core.segmenter import Segment


@dataclass(frozen=True, slots=True)
class TimedChar:
    char: str
    #: Offset of this character in the script, or None if the engine spoke something the
    #: script does not contain at that place.
    script_offset: int | None
    start_sample: int
    end_sample: int
    #: Spoken by a pronunciation rule's replacement: its characters spread over the word as
    #: written, so they may repeat or skip script offsets within that word.
    rewritten: bool = False


@dataclass(frozen=True, slots=True)
class Word:
    text: str
    script_start: int
    script_end: int
    start_sample: int
    end_sample: int
    paragraph_index: int


@dataclass(frozen=True, slots=True)
class Placement:
    segment: Segment
    start_sample: int
    n_samples: int

    @property
    def end_sample(self) -> int:
        return self.start_sample + self.n_samples


@dataclass
class Timeline:
    """Build it in script order: ``add_pause`` / ``add_segment`` append at the current end."""

    sample_rate: int
    script: str = ""
    placements: list[Placement] = field(default_factory=list)
    chars: list[TimedChar] = field(default_factory=list)
    total_samples: int = 0

    def seconds(self, sample: int) -> float:
        return sample / self.sample_rate

    def add_pause(self, n_samples: int) -> None:
        if n_samples < 0:
            raise ValueError("a pause cannot be negative")
        self.total_samples += n_samples

    def add_segment(self, segment: Segment, n_samples: int, alignment: CharacterAlignment | None) -> Placement:
        placement = Placement(segment, self.total_samples, n_samples)
        self.placements.append(placement)
        if alignment is not None:
            self.chars.extend(_timed_chars(segment, placement.start_sample, n_samples, alignment, self.sample_rate))
        self.total_samples += n_samples
        return placement

    def words(self) -> list[Word]:
        """Words (runs of non-space script characters) with the times of their first and last letters."""
        words: list[Word] = []
        by_paragraph = {p.segment.index: p.segment.paragraph_index for p in self.placements}
        segment_of = _segment_lookup(self.placements)
        current: list[TimedChar] = []

        def flush() -> None:
            if current:
                first, last = current[0], current[-1]
                assert first.script_offset is not None and last.script_offset is not None
                seg = segment_of(first.script_offset)
                words.append(
                    Word(
                        self.script[first.script_offset : last.script_offset + 1],
                        first.script_offset,
                        last.script_offset + 1,
                        first.start_sample,
                        max(last.end_sample, first.start_sample),
                        by_paragraph.get(seg, 0),
                    )
                )
                current.clear()

        script = self.script
        for timed in self.chars:
            offset = timed.script_offset
            if offset is None:
                continue
            # The script's character decides (a rewritten word's spoken spaces are not the
            # script's: "NATO" said as "North Atlantic…" stays one word).
            if (script[offset] if offset < len(script) else timed.char).isspace():
                flush()
                continue
            if current:
                previous = current[-1].script_offset
                assert previous is not None
                if timed.rewritten and offset == previous:
                    current[-1] = timed  # a rewrite's characters spread over the word as written
                    continue
                if (offset != previous + 1 and not _joined_rewrite(script, previous, offset, timed)) or (
                    segment_of(offset) != segment_of(previous)
                ):
                    flush()
            current.append(timed)
        flush()
        return words


def _joined_rewrite(script: str, previous: int, offset: int, timed: TimedChar) -> bool:
    """A step forward within one written word made by a rewrite (its characters are not the
    script's): "Nguyen" said as "win" lights N…g…n, one word."""
    return (timed.rewritten and offset > previous
            and not any(c.isspace() for c in script[previous + 1 : offset]))


def _segment_lookup(placements: list[Placement]):  # type: ignore[no-untyped-def]
    import bisect

    starts = [p.segment.start for p in placements]
    indexes = [p.segment.index for p in placements]

    def lookup(offset: int) -> int:
        position = bisect.bisect_right(starts, offset) - 1
        return indexes[max(position, 0)] if indexes else 0

    return lookup


def _timed_chars(
    segment: Segment, offset: int, n_samples: int, alignment: CharacterAlignment, rate: int
) -> Iterator[TimedChar]:
    spoken = segment.spoken if segment.spoken is not None and not segment.spoken.is_plain else None
    if spoken is not None:
        local = map_alignment(alignment.characters, spoken)  # script offsets; pause tags None
    else:
        local = map_alignment_to_text(alignment.characters, segment.text)
    starts = alignment.character_start_times_seconds
    ends = alignment.character_end_times_seconds
    for i, char in enumerate(alignment.characters):
        start = min(max(round(starts[i] * rate), 0), n_samples) if i < len(starts) else 0
        end = min(max(round(ends[i] * rate), start), n_samples) if i < len(ends) else start
        position = local[i]
        yield TimedChar(
            char,
            segment.start + position if position is not None else None,
            offset + start,
            offset + end,
            spoken is not None and position is not None and spoken.rewritten_at(position),
        )


class SegmentCollector:
    """Joins one segment's streamed chunks into PCM plus a single absolute alignment.

    A PCM sample can be split across two chunks, so bytes are kept whole and halved at the end.
    Chunk times arrive absolute (seconds from the start of the segment's text): every backend
    guarantees it, the HTTP client with the one relative-times check at its boundary
    (:class:`~studio.api.streaming.AlignmentClock`), so they are joined as they are.
    """

    def __init__(self, sample_rate: int) -> None:
        self.sample_rate = sample_rate
        self._audio = bytearray()
        self.alignment = CharacterAlignment()
        self.normalized_alignment = CharacterAlignment()
        self._has_alignment = False
        self._has_normalized = False

    def add(self, chunk: SpeechChunk) -> None:
        if chunk.alignment is not None and chunk.alignment.characters:
            self._has_alignment = True
            _append(self.alignment, chunk.alignment)
        if chunk.normalized_alignment is not None and chunk.normalized_alignment.characters:
            self._has_normalized = True
            _append(self.normalized_alignment, chunk.normalized_alignment)
        self._audio.extend(chunk.audio)

    @property
    def pcm(self) -> bytes:
        usable = len(self._audio) - len(self._audio) % 2
        return bytes(self._audio[:usable])

    def result_alignment(self) -> CharacterAlignment | None:
        return self.alignment if self._has_alignment else None

    def result_normalized(self) -> CharacterAlignment | None:
        return self.normalized_alignment if self._has_normalized else None


def _append(into: CharacterAlignment, chunk: CharacterAlignment) -> None:
    into.characters.extend(chunk.characters)
    into.character_start_times_seconds.extend(chunk.character_start_times_seconds)
    into.character_end_times_seconds.extend(chunk.character_end_times_seconds)
