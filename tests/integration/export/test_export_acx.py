"""``narration-studio export … --preset acx``: real offline speech, mastered for ACX, checked by ``acx-check``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from studio.cli import main

from .conftest import run_cli

SCRIPT = (
    "Chapter One. The Lighthouse.\n\n"
    "The keeper climbed the stairs at dusk, as he had every evening for thirty years, and lit the lamp."
)


def test_preset_acx_export_passes_acx_check_and_keeps_subtitles_in_sync(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script = tmp_path / "chapter1.txt"
    script.write_text(SCRIPT, encoding="utf-8")
    plain = tmp_path / "plain.mp3"
    assert run_cli(str(script), "--out", str(plain), "--offline", "--subtitles", "json") == 0
    mastered = tmp_path / "chapter1.mp3"
    code = run_cli(str(script), "--out", str(mastered), "--offline", "--preset", "acx", "--subtitles", "srt,json",
                   "--title", "The Lighthouse")
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "ACX check: passes." in captured.out and "Mastering for ACX" in captured.err
    assert "2 from cache" in captured.out  # the same speech as the plain export, not made again

    # The plain export (22.05 kHz VBR MP3, the voice's own levels) fails; the preset's passes.
    assert main(["acx-check", str(plain), "--json"]) == 1
    plain_report = json.loads(capsys.readouterr().out)["files"][0]
    assert {r["rule"] for r in plain_report["rules"] if not r["passed"]} >= {"sample_rate", "format"}
    assert main(["acx-check", str(mastered), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)["files"][0]
    assert report["figures"]["sample_rate"] == 44100 and report["figures"]["bitrate_kbps"] == 192
    assert report["figures"]["bitrate_mode"] == "CBR" and abs(report["figures"]["head_s"] - 0.75) < 0.06

    # The words moved with the room tone: the first starts 0.75 s in (plus the voice's own onset).
    rate = 22050
    plain_words = json.loads((tmp_path / "plain.timings.json").read_text())["words"]
    acx_words = json.loads((tmp_path / "chapter1.timings.json").read_text())["words"]
    assert [w["text"] for w in acx_words] == [w["text"] for w in plain_words]
    shift = acx_words[0]["start_sample"] - plain_words[0]["start_sample"]
    assert all(a["start_sample"] - p["start_sample"] == shift for a, p in zip(acx_words, plain_words, strict=True))
    assert 0.7 <= acx_words[0]["start_sample"] / rate <= 0.95
    first_cue = (tmp_path / "chapter1.srt").read_text().splitlines()[1]
    assert first_cue.startswith("00:00:00,7") or first_cue.startswith("00:00:00,8")


def test_preset_acx_refuses_other_formats_before_speaking(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script = tmp_path / "chapter1.txt"
    script.write_text(SCRIPT, encoding="utf-8")
    assert run_cli(str(script), "--out", str(tmp_path / "chapter1.wav"), "--offline", "--preset", "acx") == 1
    err = capsys.readouterr().err
    assert "The ACX preset writes MP3" in err and "End the file name with .mp3" in err
    assert "Offline voice:" not in err  # refused before any speech was planned or made
    assert run_cli(str(script), "--out", str(tmp_path / "c.mp3"), "--offline", "--preset", "acx",
                   "--loudness", "-16") == 1
    assert "sets its own level" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["chapter1.txt"]
