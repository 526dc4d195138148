"""Speech as it arrives: a closable stream of :class:`SpeechChunk`, plus response metadata.

:class:`SpeechStream` is engine-neutral: the HTTP client builds one over a response, the
offline backend over its synthesis loop. ``close()`` may be called from any thread and
returns at once: it asks the source to stop (``on_close`` — for HTTP, shutting the socket
down, which wakes a reader blocked in ``recv``) and the iterating thread then ends
quietly and releases the connection itself. Two threads never touch the source at once.

Alignment times in the chunks are absolute (seconds from the start of the request's
text); :class:`AlignmentClock` converts chunk-relative times, should a server send them. It
is the studio's one chunk-time normaliser, applied where speech enters from the network;
every other backend hands out absolute times, and nothing downstream re-checks them.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from studio.api.models import CharacterAlignment, SpeechChunk

log = logging.getLogger(__name__)


def _int_header(headers: Mapping[str, str], name: str) -> int | None:
    value = headers.get(name)
    if value is None:
        return None
    try:
        return int(value.strip())
    except ValueError:
        return None


@dataclass(frozen=True)
class ResponseInfo:
    """The headers of a TTS response that matter (ENDPOINTS.md §3). Any may be missing."""

    request_id: str | None = None
    character_cost: int | None = None
    history_item_id: str | None = None
    current_concurrent_requests: int | None = None
    maximum_concurrent_requests: int | None = None

    @classmethod
    def from_headers(cls, headers: Mapping[str, str]) -> ResponseInfo:
        return cls(
            request_id=headers.get("request-id") or None,
            character_cost=_int_header(headers, "character-cost"),
            history_item_id=headers.get("history-item-id") or None,
            current_concurrent_requests=_int_header(headers, "current-concurrent-requests"),
            maximum_concurrent_requests=_int_header(headers, "maximum-concurrent-requests"),
        )


@dataclass(frozen=True)
class SpeechResult:
    """A whole (non-streamed) response: the audio and, for with-timestamps, the timing."""

    audio: bytes
    info: ResponseInfo
    alignment: CharacterAlignment | None = None
    normalized_alignment: CharacterAlignment | None = None


class SpeechStream:
    """An iterable of SpeechChunk that can be closed from any thread."""

    def __init__(
        self,
        chunks: Iterator[SpeechChunk],
        info: ResponseInfo | None = None,
        on_close: Callable[[], None] | None = None,
    ) -> None:
        self._chunks = chunks
        self.info = info or ResponseInfo()
        self._on_close = on_close
        self._closed = threading.Event()
        self._close_lock = threading.Lock()
        # Held while a thread is inside the source: close() never disposes of the source
        # under a reader's feet; the reader does it when it wakes.
        self._read_lock = threading.Lock()
        self._released = False
        self._completed = False

    @property
    def closed(self) -> bool:
        return self._closed.is_set()

    @property
    def completed(self) -> bool:
        """True only when the source ended by itself after every chunk was read.

        The one rule for "this take is whole": never after ``close()`` (Stop, cancel, an
        engine switch: backends end their streams through it), an error or a dropped
        connection. Every cache writer checks it; a request id may only be reused then.
        """
        return self._completed

    def __iter__(self) -> SpeechStream:
        return self

    def __next__(self) -> SpeechChunk:
        with self._read_lock:
            if self._closed.is_set() or self._released:
                self._release()
                raise StopIteration
            try:
                chunk = next(self._chunks)
            except StopIteration:
                self._completed = not self._closed.is_set()
                self._release()
                raise
            except BaseException:
                self._release()
                if self._closed.is_set():
                    # The failure is the close itself (a shut socket): end quietly.
                    raise StopIteration from None
                raise
            if self._closed.is_set():
                self._release()
                raise StopIteration
            return chunk

    def close(self) -> None:
        """Stop the stream. Returns at once; safe from any thread, idempotent."""
        with self._close_lock:
            if self._closed.is_set():
                return
            self._closed.set()
        if self._on_close is not None:
            try:
                self._on_close()
            except Exception:  # noqa: BLE001 - closing must never raise at the caller
                log.debug("stream on_close failed", exc_info=True)
        if self._read_lock.acquire(blocking=False):
            try:
                self._release()
            finally:
                self._read_lock.release()

    def _release(self) -> None:
        """Dispose of the source once (runs its ``finally``: the response is closed)."""
        if self._released:
            return
        self._released = True
        closer = getattr(self._chunks, "close", None)
        if closer is not None:
            try:
                closer()
            except Exception:  # noqa: BLE001
                log.debug("closing the chunk source failed", exc_info=True)

    def __enter__(self) -> SpeechStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def read_all(self) -> list[SpeechChunk]:
        return list(self)


class AlignmentClock:
    """Makes chunk alignment times absolute, whichever way the server sent them.

    Whether stream chunk times are absolute or relative to the chunk is undocumented
    (ENDPOINTS.md §2). A chunk whose first character starts before the previous chunk's
    last character ended restarted its clock: from then on chunks are shifted by the audio
    already received (exact for PCM; the previous end time otherwise).
    """

    TOLERANCE = 0.05  # seconds of overlap still read as absolute

    def __init__(self, bytes_per_second: int | None) -> None:
        self._bytes_per_second = bytes_per_second
        self._audio_bytes = 0
        self._last_end = 0.0
        self._relative = False

    def apply(self, chunk: SpeechChunk) -> SpeechChunk:
        if self._bytes_per_second:
            # Whole 16-bit samples only: a network read may end half-way through one, and the
            # half sample belongs to the next chunk's audio (8-bit formats: within a sample).
            offset = (self._audio_bytes - self._audio_bytes % 2) / self._bytes_per_second
        else:
            offset = self._last_end
        self._audio_bytes += len(chunk.audio)
        reference = chunk.alignment or chunk.normalized_alignment
        if reference is None or not reference.character_start_times_seconds:
            return chunk
        first = reference.character_start_times_seconds[0]
        if not self._relative and first + self.TOLERANCE < self._last_end:
            self._relative = True
            log.debug("stream alignment times are chunk-relative; shifting by audio received")
        shift = offset if self._relative else 0.0
        alignment = _shifted(chunk.alignment, shift)
        normalized = _shifted(chunk.normalized_alignment, shift)
        ends = (alignment or normalized or reference).character_end_times_seconds
        if ends:
            self._last_end = max(self._last_end, max(ends))
        if shift == 0.0:
            return chunk
        return SpeechChunk(audio=chunk.audio, alignment=alignment, normalized_alignment=normalized)


def _shifted(alignment: CharacterAlignment | None, shift: float) -> CharacterAlignment | None:
    if alignment is None or shift == 0.0:
        return alignment
    return CharacterAlignment(
        characters=list(alignment.characters),
        character_start_times_seconds=[t + shift for t in alignment.character_start_times_seconds],
        character_end_times_seconds=[t + shift for t in alignment.character_end_times_seconds],
    )


def whole_samples(chunks: Iterator[SpeechChunk], sample_width: int = 2) -> Iterator[SpeechChunk]:
    """Re-cut PCM so no 16-bit sample is split between chunks (the API may split one)."""
    carry = b""
    for chunk in chunks:
        data = carry + chunk.audio
        cut = len(data) - (len(data) % sample_width)
        carry = data[cut:]
        yield SpeechChunk(audio=data[:cut], alignment=chunk.alignment, normalized_alignment=chunk.normalized_alignment)
    if carry:
        log.debug("dropped %d trailing byte(s) that were not a whole PCM sample", len(carry))
