"""How many requests may run at once, per plan and model (ENDPOINTS.md §5).

The account's own figure, the ``maximum-concurrent-requests`` response header, always wins;
this table is the starting point before the first response arrives. Over the limit the
service queues or answers 429, so starting low and rising costs little, while starting high
costs retries.
"""

from __future__ import annotations

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


def _is_fast_model(model_id: str, concurrency_group: str | None) -> bool:
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
    return fast if _is_fast_model(model_id, concurrency_group) else standard
