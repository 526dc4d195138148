"""eleven_v3 audio tags exported from the CLI (issue 11, point 6): sent to v3 (the server sees
them), left out for other models and the offline engine, and never in a subtitle or a timed
word (so never lit by the highlight, which follows the same timings)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.fixtures.local_server import LocalServer

from .conftest import run_cli, tts_requests

SCRIPT = "[whispers] The keeper waited by the lamp. [sighs] Then the light came on.\n\nA ship answered."
WORDS = SCRIPT.replace("[whispers] ", "").replace("[sighs] ", "").split()


def _check_subtitles(tmp_path: Path, stem: str) -> None:
    srt = (tmp_path / f"{stem}.srt").read_text(encoding="utf-8")
    assert "[" not in srt and "whispers" not in srt and "sighs" not in srt
    assert "The keeper waited" in srt
    words = [w["text"] for w in json.loads((tmp_path / f"{stem}.timings.json").read_text())["words"]]
    assert words == WORDS


@pytest.mark.parametrize("model", ["eleven_v3", "eleven_multilingual_v2"])
def test_tags_never_reach_subtitles_or_timings(
        server: LocalServer, tmp_path: Path, capsys: pytest.CaptureFixture[str], model: str) -> None:
    script = tmp_path / "tags.txt"
    script.write_text(SCRIPT, encoding="utf-8")
    out = tmp_path / f"{model}.wav"
    code = run_cli(str(script), "--out", str(out), "--model", model, "--subtitles", "srt,json")
    assert code == 0, capsys.readouterr().err
    assert tts_requests(server) == 2
    _check_subtitles(tmp_path, out.stem)


def test_offline_export_never_reads_the_tags(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script = tmp_path / "tags.txt"
    script.write_text(SCRIPT, encoding="utf-8")
    out = tmp_path / "offline.wav"
    code = run_cli(str(script), "--out", str(out), "--offline", "--subtitles", "srt,json")
    assert code == 0, capsys.readouterr().err
    _check_subtitles(tmp_path, out.stem)
