"""One run of a long-form plan: the coordinator loop behind :meth:`LongformGenerator.run`.

The caller's thread runs :meth:`_Run.execute`; requests run on a thread pool and report back
through one event queue (``sent``, ``opened``, ``done``, ``failed``), so every piece of state
here is touched by one thread only. What it does, in :mod:`studio.core.longform`'s words:
cache first, concurrency that follows the server, 429s queued again after ``Retry-After``,
request-id stitching, delivery in script order within a bounded window, the same text made once.
"""

from __future__ import annotations

import heapq
import queue
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import TYPE_CHECKING

from studio.cancel import Cancelled, CancelToken
from studio.core.cache import CachedSpeech
from studio.core.concurrency import REFUSED_FOR_CONCURRENCY, ConcurrencyLimit, plan_concurrency
from studio.core.longform_settings import GenerationError, GenerationResult, Progress
from studio.core.run_plan import Plan
from studio.core.script.capabilities import MAX_REQUEST_IDS, REQUEST_ID_MAX_AGE
from studio.core.segmenter import Segment
from studio.errors import StudioError

if TYPE_CHECKING:
    from studio.api.errors import RateLimitError
    from studio.api.requests import TextToSpeechRequest
    from studio.core.longform import LongformGenerator


def _excerpt(text: str, limit: int = 48) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"



class _Run:
    """One execution of a plan; state lives here so the generator stays reusable."""

    def __init__(
        self,
        generator: LongformGenerator,
        plan: Plan,
        consumer: Callable[[Segment, CachedSpeech | None], None],
        cancel: CancelToken,
    ) -> None:
        self.g = generator
        self.plan = plan
        self.consumer = consumer
        self.cancel = cancel
        self.events: queue.Queue = queue.Queue()
        self.result = GenerationResult(segments_total=len(plan.segments))
        self.started = time.monotonic()
        self.explicit = generator.settings.concurrency
        self.concurrency = ConcurrencyLimit(
            self._initial_limit(), explicit=self.explicit, probe=generator.engine_id != "offline"
        )
        self.result.final_concurrency = self.limit
        self.attempts: dict[int, int] = {}  # segment → 429s so far
        self.not_before: dict[int, float] = {}  # a refused segment waits until then
        # The same text twice in one script (a refrain, a repeated heading) is made once.
        self.alias: dict[int, int] = {}
        self.repeats: dict[str, int] = {}
        first: dict[str, int] = {}
        for i, key in enumerate(plan.keys):
            if key is None:
                continue
            if key in first:
                self.alias[i] = first[key]
                self.repeats[key] = self.repeats.get(key, 0) + 1
            else:
                first[key] = i
        self.shared: dict[str, list] = {}  # key → [speech, deliveries still to come]  # type: ignore[type-arg]
        self.pending: list[int] = [
            i
            for i, (k, c) in enumerate(zip(plan.keys, plan.cached, strict=True))
            if k is not None and not c and i not in self.alias
        ]
        heapq.heapify(self.pending)
        self.ready: dict[int, CachedSpeech] = {}
        self.in_flight: set[int] = set()
        self.failure: tuple[int, BaseException] | None = None
        self.next_deliver = 0
        self.done_chars = 0
        self.generated_chars = 0
        self.generation_seconds_start: float | None = None
        self.request_ids: dict[int, tuple[str, float]] = {}
        self.stitch = plan.render.stitching if plan.render is not None else False
        self.result.warnings.extend(plan.render.warnings if plan.render is not None else ())

    def _initial_limit(self) -> int:
        if self.explicit:
            return max(1, self.explicit)
        if self.g.engine_id == "offline":
            return 1  # one local engine already uses every core
        model = self.g.model
        tier = self.g.subscription.tier if self.g.subscription else None
        return plan_concurrency(tier, self.g.settings.model_id, model.concurrency_group if model else None)

    @property
    def limit(self) -> int:
        return self.concurrency.limit

    # -- helpers --------------------------------------------------------------------------

    def _window(self) -> int:
        return max(8, self.limit * 3)

    def _progress(self, phase: str = "generating", message: str = "") -> None:
        if self.g.on_progress is None:
            return
        elapsed = time.monotonic() - self.started
        remaining_chars = sum(len(self.plan.segments[i]) for i in self.pending) + sum(
            len(self.plan.segments[i]) for i in self.in_flight
        )
        seconds_left: float | None = None
        if phase == "done":
            seconds_left = 0.0
        elif self.generated_chars and self.generation_seconds_start is not None:
            rate = self.generated_chars / max(1e-6, time.monotonic() - self.generation_seconds_start)
            seconds_left = remaining_chars / rate
        elif not self.pending and not self.in_flight:
            seconds_left = 0.0
        self.g.on_progress(
            Progress(
                phase=phase,
                segments_total=len(self.plan.segments),
                segments_done=self.next_deliver,
                segments_from_cache=self.result.segments_from_cache,
                characters_total=self.plan.characters_total,
                characters_done=self.done_chars,
                credits_spent=self.result.credits_spent,
                credits_saved=self.result.credits_saved,
                credits_estimated=self.plan.credits_needed,
                elapsed_seconds=elapsed,
                seconds_left=seconds_left,
                concurrency=self.limit,
                requests_sent=self.result.requests_sent,
                message=message,
            )
        )

    def _previous_ids(self, index: int) -> list[str]:
        ids: list[str] = []
        now = time.time()
        j = index - 1
        while j >= 0 and len(ids) < MAX_REQUEST_IDS:
            if self.plan.keys[j] is None:
                j -= 1
                continue
            found = self.request_ids.get(j)
            if found is None or now - found[1] > REQUEST_ID_MAX_AGE:
                break
            ids.append(found[0])
            j -= 1
        ids.reverse()
        return ids

    def _can_submit(self, index: int) -> bool:
        if index >= self.next_deliver + self._window():
            return False
        if self.not_before.get(index, 0.0) > time.monotonic():
            return False  # refused a moment ago: wait as the server asked
        if self.stitch:
            # Sequential: the segment before must be finished so its request id is known.
            return not self.in_flight
        return True

    def _submit(self, pool: ThreadPoolExecutor) -> None:
        while (
            self.failure is None
            and not self.cancel.cancelled
            and self.pending
            and len(self.in_flight) < self.concurrency.room()
            and self._can_submit(self.pending[0])
        ):
            index = heapq.heappop(self.pending)
            previous_ids = self._previous_ids(index) if self.stitch else []
            try:
                request = self.g._request(self.plan, index, previous_ids)
            except StudioError as error:
                self.failure = (index, error)
                return
            self.in_flight.add(index)
            if self.generation_seconds_start is None:
                self.generation_seconds_start = time.monotonic()
            pool.submit(self._work, index, request)

    def _work(self, index: int, request: TextToSpeechRequest) -> None:
        try:
            speech, info = self.g._synthesize(request, self.cancel, self.events, index)
        except BaseException as error:  # noqa: BLE001 - every failure goes back to the coordinator
            self.events.put(("failed", index, error))
            return
        key = self.plan.keys[index]
        if self.g.cache is not None and key is not None:
            self.g.cache.put(key, speech)
        self.events.put(("done", index, (speech, info)))

    # -- the loop -------------------------------------------------------------------------

    def execute(self) -> GenerationResult:
        self._progress()
        pool = ThreadPoolExecutor(max_workers=64, thread_name_prefix="longform")
        try:
            while self.next_deliver < len(self.plan.segments):
                self._deliver_ready()
                if self.next_deliver >= len(self.plan.segments):
                    break
                if self.failure is not None and not self.in_flight:
                    raise self._failure_error()
                if self.cancel.cancelled and not self.in_flight:
                    raise Cancelled()
                self._submit(pool)
                if self.failure is not None and not self.in_flight:
                    raise self._failure_error()
                if not self.pending and not self.in_flight and self.events.empty():
                    # Nothing running and nothing left to start, yet the next segment is not
                    # ready: a bug, and waiting would hang forever.
                    raise RuntimeError(f"segment {self.next_deliver} can never be delivered")
                try:
                    kind, index, payload = self.events.get(timeout=0.25)
                except queue.Empty:
                    continue
                self._handle(kind, index, payload)
        finally:
            # Requests still running finish and are cached (they are paid for); a cancel has
            # already closed their streams.
            pool.shutdown(wait=True, cancel_futures=True)
        self.result.final_concurrency = self.limit
        self._progress("done")
        return self.result

    def _handle(self, kind: str, index: int, payload: object) -> None:
        from studio.api.errors import RateLimitError

        if kind == "sent":
            self.result.requests_sent += 1
            return
        if kind == "opened":
            self.concurrency.on_header(getattr(payload, "maximum_concurrent_requests", None))
            return
        self.in_flight.discard(index)
        if kind == "failed":
            assert isinstance(payload, BaseException)
            if isinstance(payload, Cancelled) or self.cancel.cancelled:
                return
            if isinstance(payload, RateLimitError) and self._requeue(index, payload):
                return
            if self.failure is None or index < self.failure[0]:
                self.failure = (index, payload)
            return
        speech, _info = payload  # type: ignore[misc]
        self.ready[index] = speech
        segment = self.plan.segments[index]
        self.result.segments_generated += 1
        self.result.credits_spent += speech.character_cost or 0.0
        self.generated_chars += len(segment)
        if speech.request_id:
            self.request_ids[index] = (speech.request_id, speech.created_unix)
        self.concurrency.on_success()

    def _requeue(self, index: int, error: RateLimitError) -> bool:
        """A 429: lower the concurrency and queue the segment again (False: give up on it)."""
        self.result.rate_limited += 1
        attempts = self.attempts[index] = self.attempts.get(index, 0) + 1
        # ``index`` has left in_flight: what is still running is what the server had room for.
        self.concurrency.on_refused(error.kind, len(self.in_flight))
        if attempts >= self.g.settings.max_attempts:
            return False
        wait = error.retry_after if error.retry_after is not None else self.g._backoff(attempts)
        self.not_before[index] = time.monotonic() + min(wait, self.g.settings.max_backoff_seconds * 2)
        heapq.heappush(self.pending, index)
        if error.kind == REFUSED_FOR_CONCURRENCY:
            message = f"Your account has room for {self.limit} at a time now; continuing with {self.limit}."
        else:
            message = f"The service is busy; waiting and slowing down to {self.limit} at a time."
        self._progress(message=message)
        return True

    def _deliver_ready(self) -> None:
        delivered = False
        while self.next_deliver < len(self.plan.segments):
            i = self.next_deliver
            segment = self.plan.segments[i]
            key = self.plan.keys[i]
            if key is None:
                speech = None
            elif key in self.shared:
                entry = self.shared[key]
                speech = entry[0]
                entry[1] -= 1
                if entry[1] <= 0:
                    del self.shared[key]
                self.result.segments_from_cache += 1
                self.result.credits_saved += speech.character_cost or 0.0
            elif i in self.ready:
                speech = self.ready.pop(i)
            elif i in self.plan.keep:
                speech = self._kept(i, key)
            elif self.plan.cached[i]:
                speech = self.g.cache.get(key) if self.g.cache is not None else None
                if speech is None or speech.sample_rate != self.plan.sample_rate:
                    # Damaged or evicted since planning: make it again (once).
                    self.plan.cached[i] = False
                    heapq.heappush(self.pending, i)
                    break
                self.result.segments_from_cache += 1
                self.result.credits_saved += (
                    speech.character_cost
                    if speech.character_cost is not None
                    else len(segment) * self.plan.credits_per_character
                )
            else:
                break
            # Stitching (sequential, so every segment before the next request is delivered by
            # now) takes its previous ids from here: cached and repeated segments included.
            if speech is not None and speech.request_id and i not in self.request_ids:
                self.request_ids[i] = (speech.request_id, speech.created_unix)
            if key is not None and key not in self.shared and self.repeats.get(key) and i not in self.alias:
                self.shared[key] = [speech, self.repeats[key]]
            self.consumer(segment, speech)
            self.next_deliver += 1
            self.done_chars += len(segment)
            delivered = True
        if delivered:
            self._progress()

    def _kept(self, index: int, key: str) -> CachedSpeech | None:
        """A locked take's audio: never made again; at the run's rate if it was made at another."""
        speech = self.g.cache.get(key) if self.g.cache is not None else None
        if speech is None:
            self.result.warnings.append(
                f"Paragraph {self.plan.segments[index].paragraph_index + 1} is locked, but its take left the "
                "speech cache while this ran; it is silent. Unlock it to make it again."
            )
            return None
        self.result.segments_from_cache += 1
        if speech.sample_rate != self.plan.sample_rate:
            from studio.core.audio import resample

            speech = replace(speech, pcm=resample(speech.pcm, speech.sample_rate, self.plan.sample_rate),
                             sample_rate=self.plan.sample_rate)
        return speech

    def _failure_error(self) -> GenerationError:
        assert self.failure is not None
        index, error = self.failure
        segment = self.plan.segments[index]
        reason = error.cause if isinstance(error, StudioError) else str(error) or type(error).__name__
        remedy = error.remedy if isinstance(error, StudioError) and error.remedy else "Try again later."
        return GenerationError(
            f"Paragraph {segment.paragraph_index + 1} (“{_excerpt(segment.text)}”) could not be made: {reason.rstrip('.')}",
            f"{remedy.rstrip('.')}. Everything made so far is kept: export again to finish, "
            "and the finished parts will not be requested or paid for again.",
            segment=segment,
            original=error,
        )
