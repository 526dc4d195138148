"""When to try a request again, and how long to wait first.

Capped, jittered exponential backoff that honours ``Retry-After`` (as openai-python does).
Only failures that cost nothing are retried: rate limits, server errors, and network
failures that happened before the server could have produced audio. The client decides
which of those apply to a call (a TTS call whose audio had started is never retried).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from studio.api import errors as e


@dataclass(frozen=True)
class RetryPolicy:
    max_retries: int = 2
    base_delay: float = 0.5  # seconds before the first retry (before jitter)
    max_delay: float = 8.0  # cap on our own backoff
    #: A Retry-After longer than this is not waited out: the error goes to the caller,
    #: who can tell the person how long (blocking a worker for minutes helps nobody).
    max_retry_after: float = 60.0

    def delay(self, attempt: int, error: e.ApiError) -> float | None:
        """Seconds to wait before retry number ``attempt`` (0-based), or None: do not retry."""
        if attempt >= self.max_retries or not error.retryable:
            return None
        retry_after = getattr(error, "retry_after", None)
        if retry_after is not None:
            if retry_after > self.max_retry_after:
                return None
            # A little jitter on top so parallel workers do not all return at once.
            return retry_after + random.uniform(0, min(1.0, self.base_delay))
        ceiling = min(self.max_delay, self.base_delay * (2**attempt))
        # "Equal jitter": never less than half the backoff, never more than the cap.
        return ceiling / 2 + random.uniform(0, ceiling / 2)


NO_RETRY = RetryPolicy(max_retries=0)
