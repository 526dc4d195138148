"""Rebuild from history: which paragraphs the account's history already has audio for.

``match_history(script, settings, capabilities, items, cache)`` plans the script
(:func:`~studio.core.script.plan_render`, the one place that segments and counts credits) and
looks, for every request the plan would send, for a history item that says **exactly that
text with the same voice and model**:

* **The one text rule.** An item's text is cut into paragraphs by the rule every script
  follows (:func:`studio.core.script.document.paragraphs`: a blank line separates them, each
  is trimmed). An item of exactly one paragraph matches a request whose text equals it;
  an item of several paragraphs matches nothing (its audio cannot be split between blocks).
  A whole paragraph the plan splits into several requests also matches one item that holds
  it all (a paragraph generated in one go on the website).
* **Voice and model** must be the render's. Voice *settings* and seed are not compared (the
  history keeps the settings, but a narrator recovering a project wants the audio they paid
  for); a match made with other settings is flagged (``settings_differ``).
* Newest wins when several items say the same; dialogue items, and items not in state
  ``created``, are skipped. The scan stops as soon as every request is covered.

The :class:`HistoryMatch` says, before anything is spent: which paragraphs were found
(:attr:`HistoryMatch.found`), which would still be generated (:attr:`remaining`), and what
those would cost (:attr:`credits_remaining`, from the plan's own request credits, so it is the
figure the counter and Export show). Filling the takes is :mod:`studio.core.history_takes`.
Qt-free, no network: the caller passes the items (``client.iter_history(...)``: lazy pages).
"""

from __future__ import annotations

from collections.abc import Container, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from studio.api.models import HistoryItem
from studio.api.requests import HistoryQuery
from studio.core.script import Capabilities, RenderPlan, RenderSettings, Script, plan_render
from studio.core.script.document import paragraphs
from studio.core.script.plan import settings_material, spoken_key
from studio.cancel import CancelToken

__all__ = ["FoundBlock", "HistoryMatch", "RemainingBlock", "history_query_for", "history_text", "item_in_cache",
           "match_history"]


def history_text(item: HistoryItem) -> str | None:
    """The item's text under the script's paragraph rule; None unless it is one paragraph."""
    if item.dialogue or not item.text:
        return None
    found = paragraphs(item.text)
    return found[0] if len(found) == 1 else None


def history_query_for(settings: RenderSettings, page_size: int = 1000) -> HistoryQuery:
    """The history query that scans only what can match: the render's voice, newest first."""
    return HistoryQuery(voice_id=settings.voice_id, page_size=page_size, sort_direction="desc")


def item_in_cache(item: HistoryItem, settings: RenderSettings, engine_id: str, cache: Container[str]) -> bool:
    """Whether the studio already has this item's audio: its text said by its voice and model,
    with the render's other settings, is in the speech cache (the history panel's mark).

    A paragraph the plan splits is keyed part by part, so for those this says False even when
    every part is cached; one lookup per row is what a list can afford."""
    text = history_text(item)
    if text is None or not item.voice_id or not item.model_id:
        return False
    own = replace(settings, voice_id=item.voice_id, model_id=item.model_id)
    return spoken_key(text, own, engine_id) in cache


def _usable(item: HistoryItem, settings: RenderSettings) -> bool:
    return (item.voice_id == settings.voice_id and item.model_id == settings.model_id
            and (item.state in (None, "created")) and not item.dialogue)


def _settings_differ(item: HistoryItem, material: dict[str, Any]) -> bool:
    """True when the item names a value for a setting the render sets, and it is another."""
    stored = item.settings or {}
    return any(name in stored and stored[name] != value for name, value in material.items())


@dataclass(frozen=True)
class FoundBlock:
    """A paragraph whose audio is in the history: one item per spoken part (or one for all)."""

    block_id: str
    index: int
    text: str
    #: The items, in part order; a single item covers every part when ``whole`` is true.
    items: tuple[HistoryItem, ...]
    whole: bool = False
    settings_differ: bool = False

    @property
    def history_item_ids(self) -> tuple[str, ...]:
        return tuple(item.history_item_id for item in self.items)


@dataclass(frozen=True)
class RemainingBlock:
    """A paragraph that would still be generated, and what that costs."""

    block_id: str
    index: int
    text: str
    requests: int
    characters: int
    credits: float


@dataclass
class HistoryMatch:
    """The report of :func:`match_history` (see the module notes); ``plan`` is what it matched."""

    plan: RenderPlan
    found: list[FoundBlock] = field(default_factory=list)
    remaining: list[RemainingBlock] = field(default_factory=list)
    #: Paragraphs that need nothing (a current take, cached, locked, nothing to speak).
    ready: list[str] = field(default_factory=list)
    items_scanned: int = 0

    @property
    def requests_remaining(self) -> int:
        return sum(b.requests for b in self.remaining)

    @property
    def characters_remaining(self) -> int:
        return sum(b.characters for b in self.remaining)

    @property
    def credits_remaining(self) -> float:
        return sum(b.credits for b in self.remaining)

    @property
    def credits_recovered(self) -> float:
        """What generating the found paragraphs again would have cost."""
        return self.plan.credits_needed - self.credits_remaining

    def summary(self) -> str:
        """One plain sentence for a dialog or the terminal."""
        found = len(self.found)
        left = len(self.remaining)
        words = f"Found {found} paragraph{'s' if found != 1 else ''} in your history"
        if not left:
            return words + "; nothing else needs generating."
        cost = (f", about {self.credits_remaining:,.0f} credits" if self.plan.capabilities.charges else "")
        return (f"{words}; {left} paragraph{'s' if left != 1 else ''} would still be generated "
                f"({self.requests_remaining} request{'s' if self.requests_remaining != 1 else ''}{cost}).")


def match_history(script: Script, settings: RenderSettings, capabilities: Capabilities,
                  items: Iterable[HistoryItem], cache: Container[str] | None = None, *,
                  cancel: CancelToken | None = None) -> HistoryMatch:
    """Match ``items`` (newest first) to the paragraphs of ``script``; see the module notes."""
    plan = plan_render(script, settings, capabilities, cache)
    wanted_parts: dict[str, list[tuple[int, int]]] = {}  # request text -> (block index, part index)
    wanted_whole: dict[str, list[int]] = {}  # whole text of a multi-request block -> block index
    for block in plan.blocks:
        if not block.needs_generation:
            continue
        for part in block.parts:
            if part.request is not None:
                wanted_parts.setdefault(part.text, []).append((block.index, part.index))
        if sum(1 for p in block.parts if p.key is not None) > 1:
            wanted_whole.setdefault(block.text, []).append(block.index)
    by_part: dict[tuple[int, int], HistoryItem] = {}
    by_whole: dict[int, HistoryItem] = {}
    match = HistoryMatch(plan)
    open_parts = sum(len(v) for v in wanted_parts.values())
    for item in items:
        if cancel is not None:
            cancel.raise_if_cancelled()
        match.items_scanned += 1
        text = history_text(item) if _usable(item, settings) else None
        if text is None:
            continue
        for place in wanted_parts.get(text, ()):
            if place not in by_part:  # newest first: the first seen wins
                by_part[place] = item
                open_parts -= 1
        for index in wanted_whole.get(text, ()):
            by_whole.setdefault(index, item)
        if open_parts == 0:
            break
    _report(match, by_part, by_whole, settings_material(settings))
    return match


def _report(match: HistoryMatch, by_part: dict[tuple[int, int], HistoryItem],
            by_whole: dict[int, HistoryItem], material: dict[str, Any]) -> None:
    plan = match.plan
    covered_keys: set[str] = set()
    found_blocks: set[int] = set()
    for block in plan.blocks:
        if not block.needs_generation:
            match.ready.append(block.block_id)
            continue
        needed = [p for p in block.parts if p.request is not None]
        spoken = [p for p in block.parts if p.key is not None]
        if all((block.index, p.index) in by_part for p in needed):
            # Parts already cached need no item; every other one has its own.
            items = tuple(by_part[(block.index, p.index)] for p in needed)
            covered_keys.update(p.key for p in needed if p.key is not None)
            whole = False
        elif block.index in by_whole:
            items, whole = (by_whole[block.index],), len(spoken) > 1
        else:
            continue
        found_blocks.add(block.index)
        match.found.append(FoundBlock(block.block_id, block.index, block.text, items, whole,
                                      any(_settings_differ(item, material) for item in items)))
    counted: set[int] = set()
    for block in plan.blocks:
        if not block.needs_generation or block.index in found_blocks:
            continue
        specs = {p.request: plan.requests[p.request] for p in block.parts if p.request is not None}
        # A request several paragraphs share is counted once, at the first that still needs it.
        own = [s for i, s in specs.items() if i not in counted and s.key not in covered_keys]
        counted.update(specs)
        match.remaining.append(RemainingBlock(block.block_id, block.index, block.text, len(own),
                                              sum(s.characters for s in own), sum(s.credits for s in own)))
