"""Maps played time to the character being spoken. Qt-free.

Two small jobs, each a class:

* :class:`AlignmentClock` holds the timings, mapped onto indices of the text that was sent,
  and answers "which character is spoken at time t" and "when does character i start" (for
  click-to-seek). Chunk times reach it absolute (seconds from the start of the request's
  text): every backend guarantees that, the HTTP client at its boundary
  (:class:`studio.api.streaming.AlignmentClock`, the one place relative times are detected)
  and the offline engine by construction.
* :class:`~studio.core.edit_map.EditMap` (its own module) follows edits to the document while
  playing: each character of the text
  that was sent keeps its current document position, or -1 once it has been edited away,
  so a highlight is never drawn on text that is no longer what is being spoken.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from studio.api.models import CharacterAlignment
from studio.core.alignment_map import ScriptMatcher

if TYPE_CHECKING:
    from studio.core.script.spoken import SpokenText

_WORD = re.compile(r"\w+(?:['’]\w+)*")


@dataclass(frozen=True)
class AlignedPiece:
    """One chunk's timings, in seconds from the start of the audio (absolute)."""

    characters: tuple[str, ...]
    starts: tuple[float, ...]
    ends: tuple[float, ...]

    @classmethod
    def from_alignment(cls, alignment: CharacterAlignment | None, offset: float = 0.0) -> AlignedPiece | None:
        """A chunk's (absolute) alignment moved by ``offset`` seconds; None if it has no timings.

        Arrays of unequal length are cut to the shortest, and an end never precedes its start.
        """
        if alignment is None:
            return None
        count = min(
            len(alignment.characters),
            len(alignment.character_start_times_seconds),
            len(alignment.character_end_times_seconds),
        )
        if count == 0:
            return None
        starts = [float(t) + offset for t in alignment.character_start_times_seconds[:count]]
        ends = [float(t) + offset for t in alignment.character_end_times_seconds[:count]]
        return cls(
            characters=tuple(alignment.characters[:count]),
            starts=tuple(starts),
            ends=tuple(max(e, s) for s, e in zip(starts, ends, strict=True)),
        )


@dataclass
class AlignmentClock:
    """Timings of the characters of ``text`` (the text that was sent), in seconds."""

    text: str
    #: Parallel lists, one entry per aligned character that was found in ``text``.
    _starts: list[float] = field(default_factory=list)
    _ends: list[float] = field(default_factory=list)
    _index: list[int] = field(default_factory=list)
    #: Running maximum of the starts, so lookups stay correct if the service repeats a time.
    _search_key: list[float] = field(default_factory=list)
    #: Start time of each text index that has one (click-to-seek).
    _start_of: dict[int, float] = field(default_factory=dict)
    #: Positions in the timing lists of each text index (a character can be timed twice).
    _entries_of: dict[int, list[int]] = field(default_factory=dict)
    #: Alignment characters → text indices: the same matcher the subtitles use.
    _matcher: ScriptMatcher = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._matcher = ScriptMatcher(self.text)

    def continue_at(self, index: int, spoken: SpokenText | None = None) -> None:
        """The timings added next are of ``text`` from ``index`` on: a new part or paragraph,
        which need not follow the last one in the text (a paragraph not heard lies between).
        ``spoken``: what the part's request said (its ``script`` sits at ``index``), so a
        rewritten word lights as written and a pause lights nothing."""
        self._matcher.continue_at(index, spoken)

    def add(self, piece: AlignedPiece) -> None:
        """Append a chunk's timings, matching its characters to the text in order."""
        indices = self._matcher.match(piece.characters)
        for index, start, end in zip(indices, piece.starts, piece.ends, strict=True):
            if index is None:
                continue
            key = max(start, self._search_key[-1]) if self._search_key else start
            self._starts.append(start)
            self._ends.append(end)
            self._index.append(index)
            self._search_key.append(key)
            self._start_of.setdefault(index, start)
            self._entries_of.setdefault(index, []).append(len(self._index) - 1)

    def __len__(self) -> int:
        return len(self._index)

    @property
    def covered_chars(self) -> int:
        """How far into the text the timings reach (for estimating the total duration)."""
        return self._matcher.position

    def entry_at(self, seconds: float) -> int | None:
        """Position in the timing list of the character spoken at ``seconds`` (None before the first)."""
        if not self._search_key:
            return None
        pos = bisect.bisect_right(self._search_key, seconds) - 1
        if pos < 0:
            return None
        return pos

    def next_change_after(self, seconds: float) -> float | None:
        """When the character spoken next after ``seconds`` starts (None if no later one is known)."""
        pos = bisect.bisect_right(self._search_key, seconds)
        return self._search_key[pos] if pos < len(self._search_key) else None

    def char_at(self, seconds: float) -> int | None:
        """Index into ``text`` of the character spoken at ``seconds``.

        In a pause between two characters the last one spoken stays current.
        """
        pos = self.entry_at(seconds)
        return None if pos is None else self._index[pos]

    def interval_of_entry(self, pos: int) -> tuple[float, float]:
        return self._starts[pos], self._ends[pos]

    def interval_at(self, seconds: float) -> tuple[int, float, float] | None:
        pos = self.entry_at(seconds)
        if pos is None:
            return None
        return self._index[pos], self._starts[pos], self._ends[pos]

    def start_of(self, text_index: int) -> float | None:
        """When character ``text_index`` starts; for a character with no timing, the next one that has."""
        if text_index in self._start_of:
            return self._start_of[text_index]
        pos = bisect.bisect_left(self._index, text_index)
        if pos < len(self._index):
            return self._starts[pos]
        return None

    def intervals_of(self, text_index: int) -> list[tuple[float, float]]:
        return [(self._starts[pos], self._ends[pos]) for pos in self._entries_of.get(text_index, ())]

    def current_spans_of(self, text_index: int) -> list[tuple[float, float]]:
        """When ``text_index`` is the current character: from its start until the next one starts.

        Differs from :meth:`intervals_of` only in pauses, where the timings name no character
        and the last one spoken stays current (the last span ends at its own end time).
        """
        spans = []
        for pos in self._entries_of.get(text_index, ()):
            until = self._search_key[pos + 1] if pos + 1 < len(self._search_key) else self._ends[pos]
            spans.append((self._starts[pos], max(until, self._ends[pos])))
        return spans


def word_span(text: str, index: int) -> tuple[int, int] | None:
    """The word containing ``text[index]`` as (start, end), or None for space/punctuation."""
    if not 0 <= index < len(text):
        return None
    # Look only at the line around the index: cheap even for a long script.
    line_start = text.rfind("\n", 0, index) + 1
    line_end = text.find("\n", index)
    if line_end < 0:
        line_end = len(text)
    for match in _WORD.finditer(text, line_start, line_end):
        if match.start() <= index < match.end():
            return match.start(), match.end()
        if match.start() > index:
            break
    return None
