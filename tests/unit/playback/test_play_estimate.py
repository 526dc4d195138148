"""The time bar's length estimate while a Play streams in (PlaySession.estimated_total).

The player reads the take's size live: a chunk's audio is in the take before the worker's
event with that chunk's timings reaches the GUI thread. The estimate must come from a pair
of one moment (the timings and the audio that came with them), never the live size over
older timings (it showed twice the length after the second chunk).
"""

from __future__ import annotations

import pytest

from studio.cancel import CancelToken
from studio.core.render_inputs import render_inputs
from studio.core.script import Script
from studio.core.script.document import paragraph_spans
from studio.playback.pcm_buffer import BYTES_PER_FRAME, PcmBuffer
from studio.playback.stream_job import BlockStarted, StreamProgress, play_job
from studio.ui.play_session import PlaySession
from tests.integration.player.tone_backend import ToneBackend

TEXT = "The quick brown fox jumps over the lazy dog. Then it naps."


def test_the_estimate_is_the_same_whether_or_not_the_newest_timings_have_arrived() -> None:
    backend = ToneBackend(realtime_factor=0.0)
    inputs = render_inputs(backend, voice_id="tone", model_id="tone_v1")
    rate = int(inputs.settings.output_format.split("_")[1])
    script = Script.from_text(TEXT)
    buffer = PcmBuffer()
    session = PlaySession.of(TEXT, paragraph_spans(TEXT), script, [0], inputs)
    expected = len(TEXT) * backend.char_seconds
    estimates = []
    for event in play_job(CancelToken(), inputs, script, [0], buffer, None):
        if isinstance(event, BlockStarted):
            session.block_started(event)
        elif isinstance(event, StreamProgress):
            # The moment the player already plays this chunk's audio and the session still
            # has only the timings before it (the event is on its way to the GUI thread).
            live = (buffer.size // BYTES_PER_FRAME) / rate
            if session.covered_chars() > 0:
                estimates.append(session.estimated_total(live))
            session.add_progress(event)
            assert session.estimated_total(live) == pytest.approx(expected, rel=0.2)
    assert len(estimates) >= 3
    for estimate in estimates:
        assert estimate == pytest.approx(expected, rel=0.2)
