"""Across speaker changes the exported audio has no gap beyond the pause the person set
(issue 11, point 2): real offline speech in three voices (Joe and two derived from it), through
the long-form path the CLI and the export dialog share."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from .conftest import run_cli

JOE = "offline-en_US-joe-medium"
SCRIPT = ("ALICE: Did you hear the bell out there?\n\nThe keeper put down his lamp.\n\n"
          "BOB: Only the wind, I think.\n\nALICE: No. It was a ship.")
PAUSE_MS = 300
#: Piper's own quiet at the start and end of a sentence (breath room), in any of the voices.
EDGE_S = 0.35


def _quiet_run(samples: np.ndarray, at: int) -> int:
    """Length of the run of near-silent samples around index ``at``."""
    quiet = np.abs(samples.astype(np.int32)) <= 40
    lo = hi = at
    while lo > 0 and quiet[lo - 1]:
        lo -= 1
    while hi < samples.size and quiet[hi]:
        hi += 1
    return hi - lo


@pytest.mark.parametrize("pause_ms", [0, PAUSE_MS])
def test_no_extra_silence_at_a_speaker_change(tmp_path: Path, capsys: pytest.CaptureFixture[str], pause_ms: int) -> None:
    script = tmp_path / "scene.txt"
    script.write_text(SCRIPT, encoding="utf-8")
    out = tmp_path / "scene.wav"
    code = run_cli(str(script), "--out", str(out), "--offline", "--voice", JOE, "--pause-ms", str(pause_ms),
                   "--cast", f"ALICE={JOE}-higher,BOB={JOE}-lower", "--subtitles", "json")
    assert code == 0, capsys.readouterr().err
    samples, rate = sf.read(out, dtype="int16")
    timings = json.loads((tmp_path / "scene.timings.json").read_text(encoding="utf-8"))
    segments = timings["segments"]
    assert [s["paragraph"] for s in segments] == [0, 1, 2, 3]
    pause = pause_ms * rate // 1000
    gaps = []
    for before, after in zip(segments, segments[1:], strict=False):
        # Exactly the pause between one speaker's audio and the next's: not a sample more.
        assert after["start_sample"] - before["end_sample"] == pause
        assert not samples[before["end_sample"] : after["start_sample"]].any()
        quiet = _quiet_run(samples, before["end_sample"]) / rate
        gaps.append(round(quiet, 3))
        assert quiet <= pause_ms / 1000 + EDGE_S, (before, after, quiet)
    print({"pause_ms": pause_ms, "quiet_s_at_speaker_changes": gaps})
    assert samples.size == segments[-1]["end_sample"]
    # The highlight and subtitles cross the change too: the next speaker's first word starts
    # within the pause plus breath room after the last word before it.
    words = timings["words"]
    for i in range(1, 4):
        last = max(w["end"] for w in words if w["paragraph"] == i - 1)
        first = min(w["start"] for w in words if w["paragraph"] == i)
        assert 0 <= first - last <= pause_ms / 1000 + EDGE_S
