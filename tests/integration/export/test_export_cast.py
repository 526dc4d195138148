"""``narration-studio export --cast`` (issue 11, points 1, 2 and 8): each paragraph in its
speaker's voice over real HTTP to the local server (Piper behind it), re-voicing only the
paragraphs of a speaker whose voice changed, and subtitles that name the speaker."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.fixtures.local_server import LocalServer

from .conftest import run_cli

JOE = "offline-en_US-joe-medium"
HIGHER, HIGHEST, LOWER = f"{JOE}-higher", f"{JOE}-highest", f"{JOE}-lower"
SCRIPT = (
    "ALICE: Did you hear the bell out there?\n\n"
    "The keeper put down his lamp and listened.\n\n"
    "BOB: Only the wind, I think.\n\n"
    "ALICE: No, it was a ship. Listen again."
)


def _voices(server: LocalServer) -> list[str]:
    """The voice of every text-to-speech request, in order (from the request path)."""
    return [r["path"].split("/")[3] for r in server.requests() if r["route"].startswith("tts_")]


def _export(tmp_path: Path, *extra: str) -> int:
    script = tmp_path / "scene.txt"
    script.write_text(SCRIPT, encoding="utf-8")
    return run_cli(str(script), "--out", str(tmp_path / "scene.wav"), "--voice", JOE, "--model",
                   "eleven_multilingual_v2", "--overwrite", *extra)


def test_cast_voices_each_speaker_and_revoices_only_the_changed_one(
    server: LocalServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import srt
    import webvtt

    code = _export(tmp_path, "--cast", f"ALICE={HIGHER},BOB={LOWER}", "--subtitles", "srt,vtt,json",
                   "--srt-speaker-names")
    assert code == 0, capsys.readouterr().err
    assert sorted(_voices(server)) == sorted([HIGHER, JOE, LOWER, HIGHER])  # one request per paragraph

    captions = webvtt.read(str(tmp_path / "scene.vtt")).captions
    voices = [(c.voice, c.text.replace("\n", " ")) for c in captions]
    assert [v for v, _ in voices] == ["ALICE", None, "BOB", "ALICE"]
    assert "ALICE" not in " ".join(t for _, t in voices)  # the prefix is never a subtitle...
    assert voices[0][1] == "Did you hear the bell out there?"
    subs = list(srt.parse((tmp_path / "scene.srt").read_text(encoding="utf-8")))
    assert [s.content.split(": ")[0] for s in subs if ": " in s.content] == ["ALICE", "BOB", "ALICE"]
    assert subs[1].content == "The keeper put down his lamp and listened."
    timings = json.loads((tmp_path / "scene.timings.json").read_text(encoding="utf-8"))
    assert [c["speaker"] for c in timings["cues"]] == ["ALICE", None, "BOB", "ALICE"]
    first = timings["words"][0]
    assert (first["text"], first["speaker"]) == ("Did", "ALICE")  # ...nor a timed word
    assert SCRIPT[first["script_start"] : first["script_end"]] == "Did"

    # Alice gets another voice: only her two paragraphs are requested again.
    server.clear_requests()
    assert _export(tmp_path, "--cast", f"ALICE={HIGHEST},BOB={LOWER}") == 0
    assert _voices(server) == [HIGHEST, HIGHEST]
    # And the same cast again costs nothing.
    server.clear_requests()
    assert _export(tmp_path, "--cast", f"ALICE={HIGHEST}", "--cast", f"BOB={LOWER}") == 0
    assert _voices(server) == []


def test_speaker_prefix_off_speaks_the_names(server: LocalServer, tmp_path: Path) -> None:
    assert _export(tmp_path, "--cast", f"ALICE={HIGHER}", "--speaker-prefix", "off", "--subtitles", "json") == 0
    assert _voices(server) == [JOE] * 4  # no speakers: the narrator's voice for all
    words = [w["text"] for w in json.loads((tmp_path / "scene.timings.json").read_text())["words"]]
    assert words[0] == "ALICE:"


def test_a_bad_cast_option_is_refused_before_anything_is_sent(
    server: LocalServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _export(tmp_path, "--cast", "ALICE") == 1
    assert "NAME=VOICE_ID" in capsys.readouterr().err
    assert _voices(server) == []


def test_voices_offline_lists_joe_and_the_derived_voices(capsys: pytest.CaptureFixture[str]) -> None:
    from studio.cli import main

    assert main(["voices", "--offline", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [v["voice_id"] for v in listed][:1] == [JOE]
    assert {HIGHER, HIGHEST, LOWER} <= {v["voice_id"] for v in listed}
    assert all("derived from Joe" in v["name"] for v in listed if v["voice_id"] != JOE)


def test_the_local_server_lists_the_derived_voices(server: LocalServer) -> None:
    import httpx

    body = httpx.get(f"{server.base_url}/v2/voices", params={"search": "derived from Joe", "page_size": 100},
                     headers={"xi-api-key": "sk_export_test_key"}, timeout=30).json()
    assert {HIGHER, HIGHEST, LOWER} <= {v["voice_id"] for v in body["voices"]}
