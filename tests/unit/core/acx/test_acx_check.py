"""The ACX check on real MP3/WAV files written by PyAV/libsndfile: every rule fails for its own reason."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from studio.cli import main
from studio.core.acx import rules
from studio.core.acx.check import AcxInputError, check_file
from studio.core.acx.measure import AcxMeter, noise_floor
from tests.unit.core.acx.audio_files import chapter, write_mp3, write_wav


def failed(path: Path) -> set[str]:
    return {r.rule for r in check_file(path).failures()}


def test_a_well_made_chapter_passes_every_rule(tmp_path: Path) -> None:
    report = check_file(write_mp3(tmp_path / "good.mp3", chapter()))
    assert report.passed, report.failures()
    f = report.figures
    assert -21 < f.rms_dbfs < -19 and f.true_peak_dbfs <= -3
    assert abs(f.head_s - 0.75) < 0.06 and abs(f.tail_s - 2.5) < 0.2
    assert f.noise_floor_dbfs == pytest.approx(-70, abs=2)
    assert (f.sample_rate, f.bitrate_kbps, f.bitrate_mode) == (44100, 192, "CBR")


@pytest.mark.parametrize(
    ("name", "make", "expected", "advice"),
    [
        ("quiet", lambda p: write_mp3(p, chapter(rms_dbfs=-30)), {"rms"}, "Too quiet"),
        ("loud", lambda p: write_mp3(p, np.clip(chapter(rms_dbfs=-11), -1, 1)), {"rms", "true_peak"}, "Too loud"),
        ("nohead", lambda p: write_mp3(p, chapter(head=0.05)), {"head_room_tone"}, "Add 0.70 s of room tone"),
        ("longtail", lambda p: write_mp3(p, chapter(tail=7.0, rms_dbfs=-22)), {"tail_room_tone"}, "Trim"),
        ("48k", lambda p: write_mp3(p, chapter(48000), 48000), {"sample_rate"}, "44,100 Hz"),
        ("vbr", lambda p: write_mp3(p, chapter(), vbr=True), {"format"}, "constant bit rate"),
        ("128k", lambda p: write_mp3(p, chapter(), kbps=128), {"format"}, "too low"),
        ("noisy", lambda p: write_mp3(p, chapter(floor_dbfs=-52)), {"noise_floor"}, "background noise"),
        ("dead", lambda p: write_wav(p.with_suffix(".wav"), chapter(floor_dbfs=None)), {"noise_floor", "format"},
         "dead digital silence"),
    ],
)
def test_each_crafted_fault_fails_for_its_own_reason(tmp_path: Path, name: str, make, expected: set[str],  # type: ignore[no-untyped-def]
                                                     advice: str) -> None:
    path = make(tmp_path / f"{name}.mp3")
    report = check_file(path)
    assert failed(path) == expected, [(r.rule, r.value) for r in report.results]
    assert any(advice in r.advice for r in report.failures()), [r.advice for r in report.failures()]


def test_true_peak_counts_the_peak_between_samples() -> None:
    # A sine at a quarter of the rate, 45° off: every sample sits at 0.707 of the real crest.
    rate = 44100
    n = np.arange(rate)
    sine = 0.99 * np.sin(2 * np.pi * n / 4 + np.pi / 4)
    meter = AcxMeter(rate, 1)
    for start in range(0, sine.size, 1000):  # fed in pieces, as files stream
        meter.add(sine[start:start + 1000].astype(np.float32))
    sample_peak = 20 * np.log10(np.abs(sine).max())
    assert sample_peak == pytest.approx(-3.1, abs=0.1)  # would pass a sample-peak check
    assert meter.figures()["true_peak_dbfs"] == pytest.approx(20 * np.log10(0.99), abs=0.2)  # fails ACX's −3


def test_noise_floor_is_the_quietest_half_second() -> None:
    window_ms = [10 ** (-40 / 10)] * 20 + [10 ** (-65 / 10)] * 10 + [10 ** (-40 / 10)] * 20
    assert noise_floor(np.asarray(window_ms)) == pytest.approx(-65, abs=0.01)
    # Shorter quiet than half a second is mixed with its loud neighbours.
    short = [10 ** (-40 / 10)] * 20 + [10 ** (-65 / 10)] * 5 + [10 ** (-40 / 10)] * 20
    assert noise_floor(np.asarray(short)) > -44


def test_a_chapter_over_120_minutes_is_named_with_the_remedy(tmp_path: Path) -> None:
    import soundfile

    path = tmp_path / "ch07.wav"
    rate = 8000
    with soundfile.SoundFile(str(path), "w", rate, 1, "PCM_U8", format="WAV") as handle:
        block = np.zeros(rate * 60, dtype=np.int16)
        for _ in range(121):
            handle.write(block)
    report = check_file(path)
    duration = next(r for r in report.results if r.rule == "duration")
    assert not duration.passed and duration.value == "121.0 min"
    assert "at most 120 minutes" in duration.advice and "split this chapter" in duration.advice
    assert report.figures.rms_dbfs is None  # not measured: split it first


def test_files_that_cannot_be_checked_are_named_with_the_remedy(tmp_path: Path) -> None:
    text = tmp_path / "chapter01.mp3"
    text.write_text("Chapter one. It was a bright cold day in April.\n" * 20)
    with pytest.raises(AcxInputError) as error:
        check_file(text)
    assert "“chapter01.mp3” is not audio" in error.value.cause and "MP3" in error.value.remedy
    truncated = tmp_path / "cut.mp3"
    truncated.write_bytes(write_mp3(tmp_path / "whole.mp3", chapter()).read_bytes()[:0])
    with pytest.raises(AcxInputError, match="“cut.mp3” is empty"):
        check_file(truncated)
    with pytest.raises(AcxInputError, match="cannot be read"):
        check_file(tmp_path / "missing.mp3")
    with pytest.raises(AcxInputError, match="is a folder"):
        check_file(tmp_path)


def test_acx_check_command_exit_codes_and_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = write_mp3(tmp_path / "good.mp3", chapter())
    quiet = write_mp3(tmp_path / "quiet.mp3", chapter(rms_dbfs=-30))
    assert main(["acx-check", str(good)]) == 0
    out = capsys.readouterr().out
    assert "good.mp3: passes ACX" in out and "1 of 1 file(s) pass" in out

    assert main(["acx-check", str(good), str(quiet), "--json"]) == 1
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1
    data = json.loads(lines[0])
    assert data["passed"] is False and [f["passed"] for f in data["files"]] == [True, False]
    rms = next(r for r in data["files"][1]["rules"] if r["rule"] == "rms")
    assert rms["passed"] is False and rms["value"].endswith("dBFS") and "raise the level" in rms["advice"]
    assert data["files"][1]["figures"]["rms_dbfs"] < rules.RMS_MIN_DBFS

    assert main(["acx-check", str(quiet)]) == 1
    out = capsys.readouterr().out
    assert "FAIL RMS level" in out and "To fix (rms level): Too quiet" in out

    (tmp_path / "notes.mp3").write_text("not audio")
    assert main(["acx-check", str(good), str(tmp_path / "notes.mp3")]) == 2
    captured = capsys.readouterr()
    assert "“notes.mp3” is not audio" in captured.err and captured.out == ""
