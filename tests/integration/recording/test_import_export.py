"""A recording imported with the offline recogniser exports like generated speech: the plan
needs nothing, the exported WAV is the recording sample for sample, and its subtitles start
when each paragraph's first word was said."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile
import srt

from studio.core.backends.offline import MODEL_ID, OfflineBackend
from studio.core.cache import SpeechCache
from studio.core.exporter import ExportOptions, export_plan
from studio.core.recording import import_recording
from studio.core.recording.aligners import OfflineAligner
from studio.core.render_inputs import render_inputs
from studio.core.script import Script, plan_render
from tests.fixtures.recording import narration

pytestmark = pytest.mark.slow
OFFLINE_VOICE = "offline-en_US-joe-medium"
TOLERANCE_S = 0.05


def test_imported_recording_exports_as_itself_with_subtitles(tmp_path: Path) -> None:
    speech = narration()
    script = Script.from_text(speech.text)
    cache = SpeechCache(tmp_path / "cache")
    result = import_recording(script, speech.write(tmp_path, "take", "wav"), OfflineAligner(), cache)
    assert result.loss == 0.0 and result.aligner == "the offline recogniser (pocketsphinx)"
    for block_id, take in result.takes.items():
        script.add_take(block_id, take)

    backend = OfflineBackend()
    inputs = render_inputs(backend, voice_id=OFFLINE_VOICE, model_id=MODEL_ID)
    plan = plan_render(script, inputs.settings, inputs.capabilities, cache)
    assert plan.requests_needed == 0 and plan.credits_needed == 0
    out = tmp_path / "story.wav"
    exported = export_plan(plan, backend, ExportOptions(out, subtitle_formats=("srt",)), script=script, cache=cache,
                           source=speech.text)
    assert exported.new_takes == {}
    audio, rate = soundfile.read(out, dtype="int16")
    assert rate == speech.sample_rate
    assert np.array_equal(audio, np.frombuffer(speech.pcm, dtype="<i2"))  # the recording, sample for sample
    cues = list(srt.parse((tmp_path / "story.srt").read_text()))
    for paragraph, known in zip(speech.paragraphs, speech.first_word_starts, strict=True):
        first = next(c for c in cues if " ".join(c.content.split()).startswith(" ".join(paragraph.split()[:3])))
        assert abs(first.start.total_seconds() - known) < TOLERANCE_S
