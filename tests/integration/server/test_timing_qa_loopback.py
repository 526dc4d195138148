"""Timing QA on real responses of the local server over loopback: "$4,250" is spoken as words.

The server answers with the offline Piper voice; its ``normalized_alignment`` is the text as
spoken (:mod:`studio.offline.normalize`), so it differs from ``alignment`` where a number or
an amount is read out. Both survive every way a take is made — Play's streaming path (which
stored only ``alignment`` before) and the export's — and the QA names the written span.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from studio.api.client import ElevenLabsClient
from studio.cancel import CancelToken
from studio.core.backends.elevenlabs import ElevenLabsBackend
from studio.core.cache import SpeechCache
from studio.core.render import render
from studio.core.render_inputs import render_inputs
from studio.core.script import Script, plan_render
from studio.core.timing_qa import analyse_script
from studio.offline.voices import bundled_voice
from studio.playback.pcm_buffer import PcmBuffer
from studio.playback.stream_job import TakeMade, play_job
from tests.fixtures.local_server import LocalServer

TEXT = "The repair cost $4,250 in the end.\n\nNothing else was said."
VOICE = bundled_voice().voice_id


@pytest.fixture
def backend(local_server: LocalServer):  # type: ignore[no-untyped-def]
    local_server.clear_faults()
    made = ElevenLabsBackend(ElevenLabsClient(None, base_url=local_server.base_url, max_retries=0))
    yield made
    made.close()


def _check_expansion(script: Script, cache: SpeechCache) -> None:
    qa = analyse_script(script, cache)
    first = qa.paragraphs[0]
    expanded = [i for i in first.items if i.kind == "expanded"]
    assert [(i.written, i.spoken) for i in expanded] == [("$4,250", "four thousand two hundred fifty dollars")]
    item = expanded[0]
    assert script.blocks[0].text[item.start:item.end] == "$4,250"
    assert 0.3 < item.seconds < first.audio_seconds
    # Real speech: no clock faults, no long silences, and a human reading speed.
    assert [i.kind for i in qa.items if i.kind != "expanded"] == []
    assert first.words == 12  # the words said, "four thousand two hundred fifty dollars" included
    assert 8 < (qa.chars_per_second or 0) < 25 and 100 < (qa.words_per_minute or 0) < 260
    assert qa.paragraphs[1].items == []


def test_play_keeps_the_normalized_alignment_and_qa_finds_the_expansion(backend, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cache = SpeechCache(tmp_path / "cache")
    script = Script.from_text(TEXT)
    inputs = render_inputs(backend, voice_id=VOICE, model_id="eleven_multilingual_v2")
    events = list(play_job(CancelToken(), inputs, script, [0, 1], PcmBuffer(), cache))
    for made in (e for e in events if isinstance(e, TakeMade)):
        script.add_take(made.block_id, made.take)
    take = script.blocks[0].chosen_take
    assert take is not None
    stored = cache.get(take.parts[0].cache_key)
    assert stored is not None and stored.normalized_alignment is not None
    assert "four thousand" in "".join(stored.normalized_alignment.characters)
    _check_expansion(script, cache)


def test_an_exported_take_is_checked_the_same_way(backend, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cache = SpeechCache(tmp_path / "cache")
    script = Script.from_text(TEXT)
    inputs = render_inputs(backend, voice_id=VOICE, model_id="eleven_multilingual_v2")
    plan = plan_render(script, inputs.settings, inputs.capabilities, cache)
    render(plan, script, backend, cache=cache, record=True)
    _check_expansion(script, cache)
