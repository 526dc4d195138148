"""The render plan: one place that segments, keys the cache and counts credits."""

from __future__ import annotations

import pytest

from studio.api.models import Model, ModelRates, VoiceSettings
from studio.core.script import (
    BlockStatus,
    Capabilities,
    RenderPlan,
    RenderSettings,
    Script,
    plan_render,
    render_output_format,
)
from studio.core.segmenter import DEFAULT_CHARACTER_LIMIT

from .prose import generate_all as _generate_all
from .prose import paragraphs

MODEL_ID = "eleven_multilingual_v2"


def _model(free: int | None = 2_500, subscribed: int | None = 10_000, cost: float = 1.0, **extra: object) -> Model:
    return Model(model_id=extra.pop("model_id", MODEL_ID), can_do_text_to_speech=True,  # type: ignore[arg-type]
                 max_characters_request_free_user=free, max_characters_request_subscribed_user=subscribed,
                 model_rates=ModelRates(character_cost_multiplier=cost), **extra)


def _caps(tier: str | None = "creator", model: Model | None = None, engine: str = "elevenlabs",
          model_id: str = MODEL_ID) -> Capabilities:
    return Capabilities(engine, model_id, model if model is not None else _model(), tier)


def _settings(**changes: object) -> RenderSettings:
    values: dict[str, object] = dict(voice_id="JBFqnCBsd6RMkjVDRZzb", model_id=MODEL_ID,
                                     voice_settings=VoiceSettings(stability=0.4, similarity_boost=0.8), seed=7)
    values.update(changes)
    return RenderSettings(**values)  # type: ignore[arg-type]


def _part_keys(plan: RenderPlan) -> list[list[str | None]]:
    return [[p.key for p in b.parts] for b in plan.blocks]


def test_forty_paragraphs_cost_forty_requests_once_and_nothing_after() -> None:
    texts = paragraphs(40)
    assert len(set(texts)) == 40
    script = Script.from_text("\n\n".join(texts))
    cache: set[str] = set()
    first = plan_render(script, _settings(), _caps(), cache)
    assert first.requests_needed == 40
    assert first.characters_to_generate == sum(len(t) for t in texts)
    assert {b.status for b in first.blocks} == {BlockStatus.NEEDS_GENERATION}
    _generate_all(script, first, cache)
    second = plan_render(script, _settings(), _caps(), cache)
    assert second.requests_needed == 0 and second.credits_needed == 0
    assert {b.status for b in second.blocks} == {BlockStatus.TAKE}
    assert _part_keys(second) == _part_keys(first)


def test_editing_paragraph_17_needs_exactly_its_requests_and_no_other_key_changes() -> None:
    texts = paragraphs(40)
    script = Script.from_text("\n\n".join(texts))
    cache: set[str] = set()
    before = plan_render(script, _settings(), _caps(), cache)
    _generate_all(script, before, cache)

    edited = list(texts)
    edited[17] = "The keeper, it turned out, had never once been lonely; he said so to anyone who asked."
    script.reconcile("\n\n".join(edited))
    after = plan_render(script, _settings(), _caps(), cache)

    assert [r.text for r in after.requests] == [edited[17]]
    assert after.requests[0].block_ids == (script.blocks[17].id,)
    assert after.characters_to_generate == len(edited[17])
    statuses = [b.status for b in after.blocks]
    assert statuses[17] is BlockStatus.NEEDS_GENERATION
    assert statuses[:17] + statuses[18:] == [BlockStatus.TAKE] * 39
    keys_before, keys_after = _part_keys(before), _part_keys(after)
    assert keys_after[:17] + keys_after[18:] == keys_before[:17] + keys_before[18:]
    assert keys_after[17] != keys_before[17]
    # The neighbours' text still reaches the request as context (not as part of any key).
    assert after.requests[0].previous_text and after.requests[0].previous_text.endswith(edited[16])
    assert after.requests[0].next_text and edited[18].startswith(after.requests[0].next_text.split("\n")[0])


def test_a_key_depends_on_what_is_spoken_never_on_neighbours_or_position() -> None:
    texts = paragraphs(6)
    alone = plan_render(Script.from_text(texts[3]), _settings(), _caps())
    within = plan_render(Script.from_text("\n\n".join(texts)), _settings(), _caps())
    moved = plan_render(Script.from_text("\n\n".join(reversed(texts))), _settings(), _caps())
    key = alone.blocks[0].parts[0].key
    assert within.blocks[3].parts[0].key == key == moved.blocks[2].parts[0].key
    for change in (dict(seed=8), dict(voice_id="other"), dict(language_code="en"), dict(output_format="pcm_22050"),
                   dict(voice_settings=VoiceSettings(stability=0.41, similarity_boost=0.8))):
        assert plan_render(Script.from_text(texts[3]), _settings(**change), _caps()).blocks[0].parts[0].key != key
    offline = plan_render(Script.from_text(texts[3]), _settings(), _caps(engine="offline"))
    assert offline.blocks[0].parts[0].key != key


def test_a_locked_block_is_never_planned_again_whatever_changes() -> None:
    script = Script.from_text("\n\n".join(paragraphs(10)))
    cache: set[str] = set()
    _generate_all(script, plan_render(script, _settings(), _caps(), cache), cache)
    locked = script.blocks[4]
    locked.locked = True
    take = locked.chosen_take
    assert take is not None

    for changed in (_settings(seed=99), _settings(voice_id="another-voice"), _settings(model_id="eleven_flash_v2_5")):
        plan = plan_render(script, changed, _caps(model_id=changed.model_id), cache,
                           regenerate=[b.id for b in script])  # "regenerate all"
        assert plan.status(locked.id) is BlockStatus.LOCKED
        assert plan.block(locked.id).take_id == take.id
        assert all(locked.id not in r.block_ids for r in plan.requests)
        assert plan.requests_needed == 9
    # Editing its text (after the UI asked) does not regenerate it either.
    script.reconcile(script.text.replace(locked.text, locked.text + " Edited."))
    plan = plan_render(script, _settings(), _caps(), cache)
    assert plan.status(locked.id) is BlockStatus.LOCKED and plan.requests_needed == 0
    assert plan.block(locked.id).text == take.text  # what is heard is the locked take
    # Its audio gone from the cache: silent and said so, still never requested.
    cache.difference_update(take.cache_keys)
    plan = plan_render(script, _settings(), _caps(), cache)
    assert plan.block(locked.id).missing_audio and plan.requests_needed == 0
    assert any("locked" in w for w in plan.warnings)


@pytest.mark.parametrize("tier", ["free", None, "Free"])
def test_a_free_account_never_sends_more_than_the_free_limit(tier: str | None) -> None:
    long = " ".join(paragraphs(60))  # one paragraph of several thousand characters
    assert len(long) > 5_000
    model = _model(free=1_000, subscribed=10_000)
    plan = plan_render(Script.from_text(long), _settings(), _caps(tier, model))
    assert plan.character_limit == 1_000
    assert plan.requests_needed > 1 and all(r.characters <= 1_000 for r in plan.requests)
    assert "".join(r.text for r in plan.requests).replace(" ", "") == long.replace(" ", "")
    paid = plan_render(Script.from_text(long), _settings(max_segment_chars=100_000), _caps("creator", model))
    assert paid.character_limit == 10_000


def test_the_limit_comes_from_the_model_not_a_table_of_ids() -> None:
    text = " ".join(paragraphs(80))
    unusual = _model(free=None, subscribed=7_777, maximum_text_length_per_request=7_000)
    plan = plan_render(Script.from_text(text), _settings(max_segment_chars=100_000), _caps("pro", unusual))
    assert plan.character_limit == 7_000 and max(r.characters for r in plan.requests) <= 7_000
    # A free user on a model with no free figure: the conservative default, not the paid one.
    assert _caps("free", unusual).request_limit() == DEFAULT_CHARACTER_LIMIT
    # An unknown model gets the default too.
    assert Capabilities("elevenlabs", "eleven_flash_v2_5", None, "pro").request_limit() == DEFAULT_CHARACTER_LIMIT


def test_credits_are_characters_times_the_models_multiplier_and_zero_offline() -> None:
    texts = paragraphs(12)
    script = Script.from_text("\n\n".join(texts))
    cheap = _model(cost=0.5)
    plan = plan_render(script, _settings(), _caps(model=cheap))
    assert plan.credits_needed == pytest.approx(sum(len(t) for t in texts) * 0.5)
    discounted = Model(model_id=MODEL_ID, model_rates=ModelRates(character_cost_multiplier=2.0,
                                                                 cost_discount_multiplier=0.25))
    assert plan_render(script, _settings(), _caps(model=discounted)).credits_needed == pytest.approx(
        sum(len(t) for t in texts) * 0.5)
    offline = plan_render(script, _settings(), _caps(engine="offline", model=_model(cost=1.0)))
    assert offline.credits_needed == 0 and offline.requests_needed == 12


def test_repeated_paragraphs_share_one_request() -> None:
    refrain = "And still the light turned, and still the sea answered."
    texts = paragraphs(5)
    script = Script.from_text("\n\n".join([refrain, texts[0], refrain, texts[1], refrain]))
    plan = plan_render(script, _settings(), _caps())
    assert plan.requests_needed == 3
    shared = next(r for r in plan.requests if r.text == refrain)
    assert shared.block_ids == (script.blocks[0].id, script.blocks[2].id, script.blocks[4].id)
    assert plan.credits_needed == len(refrain) + len(texts[0]) + len(texts[1])
    assert {plan.blocks[i].parts[0].request for i in (0, 2, 4)} == {shared.index}


def test_punctuation_only_paragraphs_need_nothing_and_an_empty_script_says_so() -> None:
    script = Script.from_text("Hello there.\n\n* * *\n\nGoodbye now.")
    plan = plan_render(script, _settings(), _caps())
    assert [b.status for b in plan.blocks] == [BlockStatus.NEEDS_GENERATION, BlockStatus.NOTHING_TO_SPEAK,
                                               BlockStatus.NEEDS_GENERATION]
    assert plan.requests_needed == 2 and plan.blocks[1].parts[0].key is None
    plan.require_speech()
    from studio.core.script import NothingToSpeakError

    with pytest.raises(NothingToSpeakError, match="empty"):
        plan_render(Script.from_text("  "), _settings(), _caps()).require_speech()
    with pytest.raises(NothingToSpeakError, match="no words"):
        plan_render(Script.from_text("... !!!"), _settings(), _caps()).require_speech()


def test_regenerating_a_block_makes_a_new_take_beside_the_old_one() -> None:
    script = Script.from_text("\n\n".join(paragraphs(5)))
    cache: set[str] = set()
    _generate_all(script, plan_render(script, _settings(), _caps(), cache), cache)
    block = script.blocks[2]
    old = block.chosen_take
    assert old is not None
    plan = plan_render(script, _settings(), _caps(), cache, regenerate=[block.id])
    assert [r.block_ids for r in plan.requests] == [(block.id,)]
    assert plan.requests[0].key not in old.cache_keys  # the old take's audio is not overwritten
    _generate_all(script, plan, cache)
    assert len(block.takes) == 2 and block.chosen_take is not None and block.chosen_take.id != old.id
    # Picking the old take back: it is what plays, and nothing is requested.
    block.choose(old.id)
    again = plan_render(script, _settings(), _caps(), cache)
    assert again.block(block.id).take_id == old.id and again.requests_needed == 0


def test_undoing_an_edit_finds_the_earlier_take_again() -> None:
    texts = paragraphs(4)
    script = Script.from_text("\n\n".join(texts))
    cache: set[str] = set()
    _generate_all(script, plan_render(script, _settings(), _caps(), cache), cache)
    first_take = script.blocks[1].chosen_take
    script.reconcile("\n\n".join([texts[0], texts[1] + " Added.", *texts[2:]]))
    _generate_all(script, plan_render(script, _settings(), _caps(), cache), cache)
    assert script.blocks[1].chosen_take is not first_take
    script.reconcile("\n\n".join(texts))  # undo
    plan = plan_render(script, _settings(), _caps(), cache)
    assert plan.requests_needed == 0 and plan.blocks[1].take_id == first_take.id  # type: ignore[union-attr]


def test_audio_made_by_an_earlier_run_without_a_take_counts_as_cached() -> None:
    texts = paragraphs(3)
    script = Script.from_text("\n\n".join(texts))
    keys = {spec.key for spec in plan_render(script, _settings(), _caps()).requests}
    fresh = Script.from_text("\n\n".join(texts))  # another document, same text
    plan = plan_render(fresh, _settings(), _caps(), keys)
    assert [b.status for b in plan.blocks] == [BlockStatus.CACHED] * 3 and plan.requests_needed == 0


def test_stitching_sends_fresh_ids_of_neighbouring_takes() -> None:
    script = Script.from_text("\n\n".join(paragraphs(9)))
    cache: set[str] = set()
    _generate_all(script, plan_render(script, _settings(), _caps(), cache), cache, ids=True)
    middle = script.blocks[4].id
    plan = plan_render(script, _settings(stitching="request_ids"), _caps(), cache, regenerate=[middle])
    (spec,) = plan.requests
    assert spec.previous_request_ids == ("req-1-0", "req-2-0", "req-3-0")  # at most three, in script order
    assert spec.next_request_ids == ("req-5-0", "req-6-0", "req-7-0")
    request = spec.to_request()
    assert request.previous_text is None and request.next_text is None  # ids replace the text
    # Never on eleven_v3, and never with ids over two hours old.
    v3_settings = _settings(stitching="request_ids", model_id="eleven_v3")
    v3_caps = _caps(model=_model(model_id="eleven_v3"), model_id="eleven_v3")
    _generate_all(script, plan_render(script, v3_settings, v3_caps, cache), cache, ids=True)  # v3 takes, with ids
    v3 = plan_render(script, v3_settings, v3_caps, cache, regenerate=[middle])
    (v3_spec,) = v3.requests
    assert v3_spec.previous_request_ids == () and v3_spec.to_request().previous_request_ids is None
    assert v3_spec.to_request().previous_text and v3_spec.to_request().next_text
    assert any("does not support request stitching" in w for w in v3.warnings)
    stale = Script.from_text("\n\n".join(paragraphs(9)))
    _generate_all(stale, plan_render(stale, _settings(), _caps(), cache), cache, ids=True, age=2 * 3600 + 1)
    old = plan_render(stale, _settings(stitching="request_ids"), _caps(), cache, regenerate=[stale.blocks[4].id])
    assert old.requests[0].previous_request_ids == () and old.requests[0].previous_text


def test_one_output_format_per_engine() -> None:
    assert render_output_format("elevenlabs") == "pcm_24000"
    assert render_output_format("offline") == "pcm_22050"
    assert render_output_format("offline", 16_000) == "pcm_16000"


def test_a_part_key_is_the_key_of_its_request_as_the_player_stores_it() -> None:
    from studio.core.cache import SpeechCache

    plan = plan_render(Script.from_text("\n\n".join(paragraphs(3))), _settings(language_code="en"), _caps())
    for spec in plan.requests:
        assert spec.key == SpeechCache.key_for_request(spec.to_request(), "elevenlabs")


def test_a_block_locked_before_it_had_a_take_is_made_once_and_then_kept() -> None:
    script = Script.from_text("\n\n".join(paragraphs(3)))
    script.blocks[1].locked = True
    cache: set[str] = set()
    first = plan_render(script, _settings(), _caps(), cache)
    assert first.status(script.blocks[1].id) is BlockStatus.NEEDS_GENERATION  # nothing to protect yet
    _generate_all(script, first, cache)
    assert script.blocks[1].chosen_take is not None
    after = plan_render(script, _settings(seed=1), _caps(), cache)
    assert after.status(script.blocks[1].id) is BlockStatus.LOCKED and after.requests_needed == 2
