"""Text to Dialogue in the render (issue 11, point 3), for real over loopback.

Runs of paragraphs spoken by different voices on a dialogue model go out as ONE
``/v1/text-to-dialogue/stream/with-timestamps`` request (at most 10 voices per request, split
between paragraphs otherwise); each paragraph gets its own take, its own cached audio under
its own key and its own alignment, exactly as for single-voice speech. Other models: one
text-to-speech request per paragraph. Requests are counted at the local server.

The plan is the cast's per-speaker plan (``RenderSettings.cast``): each block's requests
carry its speaker's voice and are keyed with it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from studio.api.client import ElevenLabsClient
from studio.core.backends.elevenlabs import ElevenLabsBackend
from studio.core.cache import SpeechCache
from studio.core.render import BlockAudio, render
from studio.core.script import Capabilities, RenderSettings, Script, plan_render, render_output_format
from studio.core.cast import Cast, CastMember
from studio.core.script.plan import RenderPlan
from studio.errors import StudioError
from studio.markup import MarkupError
from studio.server.catalog import generate_voices
from tests.fixtures.local_server import LocalServer, run_server

JOE = "offline-en_US-joe-medium"
CATALOG = generate_voices(12, seed=5)
VOICES = [JOE] + [v["voice_id"] for v in CATALOG]
LINES = ["Where were you last night?", "[whispers] At the lighthouse, of course.", "Alone, in that storm?"]
DIALOGUE_MODEL = "eleven_v3"


@pytest.fixture(scope="module")
def server() -> Iterator[LocalServer]:
    with run_server(catalog=CATALOG) as running:
        yield running


@pytest.fixture
def backend(server: LocalServer) -> Iterator[ElevenLabsBackend]:
    server.clear_requests()
    made = ElevenLabsBackend(ElevenLabsClient("sk_dialogue_test", server.base_url))
    yield made
    made.close()


def _routes(server: LocalServer) -> list[str]:
    return [r["route"] for r in server.requests() if r["route"].startswith(("tts_", "dialogue_"))]


def _plan(backend: ElevenLabsBackend, lines: list[str], voices: list[str], model_id: str,
          cache: SpeechCache) -> tuple[Script, RenderPlan]:
    """``lines`` with line ``i`` said by a speaker whose cast voice is ``voices[i]`` (the cast's plan)."""
    script = Script.from_text("\n\n".join(lines))
    names = {voice: f"Speaker {n}" for n, voice in enumerate(dict.fromkeys(voices))}
    for block, voice in zip(script.blocks, voices, strict=True):
        block.speaker = names[voice]
    cast = Cast(members=tuple(CastMember(name, voice) for voice, name in names.items()))
    caps = Capabilities.from_account(backend.engine_id, model_id, backend.list_models(), backend.get_subscription())
    settings = RenderSettings(voice_id=JOE, model_id=model_id, seed=3,
                              output_format=render_output_format(backend.engine_id), cast=cast)
    return script, plan_render(script, settings, caps, cache)


def test_a_run_of_speakers_is_one_dialogue_request_and_each_paragraph_its_own_take(
    server: LocalServer, backend: ElevenLabsBackend, tmp_path: Path
) -> None:
    cache = SpeechCache(tmp_path / "cache")
    script, plan = _plan(backend, LINES, [JOE, VOICES[1], JOE], DIALOGUE_MODEL, cache)
    delivered: list[BlockAudio] = []
    server.clear_requests()
    render(plan, script, backend, cache=cache, on_block=delivered.append)
    assert _routes(server) == ["dialogue_stream_with_timestamps"]
    assert [a.block.block_id for a in delivered] == [b.id for b in script]
    for audio, text in zip(delivered, LINES, strict=True):
        assert audio.new_take and audio.take is not None
        seconds = len(audio.pcm) / 2 / 24_000
        words = text.replace("[whispers] ", "")
        assert 0.025 * len(words) <= seconds <= 0.25 * len(words) + 0.5  # its own speech, not the run's
        speech = cache.get(audio.take.parts[0].cache_key)
        assert speech is not None and speech.alignment is not None
        assert "".join(speech.alignment.characters) == text  # the paragraph's own characters
        starts = speech.alignment.character_start_times_seconds
        assert starts[0] < 0.5 and starts[-1] <= seconds  # its own clock, from 0
    # Play after Export (or the other way round): the same keys, nothing sent again.
    server.clear_requests()
    render(plan, script, backend, cache=cache)
    assert _routes(server) == []


def test_other_models_send_one_tts_request_per_paragraph(
    server: LocalServer, backend: ElevenLabsBackend, tmp_path: Path
) -> None:
    cache = SpeechCache(tmp_path / "cache")
    lines = [line.replace("[whispers] ", "") for line in LINES]
    script, plan = _plan(backend, lines, [JOE, VOICES[1], JOE], "eleven_multilingual_v2", cache)
    server.clear_requests()
    render(plan, script, backend, cache=cache)
    assert sorted(_routes(server)) == ["tts_stream_with_timestamps"] * 3


def test_more_than_ten_voices_split_between_paragraphs(
    server: LocalServer, backend: ElevenLabsBackend, tmp_path: Path
) -> None:
    cache = SpeechCache(tmp_path / "cache")
    lines = [f"Line number {n} is mine." for n in range(1, 13)]
    script, plan = _plan(backend, lines, VOICES[:12], DIALOGUE_MODEL, cache)
    server.clear_requests()
    delivered: list[BlockAudio] = []
    render(plan, script, backend, cache=cache, on_block=delivered.append)
    # 12 voices: 10 in the first request, the other 2 in a second; no paragraph cut in two.
    assert _routes(server) == ["dialogue_stream_with_timestamps"] * 2
    assert all(a.new_take for a in delivered) and len(delivered) == 12


# -- bad input (point 7): a message naming the paragraph, before anything is spent ------------


def test_a_voice_gone_from_the_account_is_named_before_any_speech(
    server: LocalServer, backend: ElevenLabsBackend, tmp_path: Path
) -> None:
    cache = SpeechCache(tmp_path / "cache")
    script, plan = _plan(backend, LINES, [JOE, VOICES[1], JOE], DIALOGUE_MODEL, cache)
    render(plan, script, backend, cache=cache)  # made once: these must never be paid again
    lines = [*LINES, "Then who lit the lamp?"]
    script, plan = _plan(backend, lines, [JOE, VOICES[1], JOE, "voice-deleted-yesterday"], DIALOGUE_MODEL, cache)
    server.clear_requests()
    with pytest.raises(StudioError) as caught:
        render(plan, script, backend, cache=cache)
    assert caught.value.cause.startswith("Paragraph 4: the voice voice-deleted-yesterday is no longer")
    assert "Cast panel" in caught.value.remedy
    assert _routes(server) == []  # nothing spent
    # Fixed: only the new paragraph is made; the first three come from the cache (not paid again).
    script, plan = _plan(backend, lines, [JOE, VOICES[1], JOE, VOICES[2]], DIALOGUE_MODEL, cache)
    server.clear_requests()
    render(plan, script, backend, cache=cache)
    assert _routes(server) == ["tts_stream_with_timestamps"]  # one paragraph alone: plain TTS


def test_an_unknown_tag_is_refused_naming_the_paragraph_and_nothing_is_sent(
    server: LocalServer, backend: ElevenLabsBackend, tmp_path: Path
) -> None:
    cache = SpeechCache(tmp_path / "cache")
    lines = [LINES[0], "[mumbles] At the lighthouse.", LINES[2]]
    script, plan = _plan(backend, lines, [JOE, VOICES[1], JOE], DIALOGUE_MODEL, cache)
    server.clear_requests()
    with pytest.raises(MarkupError) as caught:
        render(plan, script, backend, cache=cache)
    assert caught.value.cause.startswith("Paragraph 2: The audio tag [mumbles]")
    assert "Insert ▸ Audio Tag" in caught.value.remedy
    assert _routes(server) == []
