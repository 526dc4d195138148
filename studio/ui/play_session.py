"""One Play: which paragraphs are heard, where they sit in the document, and what is lit when.

The paragraph (block) is the unit: a Play hears some blocks of the script, in order, as one
track. The highlight works on the document text as it was when Play was pressed:

* each block's timings are placed at the block's place in that text (its span start plus the
  part's start within the block), after the audio of the blocks before it, so one
  :class:`~studio.core.alignment_clock.AlignmentClock` answers "which character sounds now"
  across paragraphs, and paragraphs not heard simply lie between;
* an :class:`~studio.core.edit_map.EditMap` over the same text follows edits made while
  listening, so a highlight never lands on text that changed;
* a block whose audio says other words than its text now (a locked take of older text) is
  never lit: during its audio nothing is highlighted rather than a wrong word.

Qt-free bookkeeping; :class:`studio.ui.player_controller.PlayerController` drives it.
"""

from __future__ import annotations

import bisect
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from studio.core.alignment_clock import AlignmentClock, word_span
from studio.core.edit_map import EditMap
from studio.playback.pcm_buffer import PcmBuffer

#: The status while nothing heard needs a request.
FROM_CACHE_STATUS = "Playing from cache — no credits used"

if TYPE_CHECKING:
    from studio.core.render_inputs import RenderInputs
    from studio.core.script import Script
    from studio.playback.stream_job import BlockStarted, PlayPlanned, StreamProgress
    from studio.ui.worker import Worker


@dataclass
class HeardBlock:
    """A block this Play hears: its index and document span when Play was pressed."""

    index: int
    block_id: str
    span: tuple[int, int]
    #: Chars of the heard blocks before this one (for the length estimate).
    chars_before: int = 0
    at_seconds: float | None = None
    matches_text: bool = True


@dataclass
class PlaySession:
    text: str
    blocks: list[HeardBlock]
    engine_name: str
    backend: object = None
    #: The take the player plays and the worker fills (the one copy of the audio).
    buffer: PcmBuffer = field(default_factory=lambda: PcmBuffer())
    clock: AlignmentClock = field(init=False)
    edits: EditMap = field(init=False)
    worker: Worker | None = None
    planned: PlayPlanned | None = None
    #: Set once the player is ready for the planned rate (the engine was still starting).
    rate_agreed: threading.Event | None = None
    complete: bool = False
    failed: bool = False
    #: Where in the track playback should start (▶ after a click on the time bar).
    start_at: float = 0.0
    _by_index: dict[int, HeardBlock] = field(init=False, repr=False)
    _started: list[HeardBlock] = field(default_factory=list, repr=False)
    _starts: list[float] = field(default_factory=list, repr=False)
    _part: tuple[int, int] | None = field(default=None, repr=False)
    #: (characters the timings covered, track seconds received) as of the last progress
    #: event: a pair from one moment of the worker, for the length estimate.
    _timed: tuple[int, float] = field(default=(0, 0.0), repr=False)

    @classmethod
    def of(cls, text: str, spans: list[tuple[int, int]], script: Script, indices: list[int], inputs: RenderInputs,
           start_at: float = 0.0) -> PlaySession:
        """A Play of blocks ``indices`` of ``script``, whose document ``text`` has ``spans``."""
        pending = not getattr(inputs.backend, "is_ready", True)
        return cls(text, [HeardBlock(i, script.blocks[i].id, spans[i]) for i in indices], inputs.engine_name,
                   inputs.backend, start_at=start_at,
                   # The engine is still starting: its rate is a guess until the worker knows it.
                   rate_agreed=threading.Event() if pending else None)

    def __post_init__(self) -> None:
        self.clock = AlignmentClock(self.text)
        self.edits = EditMap(self.text, 0)
        self._by_index = {b.index: b for b in self.blocks}
        before = 0
        for block in self.blocks:
            block.chars_before = before
            before += block.span[1] - block.span[0]
        self.total_chars = before

    @property
    def from_cache(self) -> bool:
        """Nothing of what is heard needs a request (no credits, no waiting for an engine)."""
        return self.planned is not None and self.planned.requests == 0

    @property
    def playing_status(self) -> str:
        return FROM_CACHE_STATUS if self.from_cache else f"Playing — {self.engine_name}"

    def replayable(self, received_seconds: float) -> bool:
        """What arrived can be heard again as it is: the stream ended (or failed part-way) and
        the text under it was not edited since."""
        return (self.complete or self.failed) and not self.edits.edited and received_seconds > 0

    @property
    def block_ids(self) -> list[str]:
        return [b.block_id for b in self.blocks]

    # -- from the worker ----------------------------------------------------------------------

    def block_started(self, event: BlockStarted) -> None:
        block = self._by_index.get(event.index)
        if block is None:
            return
        block.at_seconds = event.at_seconds
        block.matches_text = event.matches_text
        self._started.append(block)
        self._starts.append(event.at_seconds)

    def add_progress(self, event: StreamProgress) -> None:
        self._add_timings(event)
        self._timed = (self.covered_chars(), event.received_seconds)

    def _add_timings(self, event: StreamProgress) -> None:
        block = self._by_index.get(event.block_index)
        if event.piece is None or block is None or not block.matches_text:
            return
        part = (event.block_index, event.text_start)
        if part != self._part:  # a new part: its timings are of the text from its own start
            self._part = part
            self.clock.continue_at(block.span[0] + event.text_start, event.spoken)
        self.clock.add(event.piece)

    # -- questions ------------------------------------------------------------------------------

    def block_at(self, seconds: float) -> HeardBlock | None:
        """The block whose audio is heard at ``seconds`` of the track (None before any)."""
        pos = bisect.bisect_right(self._starts, seconds) - 1
        return self._started[pos] if pos >= 0 else None

    def lit_at(self, seconds: float) -> int | None:
        """Index into :attr:`text` of the character to light at ``seconds``, or None."""
        block = self.block_at(seconds)
        if block is None or not block.matches_text:
            return None
        hit = self.clock.interval_at(seconds)
        return hit[0] if hit is not None else None

    def ranges(self, index: int) -> tuple[tuple[int, int] | None, tuple[int, int] | None]:
        """(character, word) document ranges of text index ``index`` now (None: edited away)."""
        char_range = self.edits.char_range(index)
        word = word_span(self.text, index)
        return char_range, (self.edits.span_range(*word) if word else None)

    def heard_index_at(self, doc_position: int) -> int | None:
        """The text index at ``doc_position`` if it is in a block this Play hears and lights."""
        index = self.edits.text_index_at(doc_position)
        if index is None:
            return None
        for block in self.blocks:
            if block.span[0] <= index < block.span[1]:
                return index if block.matches_text else None
        return None

    def covered_chars(self) -> int:
        """How many characters of the heard blocks the timings have reached."""
        if not self._started:
            return 0
        block = self._started[-1]
        reached = max(0, min(self.clock.covered_chars, block.span[1]) - block.span[0]) if self._part else 0
        return block.chars_before + reached

    def estimated_total(self, received: float) -> float:
        """Seconds the whole Play will last, estimated from how far the timings reached.

        Seconds per character come from one progress event (its timings and the audio the
        worker had pushed with them), never from ``received``: the player sees a chunk's
        audio in the take before that chunk's event reaches the GUI thread, and the live
        count over the older timings made the estimate jump (twice the length after the
        second chunk). ``received`` only bounds it from below.
        """
        covered, seconds = self._timed
        if covered <= 0:
            return received
        return max(received, seconds * self.total_chars / covered)
