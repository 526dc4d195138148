"""The player's audio clock: how much of a sink run has been *heard*. Qt-free.

Two measures, the smaller wins (neither can be ahead of the sound):

* Qt's: what the sound server has *taken* from the stream (``processedUSecs``, never more
  than what was written minus what still sits in the sink's own buffer). It moves in steps
  (about 12 ms on PulseAudio) while the sound moves continuously, so between two steps it
  advances with wall time, by at most :attr:`HeardClock.STEP_MAX_S`. Taken is not heard: on
  PulseAudio the server still holds it 12–40 ms (measured at a null sink's monitor,
  bench/player.py), so without a fresh measurement it is taken less the last measured
  downstream delay.
* The sound server's (:class:`~studio.playback.pulse_latency.LatencyProbe`): at time t the
  sound heard was what Qt said was taken at t less the latency the server measured at t; the
  sound moves with wall time, so the clock is ``now - c`` with ``c`` (when the run's start
  was heard) the median over the last answers.

It never goes backwards within a run.
"""

from __future__ import annotations

import bisect
import statistics
from collections import deque
from collections.abc import Sequence


class HeardClock:
    STEP_MAX_S = 0.03
    #: Answers of the probe used (the median of them).
    ANSWERS = 5

    def __init__(self) -> None:
        #: (time read, seconds taken) at every reading: Qt's steps, to pair with the probe's times.
        self._taken_log: deque[tuple[float, float]] = deque(maxlen=512)
        self._anchor = -1.0
        self._anchor_at = 0.0
        self._last = 0.0
        #: The last measured delay between Qt's measure and the sound (kept across runs).
        self.downstream_s = 0.0

    def start_run(self) -> None:
        self._taken_log.clear()
        self._anchor, self._anchor_at, self._last = -1.0, 0.0, 0.0

    def read(self, now: float, taken_s: float, moving: bool,
             answers: Sequence[tuple[float, float]]) -> float:
        """Seconds of the run heard at ``now``.

        ``taken_s``: what Qt says the server has taken; ``moving``: the output is playing (not
        starved or suspended); ``answers``: the probe's ``(t, latency_s)`` for this run, oldest first.
        """
        self._taken_log.append((now, taken_s))
        if taken_s != self._anchor:
            self._anchor, self._anchor_at = taken_s, now
            qt_clock = taken_s
        elif taken_s > 0 and moving:
            qt_clock = taken_s + min(now - self._anchor_at, self.STEP_MAX_S)
        else:
            qt_clock = taken_s  # the sound is not moving
        measured = self._measured(now, answers)
        if measured is None:
            estimate = max(0.0, qt_clock - self.downstream_s)
        else:
            if moving and taken_s > 0:
                self.downstream_s = max(0.0, qt_clock - measured)
            estimate = min(qt_clock, measured)
        self._last = max(self._last, estimate)
        return self._last

    def _measured(self, now: float, answers: Sequence[tuple[float, float]]) -> float | None:
        log = list(self._taken_log)
        times = [seen for seen, _value in log]
        offsets = []
        for t, latency in list(answers)[-self.ANSWERS:]:
            after = bisect.bisect_left(times, t)
            # What Qt said was taken at t is known only if the readings just before and just
            # after t agree (else a step came in between, and which side t is on is unknown).
            if 0 < after < len(log) and log[after - 1][1] == log[after][1] and log[after][1] > 0:
                offsets.append(t - (log[after][1] - latency))
        if not offsets:
            return None
        return max(0.0, now - statistics.median(offsets))
