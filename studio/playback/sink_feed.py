"""What the player writes to the sink next: the take's audio at the output's own sample rate.

Why: a 24 kHz stream into a 48 kHz sound output is resampled by the sound server, and on
PulseAudio that costs time before it is heard: measured at a null sink's monitor, the first
sound came 25–30 ms after the first write at 24 kHz and 12–14 ms at the sink's 48 kHz
(bench/player.py). So the player opens the output at the device's preferred rate and
resamples here, with the studio's one streaming resampler (:class:`studio.core.audio.Resampler`:
output sample n sits at input time n·in/out, so positions map exactly and no delay is added).
At the same rate it passes the bytes through.

Qt-free: it reads the take, resamples, and keeps what the sink could not take yet.
"""

from __future__ import annotations

from studio.core.audio import Resampler
from studio.playback.pcm_buffer import BYTES_PER_FRAME, PcmBuffer


class SinkFeed:
    """One run of the sink: from take byte ``cursor`` on, at ``sink_rate``."""

    SLICE_BYTES = 1024
    #: The first offer of a run is this short: resampling a whole sink buffer (150 ms) before
    #: the first byte goes out delayed the first sound by 1-2.5 ms (more on the first call of
    #: a process); the player offers the rest straight after (see PcmPlayer._tick).
    FIRST_MS = 10

    def __init__(self, take: PcmBuffer, take_rate: int, sink_rate: int, cursor: int) -> None:
        self.take = take
        self.take_rate = take_rate
        self.sink_rate = sink_rate
        #: Next byte of the take to read.
        self.cursor = cursor
        self._resampler = None if take_rate == sink_rate else Resampler(take_rate, sink_rate)
        self._pending = b""  # resampled audio the sink has not taken yet
        self._flushed = False
        self._handed = 0  # bytes the sink has taken in this run (offered minus handed back)

    def next_bytes(self, free: int, input_complete: bool) -> bytes:
        """Up to ``free`` bytes (whole frames) for the sink; hand back what it did not take with :meth:`unwritten`."""
        if not self._handed:
            first = self.sink_rate * BYTES_PER_FRAME * self.FIRST_MS // 1000
            free = min(free, first - first % BYTES_PER_FRAME)
        data = self._next(free, input_complete)
        self._handed += len(data)
        return data

    def _next(self, free: int, input_complete: bool) -> bytes:
        if self._resampler is None:
            data = self.take.read(self.cursor, free)
            self.cursor += len(data)
            return data
        if len(self._pending) < free:
            needed = (free - len(self._pending)) * self.take_rate // self.sink_rate + BYTES_PER_FRAME
            needed -= needed % BYTES_PER_FRAME
            data = self.take.read(self.cursor, needed)
            self.cursor += len(data)
            # In slices: the resampler's working arrays grow with what one push produces
            # (tens of bytes per sample), and the GUI thread should not hold megabytes for it.
            for start in range(0, len(data), self.SLICE_BYTES):
                self._pending += self._resampler.push(data[start:start + self.SLICE_BYTES])
            if input_complete and self.cursor >= self.take.size and not self._flushed:
                self._flushed = True
                self._pending += self._resampler.flush()
        out, self._pending = self._pending[:free], self._pending[free:]
        return out

    def unwritten(self, data: bytes) -> None:
        """The sink took less than offered: these bytes (the end of the offer) come first next time."""
        if not data:
            return
        self._handed -= len(data)
        if self._resampler is None:
            self.cursor -= len(data)
        else:
            self._pending = data + self._pending

    def done(self, input_complete: bool) -> bool:
        """Everything of the take has been handed to the sink."""
        if not input_complete or self.cursor < self.take.size or self._pending:
            return False
        return self._resampler is None or self._flushed


def warm_resampler(take_rate: int = 24000, sink_rate: int = 48000) -> None:
    """Run the resampler once, so the first sound does not pay numpy's first-call costs
    (a few ms, measured on the first play of a process). Meant for a background thread."""
    Resampler(take_rate, sink_rate).push(bytes(SinkFeed.SLICE_BYTES))
