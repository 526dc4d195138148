"""The work a playback worker does off the GUI thread: fetch speech, hand audio to the player.

Run as a generator by :class:`studio.ui.worker.Worker` (the one worker pattern). It:

1. looks the request up in the speech cache (disk: never on the GUI thread) — a hit is
   played from there and costs nothing;
2. otherwise opens ``backend.stream_with_timestamps(request)``, registers ``stream.close``
   with the cancel token (so Stop interrupts a blocked network read at once), and for each
   chunk pushes the audio into the take, the player's :class:`PcmBuffer` (waiting here, in
   the worker, while as much audio as its bound allows is waiting to be played) and yields
   the chunk's timings (absolute from the start of the request: every backend sends them
   so, the HTTP client making sure at its boundary), shifted by the parts before it. A
   script longer than the model's per-request limit is spoken in parts, one request after
   another, as one continuous track;
3. when a part's stream ended normally, stores that part's audio — read straight from the
   take, the only copy; the job keeps none of its own — and timings in the cache (each part
   under its own key, so a failure later never re-bills earlier parts).

Whatever happens, the buffer is closed at the end so the player knows no more is coming.
Plain Python: no Qt, so it is unit-testable with a real backend and no event loop.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from studio.api.models import CharacterAlignment
from studio.core.alignment_clock import AlignedPiece
from studio.core.cancel import CancelToken
from studio.playback.pcm_buffer import PcmBuffer

if TYPE_CHECKING:
    from studio.api.requests import TextToSpeechRequest
    from studio.core.backend import SynthesisBackend
    from studio.core.cache import CachedSpeech, SpeechCache

log = logging.getLogger(__name__)

#: Audio from the cache is handed over in pieces of this many bytes so playback starts at once.
_CACHE_PIECE_BYTES = 48_000
#: Characters of neighbouring text sent as context when a long script is spoken in parts.
_CONTEXT_CHARS = 300


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


def speech_job(
    token: CancelToken,
    backend: SynthesisBackend,
    request: TextToSpeechRequest,
    buffer: PcmBuffer,
    cache: SpeechCache | None = None,
) -> Iterator[StreamOpened | StreamProgress | StreamEnded]:
    """Generator run by a Worker; see the module docstring.

    ``backend`` may still be starting (it then has ``wait_until_ready``): the job waits for it
    here, in the worker, before anything else.
    """
    try:
        wait_until_ready = getattr(backend, "wait_until_ready", None)
        if wait_until_ready is not None:
            backend = wait_until_ready(token)
        yield from _play_parts(token, backend, request, buffer, cache)
    finally:
        buffer.close()


def _shifted(piece: AlignedPiece | None, offset: float) -> AlignedPiece | None:
    if piece is None or not offset:
        return piece
    return AlignedPiece(piece.characters, tuple(t + offset for t in piece.starts), tuple(t + offset for t in piece.ends))


def _play_cached(token: CancelToken, cached: CachedSpeech, buffer: PcmBuffer,
                 offset: float) -> Iterator[StreamProgress]:
    # One alignment for the whole clip: absolute by construction.
    piece = AlignedPiece.from_alignment(cached.alignment, offset)
    pcm = cached.pcm
    for start in range(0, len(pcm), _CACHE_PIECE_BYTES):
        token.raise_if_cancelled()
        part = pcm[start : start + _CACHE_PIECE_BYTES]
        buffer.push(part, token)
        received = (start + len(part)) // 2
        yield StreamProgress(piece if start == 0 else None, offset + received / cached.sample_rate)


def plan_parts(text: str, limit: int) -> list[tuple[int, int]]:
    """Spans of ``text`` to request one after another, each within the model's character limit.

    Text that fits is one request. Longer text is cut by the segmenter (paragraphs, then
    sentences, then clauses) and neighbouring pieces are packed back together up to the limit,
    so a long script costs as few requests as the limit allows.
    """
    if len(text) <= limit:
        return [(0, len(text))]
    from studio.core.segmenter import split_script

    parts: list[tuple[int, int]] = []
    for segment in split_script(text, limit):
        if parts and segment.end - parts[-1][0] <= limit:
            parts[-1] = (parts[-1][0], segment.end)
        else:
            parts.append((segment.start, segment.end))
    return parts


def _part_request(request: TextToSpeechRequest, text: str, span: tuple[int, int], whole: bool) -> TextToSpeechRequest:
    if whole:
        return request
    start, end = span
    update: dict[str, Any] = {"text": text[start:end]}
    # Continuity: the service shapes intonation with the neighbouring text (not billed).
    if request.previous_text is None and start > 0:
        update["previous_text"] = text[max(0, start - _CONTEXT_CHARS) : start].strip() or None
    if request.next_text is None and end < len(text):
        update["next_text"] = text[end : end + _CONTEXT_CHARS].strip() or None
    return request.model_copy(update=update)


def _play_parts(
    token: CancelToken,
    backend: SynthesisBackend,
    request: TextToSpeechRequest,
    buffer: PcmBuffer,
    cache: SpeechCache | None,
) -> Iterator[StreamOpened | StreamProgress | StreamEnded]:
    """Speak every part in order, each from the cache when it is there.

    Each part is cached under its own key the moment its stream completes, so a failure in
    part k never makes the parts before it be paid for again.
    """
    from studio.core.segmenter import character_limit_for

    rate = pcm_sample_rate(request.output_format)
    text = request.text
    spans = plan_parts(text, character_limit_for(None, request.model_id))
    requests = [_part_request(request, text, span, whole=len(spans) == 1) for span in spans]
    keys = [cache.key_for_request(part, backend.engine_id) if cache is not None else None for part in requests]
    all_cached = cache is not None and all(key is not None and key in cache for key in keys)
    received = 0  # bytes of audio handed to the player so far, over all parts
    opened = False
    stored_all = True
    for part, key in zip(requests, keys):
        token.raise_if_cancelled()
        # Each part's timings start from its own beginning: shift them by the audio before it.
        offset = (received // 2) / rate
        cached = cache.get(key) if cache is not None and key is not None else None
        if cached is not None:
            if not opened:
                opened = True
                yield StreamOpened(from_cache=all_cached, request_id=cached.request_id)
            for progress in _play_cached(token, cached, buffer, offset):
                yield progress
            received += len(cached.pcm)
            continue
        part_start = buffer.size  # where this part's audio begins in the take
        part_bytes = 0
        chars: list[str] = []
        starts: list[float] = []
        ends: list[float] = []
        stream = backend.stream_with_timestamps(part)
        unregister = token.on_cancel(stream.close)
        try:
            info = getattr(stream, "info", None)
            if not opened:
                opened = True
                yield StreamOpened(
                    from_cache=False,
                    request_id=getattr(info, "request_id", None),
                    character_cost=getattr(info, "character_cost", None),
                )
            for chunk in stream:
                token.raise_if_cancelled()
                # Times from the start of this part: stored so, the entry is right wherever the
                # part lands; played shifted by the parts before it.
                piece = AlignedPiece.from_alignment(chunk.alignment)
                if chunk.audio:
                    buffer.push(chunk.audio, token)
                    part_bytes += len(chunk.audio)
                if piece is not None:
                    chars.extend(piece.characters)
                    starts.extend(piece.starts)
                    ends.extend(piece.ends)
                yield StreamProgress(_shifted(piece, offset), ((received + part_bytes) // 2) / rate)
            token.raise_if_cancelled()
            # A stream closed early ends like a finished one: only a complete one is kept.
            completed = stream.completed
        finally:
            unregister()
            stream.close()
        if part_bytes % 2:
            # Never let a half frame at the end of one request shift every later sample.
            buffer.push(b"\0", token)
            part_bytes += 1
        received += part_bytes
        stored = False
        if completed and cache is not None and key is not None and part_bytes:
            with buffer.view(part_start, part_start + part_bytes) as pcm:
                stored = _store(cache, key, pcm, rate, chars, starts, ends,
                                getattr(info, "request_id", None), getattr(info, "character_cost", None))
        stored_all = stored_all and stored
    yield StreamEnded((received // 2) / rate, cached=all_cached or (cache is not None and stored_all))


def _store(
    cache: SpeechCache,
    key: str,
    pcm: bytes | memoryview,
    rate: int,
    chars: list[str],
    starts: list[float],
    ends: list[float],
    request_id: str | None,
    cost: int | None,
) -> bool:
    from studio.core.cache import CachedSpeech

    usable = pcm if len(pcm) % 2 == 0 else pcm[:-1]
    alignment = CharacterAlignment(
        characters=chars, character_start_times_seconds=starts, character_end_times_seconds=ends
    )
    try:
        # ``pcm`` may be a view of the take: the cache writes it out without keeping it.
        return bool(cache.put(key, CachedSpeech(pcm=usable, sample_rate=rate, alignment=alignment,  # type: ignore[arg-type]
                                                request_id=request_id, character_cost=cost)))
    except Exception:  # noqa: BLE001 - a cache that cannot write must not spoil playback
        log.warning("could not store speech in the cache", exc_info=True)
        return False
