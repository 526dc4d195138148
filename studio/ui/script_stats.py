"""The numbers under the script: characters against the model's limit, requests, credits.

Pure Python (no Qt) so it is cheap to test. The request count comes from the same
segmenter the generator uses (:func:`studio.core.segmenter.split_script`), so what the
counter promises is what generation will do.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from studio.core.segmenter import character_limit_for, split_script


@dataclass(frozen=True)
class ScriptStats:
    characters: int
    limit: int | None
    requests: int
    credits: float | None  # None: the engine does not charge (offline)

    @property
    def over_limit(self) -> bool:
        return self.limit is not None and self.characters > self.limit

    def describe(self) -> str:
        parts = [f"{self.characters:,} / {self.limit:,} characters" if self.limit else f"{self.characters:,} characters"]
        if self.over_limit:
            parts.append(f"{self.requests:,} requests")
        if self.credits is None:
            parts.append("no credits (offline)")
        else:
            rounded = math.ceil(self.credits) if self.credits else 0
            parts.append(f"≈ {rounded:,} credit{'s' if rounded != 1 else ''}")
        return " · ".join(parts)


def compute_stats(text: str, model: Any | None, model_id: str | None, *, charges: bool, subscribed: bool) -> ScriptStats:
    """Stats for ``text`` spoken by ``model`` (an API Model, or None when unknown)."""
    characters = len(text)
    limit = character_limit_for(model, model_id or "", subscribed=subscribed) if (model or model_id) else None
    if not text.strip():
        requests = 0
    elif limit:
        requests = len(split_script(text, limit)) if characters > 0 else 0
    else:
        requests = 1
    credits: float | None = None
    if charges:
        rate = model.credits_per_character() if model is not None else 1.0
        credits = characters * rate
    return ScriptStats(characters=characters, limit=limit, requests=requests, credits=credits)
