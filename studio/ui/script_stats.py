"""What speaking the script will cost now, read off the one render plan.

The counter under the script and the export dialog both show these numbers, and both take
them from :func:`studio.core.script.plan_render`'s :class:`~studio.core.script.RenderPlan`:
the plan that Play and Export then run. So the requests and credits promised are exactly
the ones spent (paragraphs already made, by a take or in the cache, cost nothing; a long
paragraph costs as many requests as the model's limit for the account's plan needs).

Pure Python (no Qt).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from studio.core.chapter_figures import ChapterFigures
from studio.core.script import BlockStatus, RenderPlan

__all__ = ["PlanStats", "count", "credits_text"]


def count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def credits_text(value: float) -> str:
    """``≈ 12 credits``: rounded up, as the service charges whole credits."""
    rounded = math.ceil(value) if value else 0
    return f"≈ {count(rounded, 'credit')}"


@dataclass(frozen=True)
class PlanStats:
    #: Characters of the script as written.
    characters: int
    #: Text-to-speech requests Play or Export will send now.
    requests: int
    #: Credits they will cost (None: the engine does not charge).
    credits: float | None
    #: Paragraphs with something to speak, and how many of them are already made.
    paragraphs: int
    paragraphs_made: int
    #: The most characters one request carries for this model and account.
    limit: int
    #: Per chapter (the outline's figures): filled where the cache can be read, in a worker.
    chapters: tuple[ChapterFigures, ...] = ()

    @classmethod
    def of(cls, plan: RenderPlan, characters: int | None = None) -> PlanStats:
        spoken = [b for b in plan.blocks if b.status is not BlockStatus.NOTHING_TO_SPEAK]
        made = [b for b in spoken if not b.needs_generation and not b.missing_audio]
        return cls(
            characters=len(plan.text) if characters is None else characters,
            requests=plan.requests_needed,
            credits=plan.credits_needed if plan.capabilities.charges else None,
            paragraphs=len(spoken),
            paragraphs_made=len(made),
            limit=plan.character_limit,
        )

    def describe(self) -> str:
        """The counter's line, e.g. ``1,234 characters · 3 requests · ≈ 1,234 credits · 2 of 5 paragraphs made``."""
        parts = [count(self.characters, "character")]
        if self.paragraphs and self.requests == 0:
            parts.append("all made: nothing to send")
        elif self.paragraphs:
            parts.append(count(self.requests, "request"))
            parts.append("no credits (offline)" if self.credits is None else credits_text(self.credits))
            if self.paragraphs_made:
                parts.append(f"{self.paragraphs_made:,} of {count(self.paragraphs, 'paragraph')} made")
        return " · ".join(parts)

    def tooltip(self) -> str:
        if not self.paragraphs:
            return ""
        made = f" {self.paragraphs_made:,} of {count(self.paragraphs, 'paragraph')} are already made and cost nothing."
        if self.requests == 0:
            return "Every paragraph is already made: Play and Export send nothing." + (
                "" if self.credits is None else " They cost no credits.")
        cost = "" if self.credits is None else f", {credits_text(self.credits)} (charged as the service reports)"
        return (f"Play and Export will send {count(self.requests, 'request')} of at most {self.limit:,} characters "
                f"(this model's limit for your plan){cost}.{made if self.paragraphs_made else ''}")

    def export_summary(self) -> str:
        """The export dialog's sentence about what the export will send."""
        if not self.paragraphs:
            return ""
        if self.requests == 0:
            return "Every paragraph is already made: this export sends no requests and costs nothing."
        cost = "free, offline voice" if self.credits is None else credits_text(self.credits)
        made = (f"; {self.paragraphs_made:,} of {count(self.paragraphs, 'paragraph')} are already made"
                if self.paragraphs_made else "")
        return f"This export needs {count(self.requests, 'request')} ({cost}){made}."
