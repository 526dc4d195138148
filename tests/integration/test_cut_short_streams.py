"""Nothing cut short is ever stored as a finished take (issue 10, point 4).

Every way a stream can end early — Stop (the player's token), cancel (an export's token),
an engine switch (``backend.close()``), the connection dropping, an error part way — is run
through both cache writers (live playback's ``play_job`` and long-form export's
``LongformGenerator``) on both engines: the offline Piper voice, and the ElevenLabs client
over loopback HTTP to our own server (which speaks with the same Piper voice). Afterwards the
cache holds nothing and the writer never reported the take as stored.

The engine is real; :class:`GatedEngine` only holds it after its first sentence until the test
has done its interrupting, so "part way" is exact rather than a race against the clock.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from studio.api.client import ElevenLabsClient
from studio.core.backends.elevenlabs import ElevenLabsBackend
from studio.core.backends.offline import MODEL_ID, OfflineBackend
from studio.core.cache import SpeechCache
from studio.cancel import Cancelled, CancelToken
from studio.core.longform import LongformGenerator, LongformSettings
from studio.errors import StudioError
from studio.offline.engine import get_engine
from studio.offline.errors import OfflineEngineError
from studio.playback.pcm_buffer import PcmBuffer
from studio.core.render_inputs import render_inputs
from studio.core.script import Script
from studio.playback.stream_job import StreamEnded, play_job
from tests.fixtures.local_server import LocalServer, run_server

pytestmark = pytest.mark.slow

VOICE = "offline-en_US-joe-medium"
TEXT = "First a short line. Then a second sentence follows it here. And a third one ends it."
FORMAT = "pcm_24000"


class GatedEngine:
    """The real offline engine, held before its second sentence until ``go`` is set.

    ``first_made`` is set when the consumer asks for the second sentence (the first one has
    been handed over). With ``fail`` set, the second sentence fails like a broken engine.
    """

    def __init__(self) -> None:
        self._engine = get_engine()
        self.first_made = threading.Event()
        self.go = threading.Event()
        self.fail = False

    def __getattr__(self, name: str) -> Any:
        return getattr(self._engine, name)

    def stream(self, text: str, **kwargs: Any) -> Iterator[Any]:
        return self._gated(self._engine.stream(text, **kwargs))

    def _gated(self, chunks: Iterator[Any]) -> Iterator[Any]:
        for index, chunk in enumerate(chunks):
            if index == 1:
                self.first_made.set()
                assert self.go.wait(60), "the test never let the engine go on"
                if self.fail:
                    raise OfflineEngineError("Injected: the voice failed on sentence two", "Try again.")
            yield chunk


class Holder:
    engine: GatedEngine | None = None


@pytest.fixture(scope="module")
def gated_server() -> Iterator[tuple[LocalServer, Holder]]:
    holder = Holder()

    def provider(_voice_id: str | None) -> Any:
        return holder.engine if holder.engine is not None else get_engine()

    with run_server(engine_provider=provider) as server:
        yield server, holder


@pytest.fixture(params=["offline", "elevenlabs"])
def engine(request: pytest.FixtureRequest, gated_server: tuple[LocalServer, Holder]) -> Iterator[dict[str, Any]]:
    gate = GatedEngine()
    if request.param == "offline":
        backend: Any = OfflineBackend(engine_provider=lambda _voice_id: gate)
        yield {"name": "offline", "backend": backend, "gate": gate, "model_id": MODEL_ID, "server": None}
        backend.close()
        return
    server, holder = gated_server
    holder.engine = gate
    server.clear_faults()
    client = ElevenLabsClient(None, server.base_url, max_retries=0)
    backend = ElevenLabsBackend(client)
    try:
        yield {"name": "elevenlabs", "backend": backend, "gate": gate, "model_id": "eleven_multilingual_v2",
               "server": server}
    finally:
        gate.go.set()
        server.clear_faults()
        holder.engine = None
        backend.close()


def _interrupt(engine: dict[str, Any], way: str, token: CancelToken) -> Callable[[], None]:
    """Arrange ``way`` to cut the next stream short; returns a function that ends the arranging."""
    gate: GatedEngine = engine["gate"]
    server: LocalServer | None = engine["server"]
    if way in ("stop", "cancel", "engine switch"):
        act = token.cancel if way in ("stop", "cancel") else engine["backend"].close

        def interrupter() -> None:
            if gate.first_made.wait(60):
                act()
            gate.go.set()

        thread = threading.Thread(target=interrupter, daemon=True)
        thread.start()
        return lambda: thread.join(10)
    gate.go.set()
    if way == "error":
        if server is None:
            gate.fail = True
        else:  # the service sends a broken line part way
            server.inject({"kind": "malformed_line", "at_chunk": 1})
    elif way == "disconnect":
        assert server is not None
        server.inject({"kind": "disconnect", "after_bytes": 2_000})
    return lambda: None


WAYS = ["stop", "engine switch", "disconnect", "error"]


def _skip_if_meaningless(engine: dict[str, Any], way: str) -> None:
    if way == "disconnect" and engine["name"] == "offline":
        pytest.skip("the offline voice has no connection to lose")


def _play(token: CancelToken, engine: dict[str, Any], cache: SpeechCache) -> Iterator[Any]:
    """What Play runs: the one-paragraph script through the plan, into the player's take."""
    inputs = render_inputs(engine["backend"], voice_id=VOICE, model_id=engine["model_id"])
    return play_job(token, inputs, Script.from_text(TEXT), [0], PcmBuffer(), cache)


def _stored(cache_dir: Path) -> list[Path]:
    return sorted(cache_dir.rglob("*.speech"))


@pytest.mark.parametrize("way", WAYS)
def test_playback_never_stores_a_cut_short_take(engine: dict[str, Any], way: str, tmp_path: Path) -> None:
    _skip_if_meaningless(engine, way)
    cache = SpeechCache(tmp_path)
    token = CancelToken()
    done = _interrupt(engine, way, token)
    events: list[Any] = []
    raised: BaseException | None = None
    try:
        for event in _play(token, engine, cache):
            events.append(event)
    except (StudioError, Cancelled) as error:
        raised = error
    done()
    assert _stored(tmp_path) == [] and cache.stats.puts == 0
    if way == "stop":
        assert isinstance(raised, Cancelled)
    elif way == "engine switch":
        # Closing the engine ends the stream quietly (no error to show), and not as finished.
        assert raised is None, raised
        assert isinstance(events[-1], StreamEnded) and events[-1].cached is False
    else:
        assert isinstance(raised, StudioError) and not isinstance(raised, Cancelled)


@pytest.mark.parametrize("way", ["cancel", "engine switch", "disconnect", "error"])
def test_export_never_stores_a_cut_short_take(engine: dict[str, Any], way: str, tmp_path: Path) -> None:
    _skip_if_meaningless(engine, way)
    cache = SpeechCache(tmp_path)
    token = CancelToken()
    settings = LongformSettings(voice_id=VOICE, model_id=engine["model_id"], output_format=FORMAT,
                                concurrency=1, max_attempts=1)
    generator = LongformGenerator(engine["backend"], settings, cache=cache)
    plan = generator.plan(TEXT)
    assert len(plan.segments) == 1
    done = _interrupt(engine, way, token)
    delivered: list[Any] = []
    with pytest.raises((StudioError, Cancelled)) as caught:
        generator.run(plan, lambda segment, speech: delivered.append(speech), token)
    done()
    assert _stored(tmp_path) == [] and cache.stats.puts == 0
    assert delivered == []
    assert isinstance(caught.value, Cancelled) == (way == "cancel")


def test_an_uninterrupted_take_is_stored_on_both_engines(engine: dict[str, Any], tmp_path: Path) -> None:
    """The checks above can fail: the same run, left alone, does store the take."""
    engine["gate"].go.set()
    cache = SpeechCache(tmp_path)
    events = list(_play(CancelToken(), engine, cache))
    assert isinstance(events[-1], StreamEnded) and events[-1].cached is True
    assert len(_stored(tmp_path)) == 1
