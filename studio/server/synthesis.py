"""From the offline engine's sentence chunks to encoded audio pieces, without blocking the loop.

The engine is synchronous and slow-ish (a sentence takes ~0.1 s), so every step that
synthesizes, resamples or encodes runs in the thread pool. Each engine chunk becomes one
:class:`AudioPiece`; its alignment keeps the engine's ABSOLUTE times (seconds from the start
of the text) and ``start_seconds`` says where the piece's audio starts, for the fault that
makes times relative.

espeak-ng (inside Piper) keeps global state, so two requests never run the same engine at
once: each ``next()`` on an engine's stream holds that engine's lock. Requests still
interleave sentence by sentence.
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
from starlette.concurrency import run_in_threadpool

from studio.api.models import SpeechChunk, VoiceSettings
from studio.core.audio import Resampler
from studio.cancel import CancelToken
from studio.server.encoders import Encoder, make_encoder
from studio.server.formats import OutputFormat, parse_format

_locks: dict[int, threading.Lock] = {}
_locks_guard = threading.Lock()
_DONE = object()


def _engine_lock(engine: Any) -> threading.Lock:
    with _locks_guard:
        return _locks.setdefault(id(engine), threading.Lock())


@dataclass
class AudioPiece:
    audio: bytes
    alignment: dict[str, list[Any]] | None
    normalized_alignment: dict[str, list[Any]] | None
    start_seconds: float


def _alignment(value: Any) -> dict[str, list[Any]] | None:
    if value is None:
        return None
    return {
        "characters": list(value.characters),
        "character_start_times_seconds": list(value.character_start_times_seconds),
        "character_end_times_seconds": list(value.character_end_times_seconds),
    }


class EngineStream:
    """One request's synthesis: opens the engine stream and pulls it under the engine lock."""

    def __init__(self, engine: Any, text: str, settings: VoiceSettings | None, seed: int | None,
                 fmt: OutputFormat, v3_tags: bool = False) -> None:
        self.engine = engine
        self.cancel = CancelToken()
        self.format = fmt
        self._lock = _engine_lock(engine)
        self._chunks: Iterator[SpeechChunk] = iter(
            engine.stream(text, settings=settings, seed=seed, cancel=self.cancel, **({"v3_tags": True} if v3_tags else {})))
        self._encoder: Encoder = make_encoder(fmt)
        self._rate = int(engine.sample_rate)
        # One streaming resampler per request: no clicks where sentences meet.
        self._resampler = Resampler(self._rate, fmt.sample_rate)
        self._samples_done = 0
        self._finished = False
        #: Maps each chunk's alignment from the text spoken to the text sent (pronunciation
        #: rules: :class:`studio.server.pronounce.InputAlignment`); None: the same text.
        self.remap: Any = None

    def next_piece(self) -> AudioPiece | object:
        """The next encoded piece, or _DONE. Blocking: call in a worker thread."""
        if self._finished:
            return _DONE
        with self._lock:
            chunk = next(self._chunks, None) if not self.cancel.cancelled else None
        if chunk is None:
            self._finished = True
            rest = np.frombuffer(self._resampler.flush(), dtype="<i2")
            tail = self._encoder.feed(rest) + self._encoder.finish()
            if not tail:
                return _DONE
            return AudioPiece(tail, None, None, self._samples_done / self._rate)
        start = self._samples_done / self._rate
        self._samples_done += len(chunk.audio) // 2
        samples = np.frombuffer(self._resampler.push(chunk.audio), dtype="<i2")
        encoded = self._encoder.feed(samples)
        alignment = _alignment(chunk.alignment)
        if self.remap is not None:
            alignment = self.remap(alignment)
        return AudioPiece(encoded, alignment, _alignment(chunk.normalized_alignment), start)

    async def pieces(self) -> AsyncIterator[AudioPiece]:
        """The pieces in order; stopping early (client gone) cancels the synthesis."""
        try:
            while True:
                piece = await run_in_threadpool(self.next_piece)
                if piece is _DONE:
                    return
                assert isinstance(piece, AudioPiece)
                yield piece
        finally:
            self.cancel.cancel()


async def open_stream(engine_provider: Any, engine_voice_id: str | None, text: str,
                      settings: VoiceSettings | None, seed: int | None,
                      fmt: OutputFormat, v3_tags: bool = False) -> EngineStream:
    """Load the engine (once per process; ~2 s the first time) and start speaking.

    Break tags in ``text`` become real silence, as the real API honours them; ``v3_tags``
    (the model takes audio tags: v3) makes its ``[pause]`` tags silence too."""
    engine = await run_in_threadpool(engine_provider, engine_voice_id)
    await run_in_threadpool(engine.load)
    return await run_in_threadpool(EngineStream, engine, text, settings, seed, fmt, v3_tags)


async def render_preview(state: Any, engine_voice_id: str, text: str) -> bytes:
    stream = await open_stream(state.engine_provider, engine_voice_id, text, None, None,
                               parse_format("mp3_44100_128"))
    return b"".join([piece.audio async for piece in stream.pieces()])
