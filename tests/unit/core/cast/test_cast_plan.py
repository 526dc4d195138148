"""The render plan with a cast (issue 11, points 1 and 2): each paragraph keyed and requested
with its speaker's voice, the NAME: prefix never sent, and a voice change re-voicing only
that speaker's unlocked paragraphs."""

from __future__ import annotations

from studio.api.models import Model, ModelRates, VoiceSettings
from studio.core.cache import CachedSpeech
from studio.core.cast import NARRATOR, Cast, apply_speaker_prefixes
from studio.core.script import BlockStatus, Capabilities, RenderSettings, Script, plan_render

MODEL_ID = "eleven_multilingual_v2"
TEXT = ("ALICE: Did you hear the bell?\n\nThe keeper listened.\n\nBOB: Only the wind.\n\n"
        "ALICE: No, a ship. Listen again.\n\nCAROL: Hush, both of you.")


def _caps() -> Capabilities:
    model = Model(model_id=MODEL_ID, can_do_text_to_speech=True, max_characters_request_free_user=2_500,
                  max_characters_request_subscribed_user=10_000, model_rates=ModelRates(character_cost_multiplier=1.0))
    return Capabilities("elevenlabs", MODEL_ID, model, "creator")


def _settings(cast: Cast | None) -> RenderSettings:
    return RenderSettings(voice_id="narrator-voice", model_id=MODEL_ID,
                          voice_settings=VoiceSettings(stability=0.4), seed=7, cast=cast)


class _Cache(set):  # type: ignore[type-arg]
    """Anything that answers ``key in cache``: the keys made so far."""


def _script() -> Script:
    script = Script.from_text(TEXT)
    apply_speaker_prefixes(script)
    return script


def _made(plan, script: Script, cache: _Cache) -> None:  # type: ignore[no-untyped-def]
    """As a render would: every requested part made, and the takes recorded."""
    for spec in plan.requests:
        cache.add(spec.key)
    for block in plan.blocks:
        if block.status in (BlockStatus.CACHED, BlockStatus.NEEDS_GENERATION):
            speeches = [CachedSpeech(b"\0\0", None, None) if p.key else None for p in block.parts]
            script.add_take(block.block_id, plan.take_from(block.block_id, speeches))


def test_each_paragraph_is_requested_with_its_speakers_voice_without_the_prefix() -> None:
    cast = Cast().with_voice("Alice", "alice-voice", VoiceSettings(stability=0.9)).with_voice("Bob", "bob-voice")
    script = _script()
    plan = plan_render(script, _settings(cast), _caps())
    sent = [(s.settings.voice_id, s.text) for s in plan.requests]
    assert sent == [("alice-voice", "Did you hear the bell?"), ("narrator-voice", "The keeper listened."),
                    ("bob-voice", "Only the wind."), ("alice-voice", "No, a ship. Listen again."),
                    ("narrator-voice", "Hush, both of you.")]  # Carol has no voice yet: the narrator's
    request = plan.requests[0].to_request()
    assert request.voice_id == "alice-voice" and request.voice_settings == VoiceSettings(stability=0.9)
    assert plan.requests[2].to_request().voice_settings == VoiceSettings(stability=0.4)  # the project's
    assert [b.speaker for b in plan.blocks] == ["ALICE", None, "BOB", "ALICE", "CAROL"]
    # The highlight maps the sent text back past the prefix.
    first = plan.blocks[0].parts[0]
    assert first.spoken is not None and first.spoken.to_script(0) == len("ALICE: ")
    assert any("CAROL has no voice yet" in w and "Paragraph 5" in w for w in plan.warnings)


def test_a_new_voice_for_one_speaker_revoices_only_their_unlocked_paragraphs() -> None:
    cast = Cast().with_voice("Alice", "alice-voice").with_voice("Bob", "bob-voice")
    script = _script()
    cache = _Cache()
    first = plan_render(script, _settings(cast), _caps(), cache)
    assert first.requests_needed == 5
    _made(first, script, cache)
    assert plan_render(script, _settings(cast), _caps(), cache).requests_needed == 0

    recast = cast.with_voice("Alice", "alice-new")
    plan = plan_render(script, _settings(recast), _caps(), cache)
    assert [(s.settings.voice_id, s.block_index) for s in plan.requests] == [("alice-new", 0), ("alice-new", 3)]
    _made(plan, script, cache)
    assert script.blocks[0].chosen_take.voice_id == "alice-new"

    script.blocks[3].locked = True  # a locked paragraph keeps its take whatever the cast says
    plan = plan_render(script, _settings(recast.with_voice("ALICE", "alice-third")), _caps(), cache)
    assert [s.block_index for s in plan.requests] == [0]
    assert plan.blocks[3].status is BlockStatus.LOCKED

    # The narrator's voice (the project's) changes the narrator's paragraphs and the voiceless Carol's.
    plan = plan_render(script, _settings(recast.with_voice(NARRATOR, "narrator-2")), _caps(), cache)
    assert [(s.settings.voice_id, s.block_index) for s in plan.requests] == [("narrator-2", 1), ("narrator-2", 4)]


def test_without_a_cast_nothing_changes() -> None:
    script = _script()
    plan = plan_render(script, _settings(None), _caps())
    assert {s.settings.voice_id for s in plan.requests} == {"narrator-voice"}
    assert plan.requests[0].text == "ALICE: Did you hear the bell?"  # the old behaviour, prefix spoken
    off = plan_render(script, _settings(Cast(speaker_prefix=False).with_voice("Alice", "a")), _caps())
    assert off.requests[0].text == "ALICE: Did you hear the bell?" and off.requests[0].settings.voice_id == "a"
