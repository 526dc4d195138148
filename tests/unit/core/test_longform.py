"""Long-form generation over an in-test engine: order, parallelism, cache, 429, stitching, failure, cancel."""

from __future__ import annotations

import random
import threading
import time
from pathlib import Path

import pytest

from studio.api.errors import AuthenticationError
from studio.api.models import Model, Subscription, VoiceSettings
from studio.core.cache import CachedSpeech, SpeechCache
from studio.cancel import Cancelled, CancelToken
from studio.core.longform import GenerationError, LongformGenerator, LongformSettings, NothingToSpeakError, Progress
from studio.core.segmenter import Segment

from .fake_backend import FakeBackend, expected_samples

SCRIPT = "\n\n".join(f"Paragraph {i}: the narrator reads line {i}, slowly." for i in range(24))


def _settings(**changes: object) -> LongformSettings:
    base: dict[str, object] = dict(voice_id="voice-1", model_id="eleven_multilingual_v2",
                                   voice_settings=VoiceSettings(stability=0.4), seed=12)
    base.update(changes)
    return LongformSettings(**base)  # type: ignore[arg-type]


def _run(backend: FakeBackend, cache: SpeechCache | None, script: str = SCRIPT, cancel: CancelToken | None = None,
         progress: list[Progress] | None = None, **changes: object):  # type: ignore[no-untyped-def]
    generator = LongformGenerator(backend, _settings(**changes), cache=cache,
                                  on_progress=progress.append if progress is not None else None)
    plan = generator.plan(script)
    delivered: list[tuple[Segment, CachedSpeech | None]] = []
    result = generator.run(plan, lambda seg, speech: delivered.append((seg, speech)), cancel)
    return plan, result, delivered


def test_delivers_in_script_order_with_random_latency(tmp_path: Path) -> None:
    backend = FakeBackend(latency=0.02)
    rng = random.Random(4)
    original = backend.stream_with_timestamps

    def jittery(request):  # type: ignore[no-untyped-def]
        time.sleep(rng.uniform(0, 0.03))
        return original(request)

    backend.stream_with_timestamps = jittery  # type: ignore[method-assign]
    plan, result, delivered = _run(backend, SpeechCache(tmp_path), concurrency=4)
    assert [seg.index for seg, _ in delivered] == list(range(len(plan.segments)))
    for seg, speech in delivered:
        assert speech is not None and speech.n_samples == expected_samples(seg.text, 24_000)
        assert speech.alignment is not None and "".join(speech.alignment.characters) == seg.text
    assert result.segments_generated == len(plan.segments) == len(backend.requests)
    assert result.credits_spent == sum(len(s.text) for s in plan.segments)


def test_parallel_up_to_the_limit_and_never_beyond(tmp_path: Path) -> None:
    backend = FakeBackend(latency=0.05)
    _run(backend, None, concurrency=3)
    assert backend.peak_active == 3


def test_plan_table_sets_the_start_and_the_header_takes_over() -> None:
    backend = FakeBackend(latency=0.05, max_concurrent_header=2)
    generator = LongformGenerator(backend, _settings(), subscription=Subscription(tier="creator"))
    plan = generator.plan(SCRIPT)
    result = generator.run(plan, lambda s, p: None)
    assert backend.peak_active <= 5  # creator, multilingual: 5 before the first response
    assert result.final_concurrency == 2


def test_cache_means_nothing_is_requested_twice(tmp_path: Path) -> None:
    cache = SpeechCache(tmp_path)
    first = FakeBackend()
    _, result1, delivered1 = _run(first, cache, concurrency=4)
    second = FakeBackend()
    progress: list[Progress] = []
    plan, result2, delivered2 = _run(second, cache, concurrency=4, progress=progress)
    assert second.requests == []
    assert result2.segments_from_cache == len(plan.segments)
    assert result2.credits_spent == 0 and result2.credits_saved == result1.credits_spent
    assert [s.pcm for _, s in delivered1] == [s.pcm for _, s in delivered2]  # type: ignore[union-attr]
    assert progress[-1].phase == "done" and progress[-1].credits_saved == result1.credits_spent
    assert plan.credits_needed == 0
    # A different setting is different audio: requested again.
    third = FakeBackend()
    _run(third, cache, concurrency=4, seed=13)
    assert len(third.requests) == len(plan.segments)


def test_corrupt_cache_entry_is_regenerated(tmp_path: Path) -> None:
    cache = SpeechCache(tmp_path)
    plan, _, _ = _run(FakeBackend(), cache, concurrency=4)
    victim = plan.keys[5]
    assert victim is not None
    path = cache.path_for(victim)
    path.write_bytes(path.read_bytes()[:-7])
    again = FakeBackend()
    _, result, delivered = _run(again, cache, concurrency=4)
    assert [r.text for r in again.requests] == [plan.segments[5].text]
    assert result.segments_generated == 1 and cache.stats.corrupt == 1
    assert delivered[5][1] is not None and delivered[5][1].n_samples == expected_samples(plan.segments[5].text, 24_000)


def test_backs_off_on_429_and_lowers_concurrency() -> None:
    backend = FakeBackend(latency=0.02, rate_limit_first=3)
    plan, result, delivered = _run(backend, None, concurrency=4)
    assert result.rate_limited == 3
    assert len(delivered) == len(plan.segments)
    assert result.requests_sent == len(plan.segments) + 3
    assert len(backend.requests) == len(plan.segments) + 3


def test_a_concurrency_refusal_lowers_the_ceiling_to_what_was_running() -> None:
    """Creator plan (5 at once by the table), no header, the service has room for 2: one
    burst is refused, then the export stays at 2 — never "minus one" per refusal, and
    never climbing back into more refusals."""
    backend = FakeBackend(latency=0.03, allow_concurrent=2)
    generator = LongformGenerator(backend, _settings(), subscription=Subscription(tier="creator"))
    plan = generator.plan(SCRIPT)
    messages: list[str] = []
    generator.on_progress = lambda p: messages.append(p.message) if p.message else None
    delivered: list[Segment] = []
    result = generator.run(plan, lambda seg, speech: delivered.append(seg))
    assert len(delivered) == len(plan.segments)
    assert backend.refused == result.rate_limited == 3  # the probe's answer opens 5; 2 fit
    assert result.final_concurrency == 2
    assert messages[-1] == "Your account has room for 2 at a time now; continuing with 2."
    assert len(backend.requests) == len(plan.segments) + 3


def test_the_first_answer_header_sets_the_concurrency_before_any_burst() -> None:
    backend = FakeBackend(latency=0.03, allow_concurrent=2, max_concurrent_header=2)
    generator = LongformGenerator(backend, _settings(), subscription=Subscription(tier="creator"))
    result = generator.run(generator.plan(SCRIPT), lambda s, p: None)
    assert backend.refused == result.rate_limited == 0
    assert backend.peak_active == 2 and result.final_concurrency == 2


def test_busy_is_temporary_the_limit_drops_by_one_and_recovers() -> None:
    from studio.api.errors import RateLimitError

    busy_left = [1]
    lock = threading.Lock()

    def busy_once(text: str) -> BaseException | None:
        with lock:
            if "line 3," in text and busy_left[0]:
                busy_left[0] -= 1
                return RateLimitError("Busy", retry_after=0.01, kind="system_busy")
        return None

    backend = FakeBackend(latency=0.02, fail_texts=busy_once)
    plan, result, delivered = _run(backend, None, concurrency=4)
    assert result.rate_limited == 1 and len(delivered) == len(plan.segments)
    assert result.final_concurrency == 4  # back at the ceiling: busy says nothing about the account


def test_continuity_text_is_sent() -> None:
    backend = FakeBackend()
    plan, _, _ = _run(backend, None, concurrency=2, context_chars=60)
    by_text = {r.text: r for r in backend.requests}
    middle = by_text[plan.segments[5].text]
    assert middle.previous_text and plan.script[: plan.segments[5].start].rstrip().endswith(middle.previous_text)
    assert middle.next_text and plan.script[plan.segments[5].end :].lstrip().startswith(middle.next_text)
    assert len(middle.previous_text) <= 60 and middle.previous_request_ids is None
    first = by_text[plan.segments[0].text]
    assert first.previous_text is None


def test_request_stitching_sends_up_to_three_fresh_ids_in_sequence() -> None:
    backend = FakeBackend(latency=0.01)
    plan, result, _ = _run(backend, None, concurrency=4, stitching="request_ids")
    assert backend.peak_active == 1  # sequential: each needs the one before
    requests = backend.requests
    assert requests[0].previous_request_ids is None and requests[0].previous_text is None
    assert requests[1].previous_request_ids == ("req-1",)
    assert requests[5].previous_request_ids == ("req-3", "req-4", "req-5")
    assert all(r.previous_text is None for r in requests[1:])  # ids replace text
    assert requests[5].next_text  # next text is still sent
    assert result.warnings == []


def test_stitching_chain_runs_through_a_repeated_paragraph() -> None:
    """A repeated paragraph is made once, but its audio still comes before the next one."""
    backend = FakeBackend()
    script = "Refrain here.\n\nVerse one.\n\nRefrain here.\n\nVerse two."
    _, result, delivered = _run(backend, None, script=script, stitching="request_ids")
    assert [r.text for r in backend.requests] == ["Refrain here.", "Verse one.", "Verse two."]
    assert backend.requests[2].previous_request_ids == ("req-1", "req-2", "req-1")
    assert backend.requests[2].previous_text is None
    assert result.segments_from_cache == 1 and len(delivered) == 4


def test_stitching_never_on_eleven_v3() -> None:
    backend = FakeBackend()
    _, result, _ = _run(backend, None, concurrency=2, stitching="request_ids", model_id="eleven_v3")
    assert all(r.previous_request_ids is None for r in backend.requests)
    assert any("does not support request stitching" in w for w in result.warnings)


def test_stitching_skips_ids_older_than_two_hours(tmp_path: Path) -> None:
    cache = SpeechCache(tmp_path)
    script = "One sentence here.\n\nTwo sentence here.\n\nThree sentence here."
    generator = LongformGenerator(FakeBackend(), _settings(stitching="request_ids"), cache=cache)
    plan = generator.plan(script)
    # Paragraph 1 is cached with a stale id, paragraph 2 with a fresh one.
    for index, age in ((0, 3 * 3600), (1, 60)):
        key = plan.keys[index]
        assert key is not None
        cache.put(key, CachedSpeech(pcm=b"\x00\x00" * 100, sample_rate=24_000, request_id=f"cached-{index}",
                                    created_unix=time.time() - age, character_cost=5))
    backend = FakeBackend()
    _run(backend, cache, script=script, stitching="request_ids")
    assert [r.previous_request_ids for r in backend.requests] == [("cached-1",)]


def test_a_segment_that_keeps_failing_names_its_paragraph_and_the_rest_is_kept(tmp_path: Path) -> None:
    cache = SpeechCache(tmp_path)
    broken = "Paragraph 7: the narrator reads line 7, slowly."

    def fail(text: str):  # type: ignore[no-untyped-def]
        return AuthenticationError("The API key was rejected", "Paste a new key.") if text == broken else None

    backend = FakeBackend(fail_texts=fail)
    with pytest.raises(GenerationError) as caught:
        _run(backend, cache, concurrency=3)
    error = caught.value
    assert "Paragraph 8" in error.cause and "Paragraph 7: the narrator" in error.cause
    assert "API key was rejected" in error.cause and "export again to finish" in error.remedy
    assert error.segment.paragraph_index == 7
    # Resume: only what is missing is requested, and each missing text once.
    resumed = FakeBackend()
    plan, result, delivered = _run(resumed, cache, concurrency=3)
    texts = [r.text for r in resumed.requests]
    assert broken in texts and len(texts) == len(set(texts))
    assert len(texts) == len(plan.segments) - result.segments_from_cache
    assert result.segments_from_cache >= 7
    assert len(delivered) == len(plan.segments)


def test_retryable_failures_are_retried() -> None:
    from .fake_backend import server_error

    attempts: dict[str, int] = {}

    def flaky(text: str):  # type: ignore[no-untyped-def]
        attempts[text] = attempts.get(text, 0) + 1
        return server_error() if attempts[text] <= 2 else None

    backend = FakeBackend(fail_texts=flaky)
    generator = LongformGenerator(backend, _settings(concurrency=4, max_backoff_seconds=0.02))
    plan = generator.plan("Just one paragraph to say.")
    result = generator.run(plan, lambda s, p: None)
    assert result.segments_generated == 1 and attempts["Just one paragraph to say."] == 3


def test_cancel_stops_at_once_and_caches_nothing_partial(tmp_path: Path) -> None:
    cache = SpeechCache(tmp_path)
    backend = FakeBackend(latency=5.0)
    cancel = CancelToken()
    threading.Timer(0.2, cancel.cancel).start()
    started = time.monotonic()
    with pytest.raises(Cancelled):
        _run(backend, cache, concurrency=4, cancel=cancel)
    assert time.monotonic() - started < 2.0
    assert backend.closed_streams >= 4
    assert cache.verify() == (0, 0)


def test_unspeakable_segments_are_not_requested() -> None:
    backend = FakeBackend()
    plan, _, delivered = _run(backend, None, script="Hello there.\n\n* * *\n\nGoodbye now.")
    assert [s.text for s, _ in delivered] == ["Hello there.", "* * *", "Goodbye now."]
    assert delivered[1][1] is None
    assert [r.text for r in backend.requests] == ["Hello there.", "Goodbye now."]


@pytest.mark.parametrize(("script", "words"), [("", "empty"), ("  \n\n ", "empty"), ("... !!! — ?", "no words")])
def test_nothing_to_speak(script: str, words: str) -> None:
    generator = LongformGenerator(FakeBackend(), _settings())
    with pytest.raises(NothingToSpeakError, match=words):
        generator.plan(script)


def test_progress_reports_for_a_gui() -> None:
    progress: list[Progress] = []
    plan, result, _ = _run(FakeBackend(latency=0.01), None, concurrency=2, progress=progress)
    done = [p.segments_done for p in progress]
    assert done == sorted(done) and done[-1] == len(plan.segments)
    assert progress[-1].phase == "done" and progress[-1].fraction == 1.0
    assert progress[-1].credits_spent == result.credits_spent
    assert any(p.seconds_left is not None and p.seconds_left > 0 for p in progress[:-1])
    assert progress[0].credits_estimated == plan.credits_needed > 0


def test_limit_follows_the_model() -> None:
    model = Model(model_id="eleven_v3", max_characters_request_subscribed_user=3000)
    generator = LongformGenerator(FakeBackend(), _settings(model_id="eleven_v3", max_segment_chars=100_000),
                                  model=model, subscription=Subscription(tier="pro"))
    plan = generator.plan("word " * 2000)
    assert plan.character_limit == 3000
    assert all(len(s) <= 3000 for s in plan.segments) and len(plan.segments) == 4


def test_repeated_text_in_one_script_is_requested_once(tmp_path: Path) -> None:
    script = "\n\n".join(["The refrain comes back.", "A verse.", "The refrain comes back.", "Another verse.",
                          "The refrain comes back."])
    backend = FakeBackend()
    plan, result, delivered = _run(backend, None, script=script, concurrency=3)
    assert sorted(r.text for r in backend.requests) == ["A verse.", "Another verse.", "The refrain comes back."]
    assert [s.text for s, _ in delivered] == script.split("\n\n")
    refrains = [p for s, p in delivered if s.text == "The refrain comes back."]
    assert refrains[0] is not None and all(p is not None and p.pcm == refrains[0].pcm for p in refrains)
    assert result.segments_from_cache == 2 and result.credits_saved == 2 * len("The refrain comes back.")
    assert plan.credits_needed == len("The refrain comes back.") + len("A verse.") + len("Another verse.")


def test_a_generator_for_a_plan_takes_its_model_and_plan() -> None:
    from studio.core.render import generator_for_plan
    from studio.core.script import Capabilities, Script, plan_render

    model = Model(model_id="eleven_flash_v2_5", can_do_text_to_speech=True, concurrency_group="turbo",
                  max_characters_request_subscribed_user=40_000)
    caps = Capabilities("elevenlabs", model.model_id, model, "pro")
    render = plan_render(Script.from_text(SCRIPT), _settings(model_id=model.model_id).render_settings(), caps)
    progress: list[Progress] = []
    generator = generator_for_plan(render, FakeBackend(), on_progress=progress.append)
    assert generator.model is model and generator.character_limit() == 5_000  # the segment size caps 40,000
    generator.run(generator.plan_from(render), lambda s, p: None)
    assert progress[0].concurrency == 20  # pro plan, turbo/flash group, before any header arrives


def test_a_segment_failing_every_retry_stops_the_run_naming_it() -> None:
    from .fake_backend import server_error

    attempts: list[str] = []

    def always(text: str):  # type: ignore[no-untyped-def]
        if text.startswith("Second"):
            attempts.append(text)
            return server_error()
        return None

    backend = FakeBackend(fail_texts=always)
    generator = LongformGenerator(backend, _settings(concurrency=1, max_attempts=3, max_backoff_seconds=0.02))
    plan = generator.plan("First part.\n\nSecond part, which breaks.\n\nThird part.")
    with pytest.raises(GenerationError, match="Paragraph 2") as caught:
        generator.run(plan, lambda s, p: None)
    assert len(attempts) == 3
    assert caught.value.retryable  # the UI may offer "Try again"
    assert "Third part." not in [r.text for r in backend.requests]  # nothing new started after the failure
