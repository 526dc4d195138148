"""The work a playback worker does off the GUI thread: fetch speech, hand audio to the player.

Run as a generator by :class:`studio.ui.worker.Worker` (the one worker pattern). It:

1. looks the request up in the speech cache (disk: never on the GUI thread) — a hit is
   played from there and costs nothing;
2. otherwise opens ``backend.stream_with_timestamps(request)``, registers ``stream.close``
   with the cancel token (so Stop interrupts a blocked network read at once), and for each
   chunk pushes the audio into the player's bounded :class:`PcmBuffer` (waiting here, in the
   worker, if the buffer is full) and yields the chunk's timings, made absolute;
3. when the stream ended normally, stores audio and timings in the cache.

Whatever happens, the buffer is closed at the end so the player knows no more is coming.
Plain Python: no Qt, so it is unit-testable with a real backend and no event loop.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from studio.api.models import CharacterAlignment
from studio.core.alignment_clock import AlignedPiece, ChunkTimeNormalizer
from studio.core.cancel import CancelToken
from studio.playback.pcm_buffer import PcmBuffer

if TYPE_CHECKING:
    from studio.api.requests import TextToSpeechRequest
    from studio.core.backend import SynthesisBackend
    from studio.core.cache import SpeechCache

log = logging.getLogger(__name__)

#: Audio from the cache is handed over in pieces of this many bytes so playback starts at once.
_CACHE_PIECE_BYTES = 48_000


@dataclass(frozen=True)
class StreamOpened:
    """The engine accepted the request (or the cache had it)."""

    from_cache: bool
    request_id: str | None = None
    character_cost: int | None = None


@dataclass(frozen=True)
class StreamProgress:
    """A chunk arrived: its absolute timings (if any) and the audio received so far."""

    piece: AlignedPiece | None
    received_seconds: float


@dataclass(frozen=True)
class StreamEnded:
    """Every chunk arrived. ``cached`` tells whether it was stored for next time."""

    received_seconds: float
    cached: bool


def pcm_sample_rate(output_format: str) -> int:
    """Sample rate of a ``pcm_<rate>`` format; anything else cannot be streamed to the sink."""
    codec, _, rate = output_format.partition("_")
    if codec != "pcm" or not rate.isdigit():
        raise ValueError(f"live playback needs a pcm_* output format, not {output_format!r}")
    return int(rate)


def cache_key(cache: SpeechCache, backend: SynthesisBackend, request: TextToSpeechRequest) -> str:
    return cache.key_for(
        request.text,
        request.voice_id,
        request.model_id,
        request.voice_settings,
        request.seed,
        request.output_format,
        backend.engine_id,
        extra={"language_code": getattr(request, "language_code", None)},
    )


def speech_job(
    token: CancelToken,
    backend: SynthesisBackend,
    request: TextToSpeechRequest,
    buffer: PcmBuffer,
    cache: SpeechCache | None = None,
) -> Iterator[StreamOpened | StreamProgress | StreamEnded]:
    """Generator run by a Worker; see the module docstring."""
    try:
        key = cache_key(cache, backend, request) if cache is not None else None
        if cache is not None and key is not None:
            cached = cache.get(key)
            if cached is not None:
                yield from _play_cached(token, cached, buffer)
                return
        yield from _play_stream(token, backend, request, buffer, cache, key)
    finally:
        buffer.close()


def _play_cached(token: CancelToken, cached: Any, buffer: PcmBuffer) -> Iterator[StreamOpened | StreamProgress | StreamEnded]:
    yield StreamOpened(from_cache=True, request_id=getattr(cached, "request_id", None))
    normalizer = ChunkTimeNormalizer(cached.sample_rate)
    # One alignment for the whole clip: absolute by construction.
    piece = normalizer.normalize(cached.alignment, 0.0)
    pcm = cached.pcm
    first = True
    for offset in range(0, len(pcm), _CACHE_PIECE_BYTES):
        token.raise_if_cancelled()
        part = pcm[offset : offset + _CACHE_PIECE_BYTES]
        buffer.push(part, token)
        normalizer.received_bytes += len(part)
        yield StreamProgress(piece if first else None, normalizer.received_seconds)
        first = False
    yield StreamEnded(normalizer.received_seconds, cached=True)


def _play_stream(
    token: CancelToken,
    backend: SynthesisBackend,
    request: TextToSpeechRequest,
    buffer: PcmBuffer,
    cache: SpeechCache | None,
    key: str | None,
) -> Iterator[StreamOpened | StreamProgress | StreamEnded]:
    rate = pcm_sample_rate(request.output_format)
    token.raise_if_cancelled()
    stream = backend.stream_with_timestamps(request)
    unregister = token.on_cancel(stream.close)
    try:
        info = getattr(stream, "info", None)
        yield StreamOpened(
            from_cache=False,
            request_id=getattr(info, "request_id", None),
            character_cost=getattr(info, "character_cost", None),
        )
        normalizer = ChunkTimeNormalizer(rate)
        audio = bytearray()
        chars: list[str] = []
        starts: list[float] = []
        ends: list[float] = []
        for chunk in stream:
            token.raise_if_cancelled()
            piece = normalizer.feed(chunk)
            if chunk.audio:
                buffer.push(chunk.audio, token)
                audio += chunk.audio
            if piece is not None:
                chars.extend(piece.characters)
                starts.extend(piece.starts)
                ends.extend(piece.ends)
            yield StreamProgress(piece, normalizer.received_seconds)
        token.raise_if_cancelled()
        # A stream that was closed early ends like a finished one: only a complete one is kept.
        completed = getattr(stream, "completed", True)
    finally:
        unregister()
        stream.close()
    stored = False
    if completed and cache is not None and key is not None and audio:
        stored = _store(cache, key, bytes(audio), rate, chars, starts, ends, getattr(info, "request_id", None),
                        getattr(info, "character_cost", None))
    yield StreamEnded(normalizer.received_seconds, cached=stored)


def _store(
    cache: SpeechCache,
    key: str,
    pcm: bytes,
    rate: int,
    chars: list[str],
    starts: list[float],
    ends: list[float],
    request_id: str | None,
    cost: int | None,
) -> bool:
    from studio.core.cache import CachedSpeech

    usable = pcm[: len(pcm) - len(pcm) % 2]
    alignment = CharacterAlignment(
        characters=chars, character_start_times_seconds=starts, character_end_times_seconds=ends
    )
    try:
        return bool(cache.put(key, CachedSpeech(pcm=usable, sample_rate=rate, alignment=alignment,
                                                request_id=request_id, character_cost=cost)))
    except Exception:  # noqa: BLE001 - a cache that cannot write must not spoil playback
        log.warning("could not store speech in the cache", exc_info=True)
        return False
