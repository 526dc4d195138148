"""A :class:`~studio.core.script.RenderPlan` flattened into the segments a long-form run works on.

:class:`studio.core.longform_run._Run` delivers segments in order, fetches the cached ones and
generates the rest; it knows nothing of blocks and takes. :func:`flatten` turns every part of
every block into one :class:`Segment` (with its cache key, whether its audio is there already,
and whether it must never be generated because it is a locked block's take).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from studio.core.script.chapters import Chapter
from studio.core.script.document import paragraph_spans
from studio.core.script.plan import PartPlan, RenderPlan
from studio.core.segmenter import Segment

__all__ = ["ChapterSpan", "Plan", "flatten"]


@dataclass(frozen=True)
class ChapterSpan:
    """A chapter and its segments ``first_segment`` … ``end_segment - 1`` in a :class:`Plan`
    (``first_segment == end_segment``: a chapter with nothing to speak)."""

    chapter: Chapter
    first_segment: int
    end_segment: int


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

    def chapter_spans(self) -> list[ChapterSpan]:
        """Which segments each chapter of the render plan covers (an export cuts per chapter
        at ``segments[span.first_segment:span.end_segment]``); empty without a render plan."""
        if self.render is None:
            return []
        spans: list[ChapterSpan] = []
        k = 0
        for chapter in self.render.chapters:
            first = k
            while k < len(self.segments) and self.segments[k].paragraph_index <= chapter.last_block:
                k += 1
            spans.append(ChapterSpan(chapter, first, k))
        return spans

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
