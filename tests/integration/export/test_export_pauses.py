"""Pause tags in a script exported from the CLI, on both engines: real silence in the WAV, no tag
in any subtitle, and a bad tag refused before anything is spent."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from tests.fixtures.local_server import LocalServer

from .conftest import run_cli, tts_requests

TAG = '<break time="1.5s" />'
SCRIPT = f"The keeper waited by the lamp. {TAG} Then the light came on.\n\nA ship answered."


def _longest_quiet(samples: np.ndarray) -> int:
    quiet = np.concatenate(([0], (np.abs(samples) <= 2).astype(np.int8), [0]))
    edges = np.flatnonzero(np.diff(quiet))
    return int((edges[1::2] - edges[::2]).max()) if edges.size else 0


def _check(tmp_path: Path, out: Path, rate: int) -> None:
    samples, file_rate = sf.read(out, dtype="int16")
    assert file_rate == rate
    assert 1.5 <= _longest_quiet(samples) / rate < 1.6  # the pause, as silence in the file
    srt = (tmp_path / f"{out.stem}.srt").read_text(encoding="utf-8")
    assert "break" not in srt and "<" not in srt and "time=" not in srt
    words = [w["text"] for w in json.loads((tmp_path / f"{out.stem}.timings.json").read_text())["words"]]
    assert words == SCRIPT.replace(TAG, "").split()
    timings = json.loads((tmp_path / f"{out.stem}.timings.json").read_text())["words"]
    waited, then = timings[words.index("lamp.")], timings[words.index("Then")]
    assert then["start"] - waited["end"] >= 1.5  # the highlight and subtitles wait through it


def test_offline_export_makes_the_pause_silence_and_keeps_tags_out_of_subtitles(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script = tmp_path / "pause.txt"
    script.write_text(SCRIPT, encoding="utf-8")
    out = tmp_path / "pause.wav"
    code = run_cli(str(script), "--out", str(out), "--offline", "--subtitles", "srt,json")
    assert code == 0, capsys.readouterr().err
    _check(tmp_path, out, 22_050)


def test_local_server_export_sends_the_break_tag_and_gets_silence(
        server: LocalServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script = tmp_path / "served.txt"
    script.write_text(SCRIPT, encoding="utf-8")
    out = tmp_path / "served.wav"
    code = run_cli(str(script), "--out", str(out), "--model", "eleven_multilingual_v2", "--subtitles", "srt,json")
    assert code == 0, capsys.readouterr().err
    assert tts_requests(server) == 2
    _check(tmp_path, out, 24_000)


def test_a_pause_over_3_seconds_is_refused_naming_the_tag_and_nothing_is_spent(
        server: LocalServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script = tmp_path / "long.txt"
    script.write_text('Fine.\n\nToo long <break time="4s" /> here.', encoding="utf-8")
    out = tmp_path / "long.wav"
    assert run_cli(str(script), "--out", str(out), "--model", "eleven_multilingual_v2") == 1
    err = capsys.readouterr().err
    assert '<break time="4s" />' in err and "3 s or less" in err and "Paragraph 2" in err
    assert tts_requests(server) == 0 and not out.exists()


def test_a_paragraph_of_only_a_pause_is_silence_with_no_request(
        server: LocalServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script = tmp_path / "chapters.txt"
    script.write_text('End of chapter one.\n\n<break time="2.5s" />\n\nChapter two.', encoding="utf-8")
    out = tmp_path / "chapters.wav"
    code = run_cli(str(script), "--out", str(out), "--model", "eleven_multilingual_v2", "--pause-ms", "200")
    assert code == 0, capsys.readouterr().err
    assert tts_requests(server) == 2  # the pause paragraph is made here, not asked for
    samples, rate = sf.read(out, dtype="int16")
    assert 2.5 + 0.4 <= _longest_quiet(samples) / rate < 3.1  # the pause and the two paragraph gaps
