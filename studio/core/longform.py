"""Generate a long script: parallel requests, cache first, backoff on 429, delivered in order.

The caller's thread coordinates; requests run on a small thread pool. Everything a GUI needs
arrives through ``on_progress(Progress)`` (called on the caller's thread, so a GUI worker only
has to re-emit it as a signal) and stops through a :class:`~studio.cancel.CancelToken`.

* Cache first: a segment whose key is in the :class:`SpeechCache` is never requested again.
  Every generated segment is stored the moment it completes, so a failed or cancelled run
  loses nothing already paid for, and the next run finishes only what is missing.
* Concurrency starts at the user's figure or the plan table and follows what the server
  says (:class:`studio.core.concurrency.ConcurrencyLimit`): the first request's
  ``maximum-concurrent-requests`` header, and 429s. A refused segment goes back in the queue
  and is sent again, after ``Retry-After``, only when there is room for it.
* Continuity: each request carries ``previous_text``/``next_text`` from the script. With
  ``stitching="request_ids"`` on a model that supports it (not eleven_v3), segments are
  generated one after another and carry the ``request-id`` of up to three preceding segments
  that are under two hours old (falling back to text where there are none).
* Delivery: ``consumer(segment, speech)`` is called in script order; segments that complete
  early wait, bounded by a small window so memory stays flat for any length.
* Planning is :func:`studio.core.script.plan_render`'s (the one place that segments, keys the
  cache and counts credits): :meth:`LongformGenerator.plan` turns a script into a
  :class:`~studio.core.script.Script` and its :class:`~studio.core.script.RenderPlan`, and
  :class:`Plan` is that plan flattened into segments for the run. A locked block's take is
  delivered as it is (resampled if it was made at another rate), never generated again.
"""

from __future__ import annotations

import heapq
import logging
import queue
import time
from collections.abc import Callable, Collection
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, fields, replace
from typing import TYPE_CHECKING, Literal

from studio.api.models import Model, Subscription, VoiceSettings
from studio.core.cache import CachedSpeech, SpeechCache
from studio.cancel import Cancelled, CancelToken
from studio.core.concurrency import REFUSED_FOR_CONCURRENCY, ConcurrencyLimit, plan_concurrency
from studio.core.run_plan import Plan, flatten
from studio.core.script.capabilities import MAX_REQUEST_IDS, REQUEST_ID_MAX_AGE, Capabilities
from studio.core.script.document import Script
from studio.core.script.plan import NothingToSpeakError, RenderPlan, RenderSettings, Rewriter
from studio.core.script.planner import plan_render
from studio.core.segmenter import Segment
from studio.core.timeline import SegmentCollector
from studio.errors import StudioError

if TYPE_CHECKING:
    from studio.core.cast import Cast
    from studio.api.requests import PronunciationDictionaryLocator, TextToSpeechRequest
    from studio.api.streaming import ResponseInfo
    from studio.core.backend import SynthesisBackend

log = logging.getLogger(__name__)
# NothingToSpeakError and Plan are imported from here by callers; they live with the plan now.
__all__ = ["GenerationError", "GenerationResult", "LongformGenerator", "LongformSettings", "NothingToSpeakError",
           "Plan", "Progress"]


class GenerationError(StudioError):
    """A segment could not be made even after retries; names where it is in the script."""

    def __init__(self, cause: str, remedy: str, *, segment: Segment, original: BaseException) -> None:
        super().__init__(cause, remedy)
        self.segment = segment
        self.original = original
        self.retryable = bool(getattr(original, "retryable", False))


@dataclass(frozen=True)
class LongformSettings:
    voice_id: str
    model_id: str
    voice_settings: VoiceSettings | None = None
    seed: int | None = None
    #: Raw PCM: needs no decoder and gives exact durations.
    output_format: str = "pcm_24000"
    stitching: Literal["text", "request_ids"] = "text"
    #: None: automatic (plan table, then the account's header).
    concurrency: int | None = None
    #: Segments are at most this long even when the model allows more: smaller requests
    #: parallelise, report progress and cache better, and a retry costs less.
    max_segment_chars: int = 5_000
    language_code: str | None = None
    #: How much neighbouring script to send as previous_text / next_text.
    context_chars: int = 1_000
    #: Attempts per segment for failures that may pass (429, 5xx, network).
    max_attempts: int = 6
    #: Longest wait between attempts when the server gives no Retry-After.
    max_backoff_seconds: float = 30.0
    #: Pronunciation rules as rewrites of a block's text (see RenderSettings.rewriter).
    rewriter: Rewriter | None = None
    #: Dictionaries the service applies (see RenderSettings.pronunciation_locators).
    pronunciation_locators: tuple[PronunciationDictionaryLocator, ...] = ()
    #: Who says which paragraph (see RenderSettings.cast).
    cast: Cast | None = None

    def render_settings(self) -> RenderSettings:
        """The part of these settings that decides what is spoken (and so the cache keys)."""
        return RenderSettings(**{f.name: getattr(self, f.name) for f in fields(RenderSettings)})

    @classmethod
    def from_render(cls, settings: RenderSettings, **tuning: object) -> LongformSettings:
        """Settings that speak as ``settings`` says, with ``tuning`` (concurrency, attempts…)."""
        return cls(**{f.name: getattr(settings, f.name) for f in fields(RenderSettings)}, **tuning)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Progress:
    """A snapshot for a progress bar or an export dialog."""

    phase: str  # "generating", "finishing", "done"
    segments_total: int
    segments_done: int
    segments_from_cache: int
    characters_total: int
    characters_done: int
    credits_spent: float
    credits_saved: float
    credits_estimated: float
    elapsed_seconds: float
    seconds_left: float | None
    concurrency: int
    requests_sent: int
    message: str = ""

    @property
    def fraction(self) -> float:
        return self.characters_done / self.characters_total if self.characters_total else 1.0


@dataclass
class GenerationResult:
    segments_total: int = 0
    segments_generated: int = 0
    segments_from_cache: int = 0
    requests_sent: int = 0
    credits_spent: float = 0.0
    credits_saved: float = 0.0
    rate_limited: int = 0
    final_concurrency: int = 0
    warnings: list[str] = field(default_factory=list)


def _sample_rate(output_format: str) -> int:
    from studio.api.formats import parse_output_format

    try:
        parsed = parse_output_format(output_format)
    except ValueError:
        parsed = None
    if parsed is None or not parsed.is_pcm:
        raise StudioError(
            f"Long-form generation needs raw PCM audio, not “{output_format}”", "Use an output format such as pcm_24000."
        )
    return parsed.sample_rate


def _excerpt(text: str, limit: int = 48) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


class LongformGenerator:
    def __init__(
        self,
        backend: SynthesisBackend,
        settings: LongformSettings,
        *,
        cache: SpeechCache | None = None,
        model: Model | None = None,
        subscription: Subscription | None = None,
        on_progress: Callable[[Progress], None] | None = None,
    ) -> None:
        self.backend = backend
        self.settings = settings
        self.cache = cache
        self.model = model
        self.subscription = subscription
        self.on_progress = on_progress
        self.engine_id = getattr(backend, "engine_id", "unknown")
        self.sample_rate = _sample_rate(settings.output_format)

    # -- planning -------------------------------------------------------------------------

    def capabilities(self) -> Capabilities:
        tier = self.subscription.tier if self.subscription is not None else None
        return Capabilities(self.engine_id, self.settings.model_id, self.model, tier)

    def character_limit(self) -> int:
        return max(1, min(self.capabilities().request_limit(), self.settings.max_segment_chars))

    def credits_per_character(self) -> float:
        return self.capabilities().credits_per_character()

    def render_plan(self, script: Script, regenerate: Collection[str] = ()) -> RenderPlan:
        return plan_render(script, self.settings.render_settings(), self.capabilities(), self.cache,
                           regenerate=regenerate)

    def plan(self, script: str | Script, regenerate: Collection[str] = ()) -> Plan:
        """Plan plain text (segments point into it) or a Script document (they point into
        the text as heard, :attr:`RenderPlan.text`). Raises NothingToSpeakError."""
        document = Script.from_text(script) if isinstance(script, str) else script
        render = self.render_plan(document, regenerate)
        render.require_speech()
        return self.plan_from(render, script if isinstance(script, str) else None)

    def plan_from(self, render: RenderPlan, source: str | None = None) -> Plan:
        """Flatten ``render`` for a run; ``source``: the plain text it was planned from."""
        return flatten(render, self.sample_rate, source)

    # -- requests -------------------------------------------------------------------------

    def _request(self, plan: Plan, index: int, previous_ids: list[str]) -> TextToSpeechRequest:
        """The planned request for segment ``index``; ids found during the run replace the planned ones."""
        assert plan.render is not None
        return plan.render.spec_for(plan.parts[index]).to_request(previous_ids)

    def _synthesize(
        self, request: TextToSpeechRequest, cancel: CancelToken, events: queue.Queue, index: int
    ) -> tuple[CachedSpeech, ResponseInfo | None]:
        from studio.api.errors import RateLimitError

        attempt = 0
        while True:
            cancel.raise_if_cancelled()
            try:
                events.put(("sent", index, None))
                return self._synthesize_once(request, cancel, events, index)
            except (Cancelled, RateLimitError):
                # A 429 goes to the coordinator: it decides how many may run, and sending
                # again from here would ignore that.
                raise
            except StudioError as error:
                attempt += 1
                if not error.retryable or attempt >= self.settings.max_attempts:
                    raise
                wait = self._backoff(attempt)
            log.info("segment %d: retrying in %.1f s (attempt %d)", index, wait, attempt + 1)
            if cancel.wait(min(wait, self.settings.max_backoff_seconds * 2)):
                raise Cancelled()

    def _backoff(self, attempt: int) -> float:
        import random

        return min(self.settings.max_backoff_seconds, 0.5 * 2 ** (attempt - 1)) * random.uniform(0.8, 1.2)

    def _synthesize_once(
        self, request: TextToSpeechRequest, cancel: CancelToken, events: queue.Queue, index: int
    ) -> tuple[CachedSpeech, ResponseInfo]:
        stream = self.backend.stream_with_timestamps(request)
        # The answer has started: its headers say how many the account may run, now rather
        # than when the whole segment has arrived.
        events.put(("opened", index, stream.info))
        unregister = cancel.on_cancel(stream.close)
        try:
            collector = SegmentCollector(self.sample_rate)
            for chunk in stream:
                collector.add(chunk)
            if cancel.cancelled:
                raise Cancelled()
            completed = stream.completed  # the one "whole take" rule: never cache a cut-off one
        finally:
            unregister()
            stream.close()
        if not completed:
            from studio.api.errors import StreamInterruptedError

            raise StreamInterruptedError(
                "The speech stopped arriving part way through", "Check the connection and try again."
            )
        info = stream.info
        cost = info.character_cost if info.character_cost is not None else len(request.text) * self.credits_per_character()
        speech = CachedSpeech(
            pcm=collector.pcm,
            sample_rate=self.sample_rate,
            alignment=collector.result_alignment(),
            normalized_alignment=collector.result_normalized(),
            request_id=info.request_id,
            character_cost=float(cost),
        )
        return speech, info

    # -- the run --------------------------------------------------------------------------

    def run(
        self,
        plan: Plan,
        consumer: Callable[[Segment, CachedSpeech | None], None],
        cancel: CancelToken | None = None,
    ) -> GenerationResult:
        """Deliver every segment to ``consumer`` in script order (None for unspeakable ones)."""
        cancel = cancel or CancelToken()
        # Runs of speakers first, one dialogue request each, cached per paragraph: the run
        # below then finds those paragraphs cached (studio.core.dialogue).
        from studio.core.dialogue import prerender_dialogue

        prerender_dialogue(plan, self.backend, self.cache, cancel)
        return _Run(self, plan, consumer, cancel).execute()


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

