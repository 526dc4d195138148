"""One take's audio, stored once: written by the stream worker, played and kept by the player.

The worker thread ``push``es audio as it arrives; the player on the GUI thread ``read``s from
any offset without ever blocking (to feed the sink, to seek, to replay), and the worker stores
each finished part in the speech cache straight from here (:meth:`view`). There is no other
copy: the player does not move the audio into a track of its own and the worker keeps no list.

Memory stays bounded whatever the network does: audio that has arrived but has not yet been
handed to the sound output is at most ``capacity_bytes``. When that much is waiting — the
network outruns playback, or playback is paused — ``push`` waits (in the worker, never the
GUI) until the player reports progress with :meth:`mark_played` or the work is cancelled.
Audio already played stays, so any part of the take can be heard again.

Streamed chunks may cut a 16-bit frame in two (an odd byte count): the odd byte is held back
until its partner arrives, so readers only ever see whole frames.

Qt-free on purpose: plain threading, unit-testable without an event loop.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from studio.cancel import Cancelled, CancelToken

BYTES_PER_FRAME = 2  # s16le mono
#: Audio waiting to be played, at most: ≈ 87 s at 24 kHz (what the bound costs, not the take).
DEFAULT_CAPACITY_BYTES = 4 * 1024 * 1024


class PcmBuffer:
    def __init__(self, capacity_bytes: int = DEFAULT_CAPACITY_BYTES, frame_bytes: int = BYTES_PER_FRAME,
                 pcm: bytes = b"") -> None:
        if capacity_bytes < frame_bytes:
            raise ValueError("capacity must hold at least one frame")
        self._capacity = capacity_bytes - capacity_bytes % frame_bytes
        self._frame = frame_bytes
        self._data = bytearray(pcm[: len(pcm) - len(pcm) % frame_bytes])
        self._partial = b""  # bytes of a frame cut by a chunk boundary
        self._closed = False
        self._played = 0  # furthest byte handed to the sound output (a high-water mark)
        self._lock = threading.Lock()
        self._room = threading.Condition(self._lock)
        #: Called (from the pushing thread) after whole frames became readable.
        self.on_data: Callable[[], None] | None = None
        #: time.monotonic() of the first push (benchmarks: where the first sound's delay goes).
        self.first_push_at: float | None = None

    @classmethod
    def of(cls, pcm: bytes) -> PcmBuffer:
        """A finished take: ``pcm`` as it is, nothing more to come."""
        buffer = cls(pcm=pcm)
        buffer.close()
        return buffer

    @property
    def capacity(self) -> int:
        return self._capacity

    # -- the worker's side ------------------------------------------------------------------

    def push(self, data: bytes, cancel: CancelToken | None = None, poll_s: float = 0.05) -> None:
        """Append ``data``; waits while ``capacity`` bytes are unplayed. Raises Cancelled if ``cancel`` fires."""
        if not data:
            return
        if self.first_push_at is None:
            self.first_push_at = time.monotonic()
        with self._lock:
            if self._closed:
                raise ValueError("push after close")
            joined = self._partial + bytes(data) if self._partial else data
            whole = len(joined) - len(joined) % self._frame
            self._partial = bytes(joined[whole:])
            view = memoryview(joined)[:whole]
            offset = 0
            while offset < whole:
                room = self._capacity - (len(self._data) - self._played)
                if room <= 0:
                    if cancel is not None and cancel.cancelled:
                        raise Cancelled()
                    self._room.wait(poll_s)
                    if self._closed:
                        return
                    continue
                take = min(room - room % self._frame, whole - offset)
                self._data += view[offset : offset + take]
                offset += take
                if self.on_data is not None:
                    self._lock.release()
                    try:
                        self.on_data()
                    finally:
                        self._lock.acquire()

    def close(self) -> None:
        """No more audio is coming (end of stream, failure or cancel). A dangling half frame is dropped."""
        with self._lock:
            self._closed = True
            self._partial = b""
            self._room.notify_all()

    @contextmanager
    def view(self, start: int, end: int) -> Iterator[memoryview]:
        """The take's bytes ``start:end`` without copying them (e.g. to store a part in the cache).

        Only for the pushing thread, between pushes: while the view is held the take cannot grow.
        """
        with memoryview(self._data) as whole, whole[start:end] as part:
            yield part

    # -- the player's side ------------------------------------------------------------------

    def read(self, start: int = 0, max_bytes: int | None = None) -> bytes:
        """A copy of up to ``max_bytes`` (whole frames) from byte ``start``; b"" if none. Never blocks long."""
        with self._lock:
            end = len(self._data) if max_bytes is None else min(len(self._data), start + max_bytes)
            end -= (end - start) % self._frame
            if end <= start:
                return b""
            return bytes(self._data[start:end])

    def mark_played(self, end: int) -> None:
        """The player has handed everything before byte ``end`` to the sound output: room for more."""
        with self._lock:
            if end > self._played:
                self._played = min(end, len(self._data))
                self._room.notify_all()

    def skip_to(self, end: int) -> None:
        """Playback starts at byte ``end``, possibly before the audio there has arrived (▶ from a
        place on the time bar): what comes before it will not be played, so it never counts
        against the bound — else the worker would wait for room that only playing it could make."""
        with self._lock:
            if end > self._played:
                self._played = end
                self._room.notify_all()

    # -- state --------------------------------------------------------------------------------

    @property
    def size(self) -> int:
        """Bytes received so far (whole frames)."""
        with self._lock:
            return len(self._data)

    def __len__(self) -> int:
        return self.size

    @property
    def closed(self) -> bool:
        with self._lock:
            return self._closed

    @property
    def unplayed(self) -> int:
        """Bytes received but never yet handed to the sound output (bounded by ``capacity``)."""
        with self._lock:
            return max(0, len(self._data) - self._played)

    @property
    def pushed_frames(self) -> int:
        with self._lock:
            return len(self._data) // self._frame
