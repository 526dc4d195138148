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
    plain_timings = json.loads((tmp_path / "plain.timings.json").read_text())
    acx_timings = json.loads((tmp_path / "chapter1.timings.json").read_text())
    assert acx_timings["sample_rate"] == 44100 and plain_timings["sample_rate"] == 22050  # the file's own rate
    plain_words, acx_words = plain_timings["words"], acx_timings["words"]
    assert [w["text"] for w in acx_words] == [w["text"] for w in plain_words]
    shift = acx_words[0]["start"] - plain_words[0]["start"]
    assert all(abs(a["start"] - p["start"] - shift) < 0.001 for a, p in zip(acx_words, plain_words, strict=True))
    assert 0.7 <= acx_words[0]["start"] <= 0.95
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


def test_preset_acx_into_a_folder_masters_each_chapter_on_its_own(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    script = tmp_path / "book.txt"
    script.write_text("Chapter One\n\nThe keeper climbed the stairs.\n\nThe lamp was lit at last.\n\n"
                      "Chapter Two\n\nMorning came over the bay, grey and quiet.", encoding="utf-8")
    out = tmp_path / "book"
    code = run_cli(str(script), str(out), "--offline", "--preset", "acx", "--subtitles", "srt",
                   "--author", "Åsa Öberg", "--narrator", "Nóra Reader")
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "ACX check: all 2 files pass." in captured.out
    files = sorted(p.name for p in out.iterdir())
    assert files == ["01 Chapter One.mp3", "01 Chapter One.srt", "02 Chapter Two.mp3", "02 Chapter Two.srt"]
    mp3s = [str(out / n) for n in files if n.endswith(".mp3")]
    assert main(["acx-check", *mp3s, "--json"]) == 0
    reports = json.loads(capsys.readouterr().out)["files"]
    for report in reports:  # each file its own head and tail of room tone, its own level
        assert abs(report["figures"]["head_s"] - 0.75) < 0.06 and abs(report["figures"]["tail_s"] - 2.5) < 0.1
        assert abs(report["figures"]["rms_dbfs"] + 20) < 1
    # Each chapter's subtitles start from its own file's start: after the 0.75 s of room tone.
    for name in ("01 Chapter One.srt", "02 Chapter Two.srt"):
        first = (out / name).read_text(encoding="utf-8").splitlines()[1]
        assert first.startswith("00:00:00,7") or first.startswith("00:00:00,8"), (name, first)
    from mutagen.id3 import ID3

    tags = ID3(out / "02 Chapter Two.mp3")
    assert str(tags["TRCK"]) == "2/2" and str(tags["TXXX:NARRATOR"]) == "Nóra Reader"
