"""A bounded, thread-safe hand-over of PCM bytes from a stream worker to the player.

The worker thread ``push``es decoded audio as it arrives; the player's feeder on the GUI
thread ``read``s it without ever blocking. Streamed chunks may cut a 16-bit frame in two
(an odd byte count): the odd byte is held back until its partner arrives, so the reader only
ever sees whole frames. When the buffer is full, ``push`` waits (the worker, never the GUI)
until the reader makes room or the work is cancelled — memory stays bounded even if the
network outruns playback and the GUI thread is slow to drain.

Qt-free on purpose: it is plain threading, unit-testable without an event loop.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from studio.core.cancel import Cancelled, CancelToken

BYTES_PER_FRAME = 2  # s16le mono


class PcmBuffer:
    def __init__(self, capacity_bytes: int = 8 * 1024 * 1024, frame_bytes: int = BYTES_PER_FRAME) -> None:
        if capacity_bytes < frame_bytes:
            raise ValueError("capacity must hold at least one frame")
        self._capacity = capacity_bytes - capacity_bytes % frame_bytes
        self._frame = frame_bytes
        self._data = bytearray()
        self._partial = b""  # bytes of a frame cut by a chunk boundary
        self._closed = False
        self._pushed_frames = 0
        self._lock = threading.Lock()
        self._room = threading.Condition(self._lock)
        #: Called (from the pushing thread) after whole frames became readable.
        self.on_data: Callable[[], None] | None = None

    @property
    def capacity(self) -> int:
        return self._capacity

    def push(self, data: bytes, cancel: CancelToken | None = None, poll_s: float = 0.05) -> None:
        """Append ``data``; waits while the buffer is full. Raises Cancelled if ``cancel`` fires."""
        if not data:
            return
        with self._lock:
            if self._closed:
                raise ValueError("push after close")
            joined = self._partial + bytes(data)
            whole = len(joined) - len(joined) % self._frame
            self._partial = joined[whole:]
            view = memoryview(joined)[:whole]
            offset = 0
            while offset < whole:
                room = self._capacity - len(self._data)
                if room <= 0:
                    if cancel is not None and cancel.cancelled:
                        raise Cancelled()
                    self._room.wait(poll_s)
                    if self._closed:
                        return
                    continue
                take = min(room, whole - offset)
                self._data += view[offset : offset + take]
                self._pushed_frames += take // self._frame
                offset += take
                if self.on_data is not None:
                    self._lock.release()
                    try:
                        self.on_data()
                    finally:
                        self._lock.acquire()

    def read(self, max_bytes: int | None = None) -> bytes:
        """Up to ``max_bytes`` (whole frames) of what is waiting; b"" if nothing. Never blocks long."""
        with self._lock:
            size = len(self._data) if max_bytes is None else min(max_bytes, len(self._data))
            size -= size % self._frame
            if size <= 0:
                return b""
            out = bytes(self._data[:size])
            del self._data[:size]
            self._room.notify_all()
            return out

    def close(self) -> None:
        """No more audio is coming (end of stream, failure or cancel). A dangling half frame is dropped."""
        with self._lock:
            self._closed = True
            self._partial = b""
            self._room.notify_all()

    @property
    def closed(self) -> bool:
        with self._lock:
            return self._closed

    @property
    def available(self) -> int:
        with self._lock:
            return len(self._data)

    @property
    def drained(self) -> bool:
        """Closed and everything read: the stream's audio has all been handed over."""
        with self._lock:
            return self._closed and not self._data

    @property
    def pushed_frames(self) -> int:
        with self._lock:
            return self._pushed_frames
