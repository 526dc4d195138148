"""The fake account's character and concurrency accounting, shared by every request of one server."""

from __future__ import annotations

import threading
import time
from typing import Any

from studio.server.errors import MESSAGES, ApiHTTPError

_PERIOD = 30 * 24 * 3600


class Usage:
    def __init__(self, tier: str, character_limit: int, max_concurrent: int, concurrency_limit: int | None = None) -> None:
        self.tier = tier
        self.character_limit = character_limit
        self.max_concurrent = max_concurrent
        #: Speech requests allowed at once before 429 (None: any number).
        self.concurrency_limit = concurrency_limit
        self._lock = threading.Lock()
        self._count = 0
        self._active = 0
        self._peak = 0
        self._refused = 0
        self._reset_unix = int(time.time()) + _PERIOD

    @property
    def character_count(self) -> int:
        with self._lock:
            return self._count

    @property
    def active(self) -> int:
        """Speech requests in progress (reported as ``current-concurrent-requests``)."""
        with self._lock:
            return self._active

    def charge(self, cost: int) -> None:
        """Spend ``cost`` credits, or refuse with 401 ``quota_exceeded`` (nothing spent)."""
        with self._lock:
            remaining = self.character_limit - self._count
            if cost > remaining:
                raise ApiHTTPError(
                    401, "quota_exceeded",
                    f"This request exceeds your quota of {self.character_limit}. You have "
                    f"{max(0, remaining)} credits remaining, while {cost} credits are required "
                    "for this request.",
                )
            self._count += cost

    def refund(self, cost: int) -> None:
        """Give credits back for a request that failed before any audio was made."""
        with self._lock:
            self._count = max(0, self._count - cost)

    def begin(self, factor: int = 1) -> int:
        """Count a speech request as running, or refuse it with 429 when the limit is reached.

        ``factor`` scales the limit as the header is scaled (2 for turbo/flash models). The
        check and the count happen under one lock, so requests arriving together cannot all
        slip in.
        """
        with self._lock:
            limit = None if self.concurrency_limit is None else self.concurrency_limit * factor
            if limit is not None and self._active >= limit:
                self._refused += 1
                # The real service names the plan's figure in the message, not the free slots.
                message = MESSAGES["too_many_concurrent_requests"].format(limit=self.max_concurrent * factor)
                raise ApiHTTPError(429, "too_many_concurrent_requests", message)
            self._active += 1
            self._peak = max(self._peak, self._active)
            return self._active

    def end(self) -> None:
        with self._lock:
            self._active = max(0, self._active - 1)

    def concurrency(self) -> dict[str, Any]:
        """For tests: the limit, what runs now, the most that ran at once, and refusals."""
        with self._lock:
            return {"limit": self.concurrency_limit, "active": self._active, "peak": self._peak,
                    "refused": self._refused}

    def reset_concurrency(self) -> None:
        with self._lock:
            self._peak, self._refused = self._active, 0

    def subscription(self) -> dict[str, Any]:
        """An ExtendedSubscriptionResponseModel with every required field filled in."""
        with self._lock:
            count, reset = self._count, self._reset_unix
        return {
            "tier": self.tier,
            "character_count": count,
            "character_limit": self.character_limit,
            "max_character_limit_extension": 0,
            "max_credit_limit_extension": 0,
            "can_extend_character_limit": False,
            "allowed_to_extend_character_limit": False,
            "next_character_count_reset_unix": reset,
            "voice_slots_used": 3,
            "professional_voice_slots_used": 0,
            "professional_voice_slots_used_in_workspace": 0,
            "voice_limit": 30,
            "max_voice_add_edits": 95,
            "voice_add_edit_counter": 0,
            "professional_voice_limit": 1,
            "can_extend_voice_limit": False,
            "can_use_instant_voice_cloning": True,
            "can_use_professional_voice_cloning": True,
            "currency": "usd",
            "current_overage": {"amount": "0.00", "currency": "usd"},
            "status": "active",
            "billing_period": "monthly_period",
            "character_refresh_period": "monthly_period",
            "next_invoice": None,
            "open_invoices": [],
            "has_open_invoices": False,
            "pending_change": None,
            "has_used_starter_coupon_on_account": False,
            "has_used_creator_coupon_on_account": False,
        }
