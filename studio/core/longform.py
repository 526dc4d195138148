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

import logging
import queue
from collections.abc import Callable, Collection
from typing import TYPE_CHECKING

from studio.api.models import Model, Subscription
from studio.cancel import Cancelled, CancelToken
from studio.core.cache import CachedSpeech, SpeechCache
from studio.core.longform_run import _Run
from studio.core.longform_settings import GenerationError, GenerationResult, LongformSettings, Progress
from studio.core.run_plan import Plan, flatten
from studio.core.script.capabilities import Capabilities
from studio.core.script.document import Script
from studio.core.script.plan import NothingToSpeakError, RenderPlan
from studio.core.script.planner import plan_render
from studio.core.segmenter import Segment
from studio.core.timeline import SegmentCollector
from studio.errors import StudioError

if TYPE_CHECKING:
    from studio.api.requests import TextToSpeechRequest
    from studio.api.streaming import ResponseInfo
    from studio.core.backend import SynthesisBackend

log = logging.getLogger(__name__)
# Callers import these from here; they live with the plan (NothingToSpeakError, Plan), in
# longform_settings (the data a run is given and gives back) and longform_run (the run loop).
__all__ = ["GenerationError", "GenerationResult", "LongformGenerator", "LongformSettings", "NothingToSpeakError",
           "Plan", "Progress"]


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
