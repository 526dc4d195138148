"""What the outline says of each chapter: how many paragraphs, how many still to make, how long.

Read off the one render plan (:func:`studio.core.script.plan_render`, the plan Play and Export
run), so "needs 3 paragraphs" is exactly what Play or Export of that chapter would generate,
and a chapter's length is the sum of the audio its paragraphs will play (their takes, or their
audio in the cache), read from the cache entries' headers (:meth:`SpeechCache.seconds`).

Qt-free; the studio computes these in the counter's worker beside its own numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from studio.core.script.plan import BlockStatus

if TYPE_CHECKING:
    from studio.core.cache import SpeechCache
    from studio.core.script import RenderPlan

__all__ = ["ChapterFigures", "chapter_figures"]


@dataclass(frozen=True)
class ChapterFigures:
    #: The chapter's id (the id of its first block).
    chapter_id: str
    #: Paragraphs with something to speak, and how many of them must still be generated.
    spoken: int
    to_make: int
    #: Seconds of the audio already there (takes or cache).
    seconds_made: float

    @property
    def complete(self) -> bool:
        """Every paragraph with words is made: ``seconds_made`` is the chapter's length."""
        return self.to_make == 0


def chapter_figures(plan: RenderPlan, cache: SpeechCache | None) -> tuple[ChapterFigures, ...]:
    """One :class:`ChapterFigures` per chapter of ``plan``, in order."""
    found = []
    for chapter in plan.chapters:
        spoken = to_make = 0
        seconds = 0.0
        for block in plan.chapter_blocks(chapter):
            if block.status is BlockStatus.NOTHING_TO_SPEAK:
                continue
            spoken += 1
            if block.needs_generation or block.missing_audio:
                to_make += 1
                continue
            for part in block.parts:
                if part.key is not None and part.cached and cache is not None:
                    seconds += cache.seconds(part.key) or 0.0
        found.append(ChapterFigures(chapter.id, spoken, to_make, seconds))
    return tuple(found)
