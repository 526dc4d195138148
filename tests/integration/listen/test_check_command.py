"""``narration-studio check AUDIO SCRIPT [--json]`` on real recordings made by the offline voice."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile

from studio.cli import main
from studio.offline.engine import get_engine

pytestmark = pytest.mark.slow

FIRST = "Rain fell on the quiet village all night."
SECOND = "By morning the river had burst its banks."
SCRIPT = f"{FIRST}\n\n{SECOND} Nobody was hurt.\n"


def record(path: Path, text: str) -> Path:
    engine = get_engine()
    pcm = b"".join(chunk.audio for chunk in engine.stream(text, seed=2))
    soundfile.write(str(path), np.frombuffer(pcm, dtype="<i2"), engine.sample_rate)
    return path


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("check")
    script = folder / "script.txt"
    script.write_text(SCRIPT, encoding="utf-8")
    # The narrator said "road" for "river" and left the last sentence out.
    audio = record(folder / "take.flac", f"{FIRST} {SECOND.replace('river', 'road')}")
    return audio, script


def test_json_report_per_paragraph_with_times(files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    audio, script = files
    code = main(["check", str(audio), str(script), "--json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 3
    first, second = report["paragraphs"]
    assert first["flags"] == [] and first["score"] == 1.0
    assert [(f["kind"], f["expected"]) for f in second["flags"]] == [
        ("misread", "river"), ("skipped", "Nobody was hurt")]
    misread = second["flags"][0]
    duration = soundfile.info(str(audio)).duration
    assert 0.4 * duration < misread["start_seconds"] < misread["end_seconds"] <= duration
    assert second["flags"][1]["whole_sentence"] and second["score"] < 1.0
    assert SCRIPT[slice(*misread["characters"])] == "river"


def test_text_report(files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    audio, script = files
    assert main(["check", str(audio), str(script)]) == 3
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Paragraph 1: score 100% (8 words) ok"
    assert out[1].startswith("Paragraph 2: score ") and out[1].endswith("2 flagged")
    assert "Misread: “river” sounded like" in out[2] and out[2].strip().startswith("0:0")
    assert "Skipped sentence: “Nobody was hurt”" in out[3]
    assert out[-1] == "Overall: score 79%, 1 of 2 paragraphs flagged."


def test_an_exported_narration_checks_clean(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """What `narration-studio export` made from the script is what the script says."""
    script = tmp_path / "story.txt"
    script.write_text(SCRIPT, encoding="utf-8")
    wav = tmp_path / "story.wav"
    env = {**os.environ, "ELEVENLABS_API_KEY": ""}
    subprocess.run([sys.executable, "-m", "studio", "export", str(script), "--out", str(wav), "--offline",
                    "--seed", "4"], check=True, env=env, capture_output=True, timeout=240)
    done = subprocess.run([sys.executable, "-m", "studio", "check", str(wav), str(script), "--json"],
                          env=env, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["score"] == 1.0 and report["flagged_paragraphs"] == 0


def test_missing_recogniser_names_the_extra(files: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "pocketsphinx" else real(name, *a))
    audio, script = files
    assert main(["check", str(audio), str(script)]) == 1
    assert "pip install 'narration-studio[listen]'" in capsys.readouterr().err


def test_unreadable_recording_is_named(tmp_path: Path, files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "notes.wav"
    bad.write_text("not audio", encoding="utf-8")
    assert main(["check", str(bad), str(files[1])]) == 1
    err = capsys.readouterr().err
    assert "notes.wav" in err and "WAV, FLAC or MP3" in err
