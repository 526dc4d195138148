"""``narration-studio export --subtitle-rules``: the rule set shapes the SRT the real offline voice gets."""

from __future__ import annotations

from pathlib import Path

import pytest
import srt

from .conftest import run_cli

SCRIPT = "The lighthouse keeper climbed the stairs at dusk, as he had done for thirty years."


def _srt(path: Path) -> list[srt.Subtitle]:
    return list(srt.parse(path.read_text(encoding="utf-8")))


def test_the_rule_set_is_the_cue_builder_s_limits(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script = tmp_path / "keeper.txt"
    script.write_text(SCRIPT, encoding="utf-8")
    code = run_cli(str(script), "--out", str(tmp_path / "narrow.wav"), "--offline", "--subtitles", "srt",
                   "--subtitle-rules", "custom:max_line_chars=20,max_lines=1,min_gap_frames=3,frame_rate=25")
    assert code == 0, capsys.readouterr().err
    narrow = _srt(tmp_path / "narrow.srt")
    assert all("\n" not in s.content and len(s.content) <= 20 for s in narrow)
    assert all((b.start - a.end).total_seconds() >= 0.12 - 1e-6 for a, b in zip(narrow, narrow[1:]))
    # The default (Netflix English) fits the same words in far fewer, fuller cues.
    assert run_cli(str(script), "--out", str(tmp_path / "wide.wav"), "--offline", "--subtitles", "srt") == 0
    wide = _srt(tmp_path / "wide.srt")
    assert len(wide) < len(narrow)
    assert all(len(line) <= 42 for s in wide for line in s.content.split("\n"))
    assert " ".join(s.content.replace("\n", " ") for s in narrow).split() == SCRIPT.split()


def test_unusable_rules_are_refused_before_anything_is_made(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script = tmp_path / "keeper.txt"
    script.write_text(SCRIPT, encoding="utf-8")
    for spec, says in (("hollywood", "unknown subtitle rules"), ("custom:max_cps=500", "max cps"),
                       ("custom:colour=red", "is not a rule")):
        code = run_cli(str(script), "--out", str(tmp_path / "x.wav"), "--offline", "--subtitle-rules", spec)
        err = capsys.readouterr().err
        assert code != 0 and says in err, err
        assert not (tmp_path / "x.wav").exists()


def test_timing_qa_json_names_the_expanded_amount(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    script = tmp_path / "bill.txt"
    script.write_text("The bill came to $4,250.\n\nShe paid it.", encoding="utf-8")
    report = tmp_path / "qa.json"
    assert run_cli(str(script), "--out", str(tmp_path / "bill.wav"), "--offline", "--timing-qa", str(report)) == 0
    assert "Timing QA:" in capsys.readouterr().out
    data = json.loads(report.read_text(encoding="utf-8"))
    [item] = [i for p in data["paragraphs"] for i in p["items"]]
    assert (item["kind"], item["written"], item["spoken"]) == ("expanded", "$4,250", "four thousand two hundred fifty dollars")
    assert item["paragraph"] == 0 and "The bill came to $4,250."[item["start"]:item["end"]] == "$4,250"
    assert data["script"]["words_per_minute"] > 60
