"""Audio pushed into the take reaches the sound output at once (studio/playback/pcm_player.py).

The worker pushes into the take on its own thread; the player is woken by the push itself,
not by the feeder's 10 ms timer nor by the controller after the worker's event has crossed
to the GUI thread (which waits for the chunk's timings to be parsed too).
"""

from __future__ import annotations

import threading

import numpy as np

from studio.playback.pcm_buffer import PcmBuffer
from studio.playback.pcm_player import PcmPlayer

RATE = 24000


def test_a_push_from_the_worker_thread_feeds_the_sink_without_the_timer(qtbot) -> None:
    player = PcmPlayer()
    take = PcmBuffer()
    tone = (np.sin(np.arange(RATE // 10) * 2 * np.pi * 440 / RATE) * 8000).astype("<i2").tobytes()  # 100 ms
    try:
        player.load(RATE, take)
        assert player.play()
        player._timer.stop()  # only the push may wake the player now
        qtbot.wait(50)
        assert player.first_write_at is None  # nothing has arrived, nothing was written
        pusher = threading.Thread(target=take.push, args=(tone,))
        pusher.start()
        pusher.join()
        qtbot.waitUntil(lambda: player.first_write_at is not None, timeout=3000)
        qtbot.waitUntil(lambda: take.unplayed == 0, timeout=3000)  # all of it went to the sink
    finally:
        player.shutdown()


def test_a_take_no_longer_wakes_the_player_once_another_is_loaded(qtbot) -> None:
    player = PcmPlayer()
    old, new = PcmBuffer(), PcmBuffer()
    try:
        player.load(RATE, old)
        player.load(RATE, new)
        assert old.on_data is None and new.on_data is not None
    finally:
        player.shutdown()
    assert new.on_data is None
