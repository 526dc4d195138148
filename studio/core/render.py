"""Execute a :class:`~studio.core.script.RenderPlan`: every block's audio, in script order, and its takes.

``render(plan, script, backend, cache=...)`` is what Play and Export run on top of the one plan:

* each block's audio comes from its take or the cache when it is there, and is generated
  otherwise, with the long-form machinery of :mod:`studio.core.longform` (parallel requests,
  the account's concurrency, backoff on 429, request stitching, cache-first, every finished
  request stored the moment it completes);
* ``on_block(BlockAudio)`` is called for each block in script order, as soon as all its parts
  are there (``on_segment(segment, speech)`` too, per part, for an exporter's assembler);
* the audio a block gets from a ``cached`` or ``needs_generation`` plan becomes a new
  :class:`~studio.core.script.Take` (from complete streams only: a stream cut short raises in
  the generator and never reaches here). With ``record=True`` the take is added to the block
  (and chosen, unless it is locked); a ``take`` block whose matching take was not the chosen
  one has it chosen. A block deleted from the script meanwhile is left alone.

Threads: ``render`` blocks (network, synthesis, disk) and calls ``on_block`` on its own
thread. A CLI may pass ``record=True``. A GUI, whose Script belongs to the GUI thread, passes
``record=False`` and applies each ``BlockAudio.take`` with ``Script.add_take`` on its own thread
(when ``BlockAudio.new_take`` is true).

:class:`TakeRecorder` is the part that groups segments into blocks and makes takes, for a
caller that runs :class:`~studio.core.longform.LongformGenerator` itself (the exporter).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from studio.api.models import Subscription
from studio.core.cache import CachedSpeech, SpeechCache
from studio.cancel import CancelToken
from studio.core.longform import GenerationResult, LongformGenerator, LongformSettings, Progress
from studio.core.run_plan import Plan
from studio.core.script.document import Block, Script, Take
from studio.core.script.plan import BlockPlan, BlockStatus, RenderPlan
from studio.core.segmenter import Segment

if TYPE_CHECKING:
    from studio.core.backend import SynthesisBackend

__all__ = ["BlockAudio", "RenderResult", "TakeRecorder", "generator_for_plan", "render"]

SegmentConsumer = Callable[[Segment, CachedSpeech | None], None]


@dataclass(frozen=True)
class BlockAudio:
    """One block's audio, delivered in script order."""

    block: BlockPlan
    segments: tuple[Segment, ...]
    #: One per part; None where there is nothing to speak (or a locked take's audio is gone).
    speeches: tuple[CachedSpeech | None, ...]
    #: The take this audio is (None: nothing to speak, or no audio).
    take: Take | None
    #: True when ``take`` was made by this render (a GUI applies it with ``Script.add_take``).
    new_take: bool = False

    @property
    def pcm(self) -> bytes:
        return b"".join(s.pcm for s in self.speeches if s is not None)

    @property
    def sample_rate(self) -> int | None:
        return next((s.sample_rate for s in self.speeches if s is not None), None)


@dataclass
class RenderResult:
    generation: GenerationResult
    #: Block id → the take this render made of it.
    new_takes: dict[str, Take] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


class TakeRecorder:
    """A segment consumer that groups a run's segments into blocks and makes their takes."""

    def __init__(
        self,
        plan: Plan,
        script: Script | None = None,
        *,
        record: bool = True,
        on_block: Callable[[BlockAudio], None] | None = None,
        on_segment: SegmentConsumer | None = None,
    ) -> None:
        if plan.render is None:
            raise ValueError("the run plan was not made from a RenderPlan")
        self.plan = plan
        self.render: RenderPlan = plan.render
        self.script = script
        self.record = record and script is not None
        self.on_block = on_block
        self.on_segment = on_segment
        self.new_takes: dict[str, Take] = {}
        self._segments: list[Segment] = []
        self._speeches: list[CachedSpeech | None] = []

    def __call__(self, segment: Segment, speech: CachedSpeech | None) -> None:
        if self.on_segment is not None:
            self.on_segment(segment, speech)
        self._segments.append(segment)
        self._speeches.append(speech)
        block = self.render.blocks[segment.paragraph_index]
        if len(self._segments) < len(block.parts):
            return
        segments, speeches = tuple(self._segments), tuple(self._speeches)
        self._segments, self._speeches = [], []
        take, new = self._take(block, speeches)
        if self.on_block is not None:
            self.on_block(BlockAudio(block, segments, speeches, take, new))

    def _take(self, block: BlockPlan, speeches: tuple[CachedSpeech | None, ...]) -> tuple[Take | None, bool]:
        stored = self._stored_block(block.block_id)
        if block.status in (BlockStatus.TAKE, BlockStatus.LOCKED):
            if block.missing_audio:
                return None, False
            take = stored.take(block.take_id) if stored is not None and block.take_id else None
            if self.record and stored is not None and take is not None and not stored.locked:
                stored.choose(take.id)  # what was heard is what is chosen
            return take, False
        if block.status is BlockStatus.NOTHING_TO_SPEAK:
            return None, False
        if any(s is None for s, p in zip(speeches, block.parts, strict=True) if p.key is not None):
            return None, False  # not every part has audio: no take
        take = self.render.take_from(block.block_id, speeches)
        if self.record and stored is not None:
            take = stored.add_take(take)
        self.new_takes[block.block_id] = take
        return take, True

    def _stored_block(self, block_id: str) -> Block | None:
        if self.script is None:
            return None
        try:
            return self.script.block(block_id)
        except KeyError:
            return None  # deleted while this ran


def generator_for_plan(
    plan: RenderPlan,
    backend: SynthesisBackend,
    *,
    cache: SpeechCache | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    concurrency: int | None = None,
    max_attempts: int = 6,
    max_backoff_seconds: float = 30.0,
) -> LongformGenerator:
    """A generator that runs ``plan`` with its settings, model and account tier."""
    settings = LongformSettings.from_render(plan.settings, concurrency=concurrency, max_attempts=max_attempts,
                                            max_backoff_seconds=max_backoff_seconds)
    caps = plan.capabilities
    subscription = Subscription(tier=caps.tier) if caps.tier else None
    return LongformGenerator(backend, settings, cache=cache, model=caps.model, subscription=subscription,
                             on_progress=on_progress)


def render(
    plan: RenderPlan,
    script: Script | None,
    backend: SynthesisBackend,
    *,
    cache: SpeechCache | None = None,
    on_block: Callable[[BlockAudio], None] | None = None,
    on_segment: SegmentConsumer | None = None,
    cancel: CancelToken | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    record: bool = True,
    source: str | None = None,
    concurrency: int | None = None,
    max_attempts: int = 6,
    max_backoff_seconds: float = 30.0,
) -> RenderResult:
    """Run ``plan`` (see the module notes). ``source``: the plain text it was planned from, so
    segments point into it (else into ``plan.text``). Raises what the generator raises
    (GenerationError, Cancelled); takes made before that are kept (recorded, or in the cache)."""
    plan.require_speech()
    generator = generator_for_plan(plan, backend, cache=cache, on_progress=on_progress, concurrency=concurrency,
                                   max_attempts=max_attempts, max_backoff_seconds=max_backoff_seconds)
    flat = generator.plan_from(plan, source)
    recorder = TakeRecorder(flat, script, record=record, on_block=on_block, on_segment=on_segment)
    generation = generator.run(flat, recorder, cancel)
    return RenderResult(generation, recorder.new_takes, list(generation.warnings))
