"""The script document rendered for real: HTTP to the local server (Piper behind it) and the offline voice.

Counts text-to-speech requests at the server: a render of a script pays once, a second render
sends none, an edit of one paragraph sends exactly its request, and a free-tier account never
sends a request over its model's free limit (the server refuses those with 400).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from studio.api.client import ElevenLabsClient
from studio.api.requests import VoiceSearch
from studio.core.backends.elevenlabs import ElevenLabsBackend
from studio.core.backends.offline import OfflineBackend
from studio.core.cache import SpeechCache
from studio.core.render import BlockAudio, render
from studio.core.script import BlockStatus, Capabilities, RenderSettings, Script, plan_render, render_output_format
from tests.fixtures.local_server import LocalServer, run_server
from tests.unit.core.script.prose import paragraphs

from .conftest import tts_requests


def _short_paragraphs(count: int) -> list[str]:
    """Distinct one-sentence paragraphs (speech for them is quick to make)."""
    return [p.split(". ")[0].split("! ")[0].split("? ")[0].rstrip(".!?") + "." for p in paragraphs(count, seed=5)]


def _backend(server: LocalServer) -> Iterator[ElevenLabsBackend]:
    backend = ElevenLabsBackend(ElevenLabsClient("sk_render_test_key", server.base_url))
    try:
        yield backend
    finally:
        backend.close()


@pytest.fixture
def account(local_server: LocalServer) -> Iterator[tuple[LocalServer, ElevenLabsBackend]]:
    local_server.clear_faults()
    local_server.clear_requests()
    yield from ((local_server, b) for b in _backend(local_server))


def _plan(backend: ElevenLabsBackend, script: Script, model_id: str, cache: SpeechCache):  # type: ignore[no-untyped-def]
    voice = backend.search_voices(VoiceSearch(page_size=1)).voices[0].voice_id
    caps = Capabilities.from_account(backend.engine_id, model_id, backend.list_models(), backend.get_subscription())
    settings = RenderSettings(voice_id=voice, model_id=model_id, seed=11,
                              output_format=render_output_format(backend.engine_id))
    return plan_render(script, settings, caps, cache)


def test_render_pays_once_and_an_edit_pays_for_that_paragraph_only(
    account: tuple[LocalServer, ElevenLabsBackend], tmp_path: Path
) -> None:
    server, backend = account
    texts = _short_paragraphs(8)
    script = Script.from_text("\n\n".join(texts))
    cache = SpeechCache(tmp_path / "cache")

    plan = _plan(backend, script, "eleven_multilingual_v2", cache)
    assert plan.requests_needed == 8
    delivered: list[BlockAudio] = []
    server.clear_requests()
    render(plan, script, backend, cache=cache, on_block=delivered.append, concurrency=2)
    assert tts_requests(server) == 8
    assert [a.block.block_id for a in delivered] == [b.id for b in script]
    assert all(a.new_take and len(a.pcm) > 24_000 for a in delivered)  # real speech, over half a second each

    server.clear_requests()
    again = _plan(backend, script, "eleven_multilingual_v2", cache)
    assert again.requests_needed == 0 and {b.status for b in again.blocks} == {BlockStatus.TAKE}
    replayed: list[BlockAudio] = []
    render(again, script, backend, cache=cache, on_block=replayed.append)
    assert tts_requests(server) == 0
    assert [a.pcm for a in replayed] == [a.pcm for a in delivered]

    edited = list(texts)
    edited[5] = "The ferry captain, who had seen everything, said nothing at all."
    script.reconcile("\n\n".join(edited))
    server.clear_requests()
    plan = _plan(backend, script, "eleven_multilingual_v2", cache)
    render(plan, script, backend, cache=cache)
    assert tts_requests(server) == 1 and plan.requests_needed == 1
    assert [len(b.takes) for b in script] == [1, 1, 1, 1, 1, 2, 1, 1]


def test_a_free_account_stays_under_the_free_limit(tmp_path: Path) -> None:
    # eleven_monolingual_v1 allows 2,500 characters to a free user and 5,000 to a subscriber.
    long = " ".join(paragraphs(20, seed=9))[:2_900].rsplit(" ", 1)[0] + "."
    assert len(long) > 2_500
    with run_server(tier="free") as server:
        for backend in _backend(server):
            cache = SpeechCache(tmp_path / "cache")
            script = Script.from_text(long)
            plan = _plan(backend, script, "eleven_monolingual_v1", cache)
            assert plan.character_limit == 2_500 and plan.requests_needed == 2
            result = render(plan, script, backend, cache=cache, concurrency=2)
            assert result.generation.requests_sent == 2 and tts_requests(server) == 2
            assert script.blocks[0].chosen_take is not None and len(script.blocks[0].chosen_take.parts) == 2


def test_offline_voice_renders_at_its_own_rate_and_then_from_takes(tmp_path: Path) -> None:
    backend = OfflineBackend()
    calls: list[str] = []
    original = backend.stream_with_timestamps

    def counted(request):  # type: ignore[no-untyped-def]
        calls.append(request.text)
        return original(request)

    backend.stream_with_timestamps = counted  # type: ignore[method-assign]
    texts = _short_paragraphs(3)
    script = Script.from_text("\n\n".join(texts))
    cache = SpeechCache(tmp_path / "cache")
    voice = backend.search_voices(VoiceSearch(page_size=1)).voices[0].voice_id
    caps = Capabilities.from_account("offline", "offline_piper", backend.list_models(), None)
    settings = RenderSettings(voice_id=voice, model_id="offline_piper", output_format=render_output_format("offline"))
    plan = plan_render(script, settings, caps, cache)
    assert plan.credits_needed == 0 and plan.requests_needed == 3
    delivered: list[BlockAudio] = []
    render(plan, script, backend, cache=cache, on_block=delivered.append)
    assert sorted(calls) == sorted(texts)
    assert all(a.sample_rate == 22_050 and a.take is not None and a.take.engine_id == "offline" for a in delivered)
    calls.clear()
    render(plan_render(script, settings, caps, cache), script, backend, cache=cache)
    assert calls == []
