"""Play with a pause tag and a rewritten word, on the real offline voice: the highlight waits
through the silence, never lights the tag, and lights the word as written."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from studio.cancel import CancelToken
from studio.core.backends.offline import MODEL_ID, OfflineBackend
from studio.core.render_inputs import render_inputs
from studio.core.script import Script
from studio.core.script.document import paragraph_spans
from studio.core.script.spoken import Rewrite
from studio.playback.pcm_buffer import PcmBuffer
from studio.playback.stream_job import BlockStarted, StreamProgress, play_job
from studio.ui.play_session import PlaySession

pytestmark = pytest.mark.slow
TAG = '<break time="1.5s" />'
TEXT = f"A short start.\n\nThe keeper waited. {TAG} Then Nguyen came."


def _nguyen(text: str) -> list[Rewrite]:
    at = text.find("Nguyen")
    return [Rewrite(at, at + 6, "win", "nguyen")] if at >= 0 else []


def test_the_highlight_waits_through_a_pause_and_lights_the_word_as_written() -> None:
    backend = OfflineBackend()
    inputs = render_inputs(backend, voice_id="offline-en_US-joe-medium", model_id=MODEL_ID)
    inputs = replace(inputs, settings=replace(inputs.settings, seed=3, rewriter=_nguyen))
    script = Script.from_text(TEXT)
    buffer = PcmBuffer()
    spans = paragraph_spans(TEXT)
    session = PlaySession.of(TEXT, spans, script, [0, 1], inputs)
    events = list(play_job(CancelToken(), inputs, script, [0, 1], buffer, None))
    for event in events:
        if isinstance(event, BlockStarted):
            session.block_started(event)
        elif isinstance(event, StreamProgress):
            session.add_progress(event)
    rate = inputs.settings.output_format.split("_")[1]
    pcm = np.frombuffer(buffer.read(), dtype="<i2")
    seconds = pcm.size / int(rate)
    lit = {t: session.lit_at(t) for t in np.arange(0.0, seconds, 0.01)}
    tag_start = TEXT.index(TAG)
    tag = range(tag_start, tag_start + len(TAG))
    assert not any(i in tag for i in lit.values() if i is not None)  # the tag is never lit
    # The pause: 1.5 s of zeros in the track; all through it the last word said stays lit.
    zero = np.concatenate(([0], (pcm == 0).astype(np.int8), [0]))
    edges = np.flatnonzero(np.diff(zero))
    longest = int(np.argmax(edges[1::2] - edges[::2]))
    start, end = edges[::2][longest] / int(rate), edges[1::2][longest] / int(rate)
    assert end - start >= 1.5
    during = {lit[t] for t in lit if start + 0.05 < t < end - 0.05}
    assert len(during) == 1 and during.pop() < tag_start  # waiting on "waited." (or the space after it)
    # The rewritten word: spoken "win", lit on "Nguyen" as written.
    nguyen = TEXT.index("Nguyen")
    assert any(i is not None and nguyen <= i < nguyen + 6 for i in lit.values())
    ranges = [session.ranges(i)[1] for i in lit.values() if i is not None and nguyen <= i < nguyen + 6]
    assert (nguyen, nguyen + 6) in ranges  # the whole word as written is highlighted
