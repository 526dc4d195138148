"""Executing a render plan over the in-test engine: blocks in order, pay once, takes recorded."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from studio.api.errors import AuthenticationError
from studio.api.models import Model, VoiceSettings
from studio.core.cache import CachedSpeech, SpeechCache
from studio.core.exporter import ExportOptions, export_script
from studio.core.longform import GenerationError
from studio.core.render import BlockAudio, TakeRecorder, generator_for_plan, render
from studio.core.script import BlockStatus, Capabilities, RenderPlan, RenderSettings, Script, plan_render

from ..fake_backend import FakeBackend, expected_samples
from .prose import paragraphs

MODEL = Model(model_id="eleven_multilingual_v2", can_do_text_to_speech=True,
              max_characters_request_free_user=2_500, max_characters_request_subscribed_user=10_000)
CAPS = Capabilities("elevenlabs", MODEL.model_id, MODEL, "creator")


def _settings(**changes: object) -> RenderSettings:
    values: dict[str, object] = dict(voice_id="voice-1", model_id=MODEL.model_id,
                                     voice_settings=VoiceSettings(stability=0.5), seed=3)
    values.update(changes)
    return RenderSettings(**values)  # type: ignore[arg-type]


def _render(script: Script, cache: SpeechCache, backend: FakeBackend | None = None, **kwargs: object):  # type: ignore[no-untyped-def]
    backend = backend or FakeBackend()
    settings = kwargs.pop("settings", _settings())
    plan = plan_render(script, settings, CAPS, cache, regenerate=kwargs.pop("regenerate", ()))  # type: ignore[arg-type]
    delivered: list[BlockAudio] = []
    result = render(plan, script, backend, cache=cache, on_block=delivered.append, concurrency=4, **kwargs)  # type: ignore[arg-type]
    return plan, result, delivered, backend


def test_forty_blocks_arrive_in_order_with_their_takes_and_a_second_render_costs_nothing(tmp_path: Path) -> None:
    texts = paragraphs(40)
    script = Script.from_text("\n\n".join(texts))
    cache = SpeechCache(tmp_path)
    plan, result, delivered, backend = _render(script, cache)
    assert [a.block.block_id for a in delivered] == [b.id for b in script]
    assert len(backend.requests) == 40 and result.generation.segments_generated == 40
    for audio, text in zip(delivered, texts, strict=True):
        assert audio.new_take and audio.take is not None and audio.sample_rate == 24_000
        assert len(audio.pcm) // 2 == expected_samples(text, 24_000)
    assert all(b.chosen_take is not None and b.chosen_take.text == b.text for b in script)
    assert result.new_takes == {b.id: b.chosen_take for b in script}
    ids = [b.chosen_take.request_ids for b in script if b.chosen_take is not None]
    assert len(set(ids)) == 40 and all(len(i) == 1 and (i[0] or "").startswith("req-") for i in ids)

    again, result2, delivered2, backend2 = _render(script, cache)
    assert {b.status for b in again.blocks} == {BlockStatus.TAKE}
    assert backend2.requests == [] and result2.new_takes == {}
    assert [a.pcm for a in delivered2] == [a.pcm for a in delivered]


def test_editing_paragraph_17_renders_only_paragraph_17(tmp_path: Path) -> None:
    texts = paragraphs(40)
    script = Script.from_text("\n\n".join(texts))
    cache = SpeechCache(tmp_path)
    _render(script, cache)
    before = {b.id: b.chosen_take for b in script}
    edited = list(texts)
    edited[17] = "Nobody in the village ever forgot the night the lighthouse went dark."
    script.reconcile("\n\n".join(edited))
    plan, result, delivered, backend = _render(script, cache)
    assert [r.text for r in backend.requests] == [edited[17]]
    block = script.blocks[17]
    assert len(block.takes) == 2 and block.chosen_take is result.new_takes[block.id]
    assert {b.id: b.chosen_take for b in script if b is not block} == {k: v for k, v in before.items() if k != block.id}
    assert len(delivered[17].pcm) // 2 == expected_samples(edited[17], 24_000)


def test_a_locked_take_is_played_as_it_is_even_at_another_rate(tmp_path: Path) -> None:
    texts = paragraphs(5)
    script = Script.from_text("\n\n".join(texts))
    cache = SpeechCache(tmp_path)
    # Paragraph 2 was made (and locked) on an engine that speaks at 22,050 Hz.
    _render(script, cache, FakeBackend(rate=22_050), settings=_settings(output_format="pcm_22050"))
    locked = script.blocks[2]
    locked.locked = True
    # Now everything else is made again with another voice at 24 kHz; the locked one is not.
    plan, result, delivered, backend = _render(script, cache, settings=_settings(voice_id="voice-2"),
                                               regenerate=[b.id for b in script])
    assert plan.status(locked.id) is BlockStatus.LOCKED
    assert texts[2] not in [r.text for r in backend.requests] and len(backend.requests) == 4
    audio = delivered[2]
    assert audio.sample_rate == 24_000 and not audio.new_take and audio.take is locked.chosen_take
    assert abs(len(audio.pcm) // 2 - expected_samples(texts[2], 24_000)) <= 2
    assert len(locked.takes) == 1


def test_without_recording_the_script_is_untouched_and_takes_can_be_applied_later(tmp_path: Path) -> None:
    script = Script.from_text("\n\n".join(paragraphs(6)))
    cache = SpeechCache(tmp_path)
    _, result, delivered, _ = _render(script, cache, record=False)
    assert all(not b.takes for b in script)
    for audio in delivered:  # what a GUI does on its own thread
        assert audio.new_take and audio.take is not None
        script.add_take(audio.block.block_id, audio.take)
    plan = plan_render(script, _settings(), CAPS, cache)
    assert {b.status for b in plan.blocks} == {BlockStatus.TAKE} and plan.requests_needed == 0


def test_repeated_paragraphs_are_made_once_and_each_gets_its_take(tmp_path: Path) -> None:
    refrain = "And still the light turned, and still the sea answered."
    texts = paragraphs(3)
    script = Script.from_text("\n\n".join([refrain, texts[0], refrain, texts[1], refrain]))
    _, result, delivered, backend = _render(script, SpeechCache(tmp_path))
    assert sorted(r.text for r in backend.requests) == sorted([refrain, texts[0], texts[1]])
    refrains = [script.blocks[i].chosen_take for i in (0, 2, 4)]
    assert all(t is not None for t in refrains)
    assert len({t.cache_keys for t in refrains if t is not None}) == 1
    assert delivered[0].pcm == delivered[2].pcm == delivered[4].pcm


def test_a_failure_keeps_the_takes_made_before_it(tmp_path: Path) -> None:
    texts = paragraphs(10)
    script = Script.from_text("\n\n".join(texts))
    cache = SpeechCache(tmp_path)

    def fail(text: str):  # type: ignore[no-untyped-def]
        return AuthenticationError("The API key was rejected", "Paste a new key.") if text == texts[6] else None

    plan = plan_render(script, _settings(), CAPS, cache)
    with pytest.raises(GenerationError, match="Paragraph 7"):
        render(plan, script, FakeBackend(fail_texts=fail), cache=cache, concurrency=1)
    assert all(b.chosen_take is not None for b in script.blocks[:6])
    assert script.blocks[6].takes == []
    again = plan_render(script, _settings(), CAPS, cache)
    assert texts[6] in [r.text for r in again.requests]
    assert all(again.status(b.id) is BlockStatus.TAKE for b in script.blocks[:6])


def test_a_block_deleted_while_rendering_is_left_alone(tmp_path: Path) -> None:
    texts = paragraphs(4)
    script = Script.from_text("\n\n".join(texts))
    doomed = script.blocks[3]

    def on_block(audio: BlockAudio) -> None:
        if audio.block.index == 0:
            script.reconcile("\n\n".join(texts[:3]))  # the narrator deleted the last paragraph

    plan = plan_render(script, _settings(), CAPS, None)
    result = render(plan, script, FakeBackend(), on_block=on_block, concurrency=1)
    assert doomed.takes == [] and doomed.id in result.new_takes  # made, paid for, reported; not attached
    assert all(b.chosen_take is not None for b in script)


def test_export_records_takes_through_a_recorder(tmp_path: Path) -> None:
    texts = paragraphs(5)
    script = Script.from_text("\n\n".join(texts))
    cache = SpeechCache(tmp_path / "cache")
    plan: RenderPlan = plan_render(script, _settings(), CAPS, cache)
    generator = generator_for_plan(plan, FakeBackend(), cache=cache, concurrency=2)
    flat = generator.plan_from(plan)
    recorder = TakeRecorder(flat, script)
    result = export_script(generator, flat.script, ExportOptions(tmp_path / "out.wav"), plan=flat, tap=recorder)
    assert result.total_samples == sum(expected_samples(t, 24_000) for t in texts)
    assert set(recorder.new_takes) == {b.id for b in script} and all(b.chosen_take for b in script)


def test_cached_speech_from_an_earlier_player_run_becomes_a_take(tmp_path: Path) -> None:
    texts = paragraphs(2)
    cache = SpeechCache(tmp_path)
    script = Script.from_text("\n\n".join(texts))
    plan = plan_render(script, _settings(), CAPS, cache)
    for spec in plan.requests:  # what Play stored (complete streams only)
        pcm = np.zeros(100, dtype="<i2").tobytes()
        cache.put(spec.key, CachedSpeech(pcm=pcm, sample_rate=24_000, request_id="play-1", character_cost=3.0))
    replanned, result, delivered, backend = _render(script, cache)
    assert [b.status for b in replanned.blocks] == [BlockStatus.CACHED] * 2 and backend.requests == []
    assert all(a.new_take for a in delivered)
    take = script.blocks[0].chosen_take
    assert take is not None and take.request_ids == ("play-1",) and take.credit_cost == 3.0


def test_the_long_form_settings_and_the_plan_agree_on_what_is_spoken() -> None:
    from studio.core.longform import LongformGenerator, LongformSettings

    # Same defaults, so a plan made either way keys long paragraphs the same.
    assert LongformSettings("v", MODEL.model_id).render_settings() == RenderSettings("v", MODEL.model_id)
    text = "\n\n".join(paragraphs(4))
    generator = LongformGenerator(FakeBackend(), LongformSettings.from_render(_settings()), model=MODEL)
    direct = plan_render(Script.from_text(text), _settings(), Capabilities("elevenlabs", MODEL.model_id, MODEL, None))
    assert generator.plan(text).keys == [p.key for p in direct.parts]
