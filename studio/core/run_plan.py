"""A :class:`~studio.core.script.RenderPlan` flattened into the segments a long-form run works on.

:class:`studio.core.longform._Run` delivers segments in order, fetches the cached ones and
generates the rest; it knows nothing of blocks and takes. :func:`flatten` turns every part of
every block into one :class:`Segment` (with its cache key, whether its audio is there already,
and whether it must never be generated because it is a locked block's take).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from studio.core.script.document import paragraph_spans
from studio.core.script.plan import PartPlan, RenderPlan
from studio.core.segmenter import Segment

__all__ = ["Plan", "flatten"]


@dataclass
class Plan:
    """A :class:`RenderPlan` flattened into segments (one per part) for a run."""

    script: str
    segments: list[Segment]
    keys: list[str | None]  # None: nothing to speak (punctuation only, or a locked take now gone)
    cached: list[bool]
    sample_rate: int
    character_limit: int
    credits_per_character: float
    #: The plan this was made from, and its part behind each segment.
    render: RenderPlan | None = None
    parts: list[PartPlan] = field(default_factory=list)
    #: Segments that must never be generated (a locked block's take): delivered as they are.
    keep: frozenset[int] = frozenset()

    @property
    def characters_total(self) -> int:
        return sum(len(s) for s in self.segments)

    @property
    def credits_needed(self) -> float:
        """Estimated credits for what is not made yet: the render plan's own count (the one
        place credits are counted)."""
        return self.render.credits_needed if self.render is not None else 0.0


def flatten(render: RenderPlan, sample_rate: int, source: str | None = None) -> Plan:
    """One segment per part of ``render``, in script order.

    With ``source`` (the plain text ``render`` was planned from, e.g. the editor's text) the
    segments point into it, so subtitles and highlights land on the text as written;
    otherwise into :attr:`RenderPlan.text`.
    """
    spans = paragraph_spans(source) if source is not None else None
    segments: list[Segment] = []
    keep: set[int] = set()
    parts = render.parts
    for part in parts:
        if spans is not None:
            base = spans[part.block_index][0]
            start, end = base + part.start, base + part.end
        else:
            start, end = part.script_start, part.script_end
        if render.blocks[part.block_index].never_generated:
            keep.add(len(segments))
        segments.append(Segment(len(segments), start, end, part.text, part.block_index, part.spoken))
    return Plan(
        script=source if source is not None else render.text,
        segments=segments,
        keys=[p.key for p in parts],
        cached=[p.cached for p in parts],
        sample_rate=sample_rate,
        character_limit=render.character_limit,
        credits_per_character=render.credits_per_character,
        render=render,
        parts=parts,
        keep=frozenset(keep),
    )
