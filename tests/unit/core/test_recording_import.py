"""A recording becomes takes of its paragraphs (studio.core.recording): slicing, the plan's rule
for recording takes, and the refusals that leave the script untouched.

The aligner here answers with times written out by hand (for a recording made of tones at known
places), so these tests pin the arithmetic; the real recogniser and the real server are in
tests/integration/recording/ and tests/integration/server/test_forced_alignment.py.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from studio.api.forced_alignment import AlignedCharacter, AlignedWord, ForcedAlignment
from studio.api.models import VoiceSettings
from studio.cancel import CancelToken
from studio.core.audio import wav_bytes
from studio.core.cache import SpeechCache
from studio.core.recording import Recording, RecordingError, import_recording
from studio.core.recording.importer import RecordingMismatchError
from studio.core.script import BlockStatus, Capabilities, RenderSettings, Script, plan_render
from studio.core.script.records import blocks_to_json, script_from_json

RATE = 16_000
TEXT = "Hello there.\n\n* * *\n\nSecond paragraph here."
#: (word, start, end) in seconds: where the tones are.
WORDS = [("Hello", 0.5, 0.9), ("there.", 1.0, 1.4), ("Second", 3.0, 3.5), ("paragraph", 3.6, 4.2), ("here.", 4.3, 4.6)]
DURATION = 5.0


def _tones() -> bytes:
    samples = np.zeros(int(DURATION * RATE), dtype=np.float64)
    for _, start, end in WORDS:
        t = np.arange(int(start * RATE), int(end * RATE))
        samples[t] = 0.5 * np.sin(2 * math.pi * 440 * t / RATE)
    return (samples * 32767).astype("<i2").tobytes()


def _alignment(text: str, loss: float = 0.01) -> ForcedAlignment:
    """What an aligner answers: every character of the text, letters timed within their word."""
    chars: list[AlignedCharacter] = []
    words: list[AlignedWord] = []
    position, previous_end = 0, 0.0
    for word, start, end in WORDS:
        at = text.index(word, position)
        for k in range(position, at):  # the gap before the word
            chars.append(AlignedCharacter(text=text[k], start=previous_end, end=start))
        step = (end - start) / len(word)
        for k, c in enumerate(word):
            chars.append(AlignedCharacter(text=c, start=start + k * step, end=start + (k + 1) * step))
        words.append(AlignedWord(text=word, start=start, end=end, loss=loss))
        position, previous_end = at + len(word), end
    return ForcedAlignment(characters=chars, words=words, loss=loss)


class HandAligner:
    id = "hand"
    name = "the hand-written aligner"

    def __init__(self, loss: float = 0.01) -> None:
        self.loss = loss
        self.calls = 0

    def align(self, recording: Recording, data: bytes, text: str, cancel: CancelToken | None) -> ForcedAlignment:
        self.calls += 1
        return _alignment(text, self.loss)


@pytest.fixture
def take_file(tmp_path: Path) -> Path:
    path = tmp_path / "my take.wav"
    path.write_bytes(wav_bytes(_tones(), RATE))
    return path


def _settings(**changes: object) -> RenderSettings:
    values: dict[str, object] = dict(voice_id="v1", model_id="eleven_multilingual_v2",
                                     voice_settings=VoiceSettings(stability=0.4))
    values.update(changes)
    return RenderSettings(**values)  # type: ignore[arg-type]


def _caps(model_id: str = "eleven_multilingual_v2") -> Capabilities:
    return Capabilities("elevenlabs", model_id, None, "creator")


def test_each_spoken_paragraph_gets_a_slice_and_the_slices_are_the_recording(take_file: Path, tmp_path: Path) -> None:
    script = Script.from_text(TEXT)
    cache = SpeechCache(tmp_path / "cache")
    result = import_recording(script, take_file, HandAligner(), cache)
    assert [s.block_index for s in result.slices] == [0, 2]  # "* * *" has nothing to time
    first, second = result.slices
    # Cut halfway through the silence between the last letter of "there." and "Second" (3.0 s).
    cut = round(((1.0 + 0.4 * 5 / 6) + 3.0) / 2 * RATE)
    assert (first.start_sample, first.end_sample) == (0, cut)
    assert (second.start_sample, second.end_sample) == (cut, int(DURATION * RATE))
    # Times are the slice's own: "Second" starts 0.8 s into the second slice.
    assert second.alignment.characters[0] == "S"
    assert second.alignment.character_start_times_seconds[0] == pytest.approx(3.0 - cut / RATE, abs=1e-3)
    assert "".join(second.alignment.characters) == "Second paragraph here."
    # The audio laid end to end is the recording, sample for sample.
    stored = [cache.get(result.takes[script.blocks[s.block_index].id].cache_keys[0]) for s in result.slices]
    assert all(s is not None for s in stored)
    assert b"".join(s.pcm for s in stored if s is not None) == _tones()
    take = result.takes[script.blocks[0].id]
    assert take.is_recording and take.recording == "my take.wav" and take.credit_cost == 0.0
    assert script.blocks[0].takes == []  # the caller adds the takes; the snapshot is not changed


def test_a_recording_take_is_played_whatever_voice_and_is_never_generated(take_file: Path, tmp_path: Path) -> None:
    script = Script.from_text(TEXT)
    cache = SpeechCache(tmp_path / "cache")
    result = import_recording(script, take_file, HandAligner(), cache)
    for block_id, take in result.takes.items():
        script.add_take(block_id, take)
    for settings in (_settings(), _settings(voice_id="another"), _settings(seed=5), _settings(model_id="eleven_v3")):
        plan = plan_render(script, settings, _caps(settings.model_id), cache)
        assert plan.requests_needed == 0 and plan.credits_needed == 0
        assert [plan.status(b.id) for b in script] == [BlockStatus.TAKE, BlockStatus.NOTHING_TO_SPEAK, BlockStatus.TAKE]
        assert plan.block(script.blocks[0].id).recording and plan.block(script.blocks[0].id).never_generated
    # Its audio gone from the cache: silent and said so, never replaced by generated speech.
    cache.discard(script.blocks[2].chosen_take.cache_keys[0])  # type: ignore[union-attr]
    plan = plan_render(script, _settings(), _caps(), cache)
    assert plan.block(script.blocks[2].id).missing_audio and plan.requests_needed == 0
    assert any("my take.wav" in w and "import the recording again" in w for w in plan.warnings)
    # Edited words are no longer what was recorded: that paragraph is made again (only it).
    script.reconcile(script.text.replace("Hello there.", "Hello over there."))
    plan = plan_render(script, _settings(), _caps(), cache)
    assert plan.status(script.blocks[0].id) is BlockStatus.NEEDS_GENERATION and plan.requests_needed == 1
    # Regenerate asks for a generated take in place of the recording.
    script2 = Script.from_text(TEXT)
    again = import_recording(script2, take_file, HandAligner(), cache)
    for block_id, take in again.takes.items():
        script2.add_take(block_id, take)
    plan = plan_render(script2, _settings(), _caps(), cache, regenerate=[script2.blocks[0].id])
    assert plan.status(script2.blocks[0].id) is BlockStatus.NEEDS_GENERATION


def test_recording_takes_survive_a_project_save(take_file: Path, tmp_path: Path) -> None:
    script = Script.from_text(TEXT)
    result = import_recording(script, take_file, HandAligner(), SpeechCache(tmp_path / "cache"))
    for block_id, take in result.takes.items():
        script.add_take(block_id, take)
    loaded = script_from_json(blocks_to_json(script))
    assert loaded.blocks[0].chosen_take is not None and loaded.blocks[0].chosen_take.recording == "my take.wav"
    assert loaded.blocks[1].chosen_take is None


def test_not_audio_is_refused_naming_the_file_and_nothing_is_aligned(tmp_path: Path) -> None:
    path = tmp_path / "notes.mp3"
    path.write_text("These are my notes, not a recording.\n" * 20)
    aligner = HandAligner()
    with pytest.raises(RecordingError) as caught:
        import_recording(Script.from_text(TEXT), path, aligner, SpeechCache(tmp_path / "cache"))
    assert "“notes.mp3” is not audio" in caught.value.cause and "WAV, FLAC or MP3" in caught.value.remedy
    assert aligner.calls == 0


def test_a_silent_recording_is_refused_before_anyone_times_it(tmp_path: Path) -> None:
    path = tmp_path / "muted.wav"
    path.write_bytes(wav_bytes(b"\0\0" * RATE * 3, RATE))
    aligner = HandAligner()
    with pytest.raises(RecordingError) as caught:
        import_recording(Script.from_text(TEXT), path, aligner, SpeechCache(tmp_path / "cache"))
    assert "“muted.wav” is silent" in caught.value.cause and "microphone" in caught.value.remedy
    assert aligner.calls == 0


def test_a_recording_of_another_text_is_refused_and_stores_nothing(take_file: Path, tmp_path: Path) -> None:
    cache = SpeechCache(tmp_path / "cache")
    with pytest.raises(RecordingMismatchError) as caught:
        import_recording(Script.from_text(TEXT), take_file, HandAligner(loss=0.9), cache)
    assert "“my take.wav” does not seem to read this script" in caught.value.cause
    assert "10%" in caught.value.cause and "edit the script" in caught.value.remedy
    assert cache.size_bytes() == 0


def test_cancel_stops_before_anything_is_stored(take_file: Path, tmp_path: Path) -> None:
    from studio.cancel import Cancelled

    token = CancelToken()
    cache = SpeechCache(tmp_path / "cache")

    def stop_when_timing(progress) -> None:  # type: ignore[no-untyped-def]
        if progress.stage.startswith("Checking"):
            token.cancel()

    with pytest.raises(Cancelled):
        import_recording(Script.from_text(TEXT), take_file, HandAligner(), cache, cancel=token,
                         on_progress=stop_when_timing)
    assert cache.size_bytes() == 0


@pytest.mark.parametrize("fmt", ["WAV", "FLAC"])
def test_a_stereo_file_is_read_as_one_voice(tmp_path: Path, fmt: str) -> None:
    import io

    import soundfile

    from studio.core.recording import decode_recording

    left = np.frombuffer(_tones(), dtype="<i2")
    stereo = np.stack([left, left // 2], axis=1)
    buffer = io.BytesIO()
    soundfile.write(buffer, stereo, RATE, format=fmt, subtype="PCM_16")
    recording = decode_recording(buffer.getvalue(), f"take.{fmt.lower()}")
    assert recording.sample_rate == RATE and recording.n_samples == left.size
    mono = np.frombuffer(recording.pcm, dtype="<i2").astype(np.int32)
    assert np.abs(mono - (left.astype(np.int32) + left // 2) // 2).max() <= 1
