"""How many requests may run at once, per plan and model (ENDPOINTS.md §5).

The account's own figure, the ``maximum-concurrent-requests`` response header, always wins;
this table is the starting point before the first response arrives. Over the limit the
service queues or answers 429, so starting low and rising costs little, while starting high
costs retries.
"""

from __future__ import annotations

from studio.api.errors import REFUSED_FOR_CONCURRENCY

#: plan tier → (multilingual and other standard models, turbo/flash models)
PLAN_CONCURRENCY: dict[str, tuple[int, int]] = {
    "free": (2, 4),
    "starter": (3, 6),
    "creator": (5, 10),
    "pro": (10, 20),
    "scale": (15, 30),
    "business": (15, 30),
    # "Elevated" for enterprise has no published figure: start at the highest known one.
    "enterprise": (15, 30),
}
#: When the plan is unknown: the smallest figure of any plan.
UNKNOWN_PLAN = (2, 4)


def is_fast_model(model_id: str, concurrency_group: str | None) -> bool:
    """Turbo and flash models: the plans allow twice as many of their requests at once (the
    studio's one copy of that rule; the local server scales its limit and header by it too)."""
    if concurrency_group:
        return concurrency_group.lower() in ("turbo", "flash", "fast")
    return any(word in model_id for word in ("turbo", "flash"))


def _normalise_tier(tier: str | None) -> str:
    tier = (tier or "").lower()
    for name in PLAN_CONCURRENCY:
        # Tiers come back as e.g. "creator", "pro", "creator_new", "growing_business".
        if tier == name or tier.startswith(name + "_") or tier.endswith("_" + name):
            return name
    return ""


def plan_concurrency(tier: str | None, model_id: str, concurrency_group: str | None = None) -> int:
    """The documented concurrent-request limit for ``tier`` and the model's group."""
    standard, fast = PLAN_CONCURRENCY.get(_normalise_tier(tier), UNKNOWN_PLAN)
    return fast if is_fast_model(model_id, concurrency_group) else standard


class ConcurrencyLimit:
    """How many requests one export runs at once, following what the server says.

    * ``ceiling`` is the best knowledge of the account's room: the plan table (or the
      user's figure) at first, then the ``maximum-concurrent-requests`` header, then what a
      429 ``too_many_concurrent_requests`` showed. ``limit`` is what runs now (at most the
      ceiling); it drops after a temporary refusal and climbs back slowly.
    * The first request goes alone until its answer starts (``probe``): its headers carry
      the account's figure, so an account with less room than its plan's table is never
      hit with the table's burst. It costs one time-to-first-byte, once per export.
    * A concurrency refusal means the server had no room for one more while the others of
      ours were running: that number is the room, for the rest of the export (another app
      may be using the rest). ``system_busy`` is a temporary overload, not the account's
      limit: only ``limit`` drops, by one.
    """

    def __init__(self, start: int, *, explicit: int | None = None, probe: bool = True) -> None:
        self.explicit = explicit
        self.ceiling = max(1, start)
        self.limit = self.ceiling
        self.probing = probe and self.ceiling > 1
        self._refused_for_room = False
        self._slowed = False
        self._successes = 0

    def room(self) -> int:
        """How many may be in flight now."""
        return 1 if self.probing else self.limit

    def on_header(self, maximum: int | None) -> None:
        """A response started; ``maximum`` is its ``maximum-concurrent-requests`` (if sent)."""
        self.probing = False
        if not maximum:
            return
        figure = min(maximum, self.explicit) if self.explicit else maximum
        if self._refused_for_room:
            figure = min(figure, self.ceiling)  # a refusal showed less room than the plan
        self.ceiling = max(1, figure)
        self.limit = min(self.limit, self.ceiling) if self._slowed else self.ceiling

    def on_refused(self, kind: str, running: int) -> None:
        """A 429 of ``kind`` arrived while ``running`` other requests of ours were in flight."""
        self.probing = False
        self._slowed = True
        self._successes = 0
        if kind == REFUSED_FOR_CONCURRENCY:
            self._refused_for_room = True
            self.ceiling = max(1, min(self.ceiling, running))
            self.limit = min(self.limit, self.ceiling)
        else:
            self.limit = max(1, min(self.limit, running + 1) - 1)

    def on_success(self) -> None:
        self.probing = False
        self._successes += 1
        if self.limit > self.ceiling:
            self.limit = self.ceiling
        elif self.limit < self.ceiling and self._successes >= 2 * self.limit:
            self.limit += 1  # recover slowly after a temporary refusal
            self._successes = 0
