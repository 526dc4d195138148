"""What you see is what you wrote (issue 12, point 4), at core level with real speech:
a rule "Nguyen → win" applied on our side (offline voice) is heard as "win", while the
highlight clock and the subtitle timeline both show and time the script's "Nguyen".
"""

from __future__ import annotations

from pathlib import Path

from studio.core.alignment_clock import AlignedPiece, AlignmentClock
from studio.core.backends.offline import MODEL_ID, OfflineBackend
from studio.core.cache import SpeechCache
from studio.core.pronunciation import AliasRule, PronunciationDictionary
from studio.core.pronunciation.render import for_render
from studio.core.render import BlockAudio, render
from studio.core.render_inputs import render_inputs
from studio.core.script import Script, plan_render
from studio.core.timeline import Timeline
from studio.offline.voices import bundled_voice

TEXT = "Doctor Nguyen opened the door."
NAMES = PronunciationDictionary("project:test", "Names", (AliasRule("Nguyen", "win"),))


def test_nguyen_spoken_as_win_is_lit_and_subtitled_as_nguyen(tmp_path: Path) -> None:
    backend = OfflineBackend()
    try:
        inputs = render_inputs(backend, voice_id=bundled_voice().voice_id, model_id=MODEL_ID)
        inputs, notes = for_render(inputs, [NAMES])
        assert notes == [] and not inputs.pronunciation.applied_by_server  # offline: applied here
        script = Script.from_text(TEXT)
        plan = plan_render(script, inputs.settings, inputs.capabilities, SpeechCache(tmp_path / "cache"))
        assert [p.text for p in plan.parts] == ["Doctor win opened the door."]  # what the voice is sent
        delivered: list[BlockAudio] = []
        render(plan, script, backend, cache=SpeechCache(tmp_path / "cache"), on_block=delivered.append)
    finally:
        backend.close()
    (audio,) = delivered
    (segment,) = audio.segments
    (speech,) = audio.speeches
    assert speech is not None and "win" in "".join(speech.alignment.characters)  # heard: "win"

    # Subtitles: the timeline of the export.
    timeline = Timeline(speech.sample_rate, TEXT)
    timeline.add_segment(segment, speech.n_samples, speech.alignment)
    words = timeline.words()
    assert [w.text for w in words] == TEXT.split()
    nguyen = words[1]
    assert (nguyen.script_start, nguyen.script_end) == (7, 13) and nguyen.end_sample > nguyen.start_sample

    # The highlight: the clock of the live player.
    clock = AlignmentClock(TEXT)
    clock.continue_at(0, segment.spoken)
    clock.add(AlignedPiece.from_alignment(speech.alignment))
    middle = (nguyen.start_sample + nguyen.end_sample) / 2 / speech.sample_rate
    lit = clock.char_at(middle)
    assert lit is not None and 7 <= lit < 13  # a letter of "Nguyen" is lit while "win" plays
    assert clock.start_of(7) is not None  # click-to-seek on "Nguyen" works
