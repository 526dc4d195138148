"""``narration-studio align``: real offline-voice speech, written as a recording file, timed back
against its script; the subtitle files are read back with the ``srt`` and ``webvtt`` packages
and each paragraph's first cue starts when its first word was said."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import srt
import webvtt

from studio.cli import main
from tests.fixtures.local_server import LocalServer
from tests.fixtures.recording import narration

pytestmark = pytest.mark.slow
#: How far a cue may start from the moment its first word was said (measured: 3-18 ms).
TOLERANCE_S = 0.05


def _seconds(clock: str) -> float:
    hours, minutes, seconds = clock.split(":")
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


def _paragraph_starts(cue_starts: list[float], cue_texts: list[str], paragraphs: tuple[str, ...]) -> list[float]:
    """The start of the first cue of each paragraph (the cue whose text begins the paragraph)."""
    found = []
    for paragraph in paragraphs:
        first_words = " ".join(paragraph.split()[:3])
        found.append(next(s for s, t in zip(cue_starts, cue_texts, strict=True) if " ".join(t.split()).startswith(first_words)))
    return found


@pytest.mark.parametrize("fmt", ["wav", "mp3"])
def test_offline_align_writes_subtitles_at_the_words_times(tmp_path: Path, fmt: str,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    speech = narration()
    recording = speech.write(tmp_path, "take", fmt)
    script = tmp_path / "script.txt"
    script.write_text(speech.text)
    base = tmp_path / "out" / "story"
    base.parent.mkdir()
    code = main(["align", str(recording), str(script), "--out", str(base), "--subtitles", "srt,vtt,json", "--offline"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "offline recogniser" in err and "match 100%" in err
    assert out.split() == [str(base) + ".srt", str(base) + ".vtt", str(base) + ".timings.json"]

    cues = list(srt.parse(Path(str(base) + ".srt").read_text()))
    starts = _paragraph_starts([c.start.total_seconds() for c in cues], [c.content for c in cues], speech.paragraphs)
    for got, known in zip(starts, speech.first_word_starts, strict=True):
        assert abs(got - known) < TOLERANCE_S, (starts, speech.first_word_starts)
    assert " ".join(" ".join(c.content.split()) for c in cues) == " ".join(speech.text.split())

    vtt = list(webvtt.read(str(base) + ".vtt"))
    assert [_seconds(v.start) for v in vtt] == pytest.approx([c.start.total_seconds() for c in cues], abs=0.002)
    timings = json.loads(Path(str(base) + ".timings.json").read_text())
    assert timings  # the exporter's JSON, over the recording's timeline
    assert not list(tmp_path.glob("out/.*"))  # no staged file left behind


def test_align_uses_elevenlabs_forced_alignment_when_a_key_is_set(
        tmp_path: Path, local_server: LocalServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("ELEVENLABS_API_KEY", "sk_test_align_0123456789")
    monkeypatch.setenv("ELEVENLABS_BASE_URL", local_server.base_url)
    speech = narration()
    recording = speech.write(tmp_path, "take", "flac")
    script = tmp_path / "script.txt"
    script.write_text(speech.text)
    local_server.clear_requests()
    assert main(["align", str(recording), str(script), "--out", str(tmp_path / "story"), "--subtitles", "srt"]) == 0
    err = capsys.readouterr().err
    assert "ElevenLabs forced alignment" in err
    assert [r["route"] for r in local_server.requests()] == ["forced_alignment"]  # one upload, no speech
    cues = list(srt.parse((tmp_path / "story.srt").read_text()))
    starts = _paragraph_starts([c.start.total_seconds() for c in cues], [c.content for c in cues], speech.paragraphs)
    for got, known in zip(starts, speech.first_word_starts, strict=True):
        assert abs(got - known) < TOLERANCE_S


def test_align_refuses_a_recording_of_another_script(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    recording = narration().write(tmp_path, "take", "wav")
    script = tmp_path / "other.txt"
    script.write_text("A quick brown fox jumps over the lazy dog while the farmer sells potatoes at the market.\n\n"
                      "But the children play football in the park all afternoon.")
    code = main(["align", str(recording), str(script), "--out", str(tmp_path / "story"), "--offline"])
    err = capsys.readouterr().err
    assert code == 1
    assert "“take.wav” does not seem to read this script" in err and "edit the script" in err
    assert not list(tmp_path.glob("story*"))


def test_align_refuses_a_file_that_is_not_audio(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    notes = tmp_path / "notes.wav"
    notes.write_text("not a recording\n" * 100)
    script = tmp_path / "script.txt"
    script.write_text(narration().text)
    assert main(["align", str(notes), str(script), "--out", str(tmp_path / "story"), "--offline"]) == 1
    err = capsys.readouterr().err
    assert "“notes.wav” is not audio the studio can read" in err and "WAV, FLAC or MP3" in err
