"""``narration-studio export`` end to end: real HTTP to the local server, real Piper speech, real files."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
import soundfile as sf

from studio.core.cache import SpeechCache, default_cache_dir
from tests.fixtures.local_server import LocalServer
from tests.unit.core.subtitle_rules import check_srt_rules

from .conftest import read_only_folder, run_cli, tiny_disk, tts_requests

SCRIPT = (
    "The lighthouse keeper climbed the stairs at dusk, as he had done for thirty years.\n\n"
    "Below him the sea was restless; the wind had turned, and the gulls were quiet. "
    "He lit the lamp, wound the clockwork, and watched the beam sweep out across the water.\n\n"
    "Somewhere beyond the rocks, a ship's bell answered."
)


def _script(tmp_path: Path, text: str = SCRIPT, name: str = "script.txt") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_export_mp3_with_all_subtitles(server: LocalServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import srt
    import webvtt

    out = tmp_path / "out" / "keeper.mp3"
    out.parent.mkdir()
    code = run_cli(str(_script(tmp_path)), "--out", str(out), "--subtitles", "srt,vtt,karaoke,lrc,json",
                   "--concurrency", "3", "--pause-ms", "400", "--title", "The Keeper", "--artist", "Local Voice",
                   "--quality", "medium", "--stability", "0.6", "--speed", "1.1", "--seed", "42")
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "Credits spent" in captured.out and "saved: 0" in captured.out
    assert sorted(p.name for p in out.parent.iterdir()) == sorted(
        ["keeper.mp3", "keeper.srt", "keeper.vtt", "keeper.karaoke.vtt", "keeper.lrc", "keeper.timings.json"])
    assert tts_requests(server) == 3  # one per paragraph
    with sf.SoundFile(out) as f:
        assert f.samplerate == 24_000 and f.title == "The Keeper" and f.artist == "Local Voice"
        seconds = f.frames / f.samplerate
    timings = json.loads((out.parent / "keeper.timings.json").read_text())
    assert abs(seconds - timings["duration"]) < 0.1  # encoder padding only
    words = [w["text"] for w in timings["words"]]
    assert words == SCRIPT.split()
    for w in timings["words"]:
        assert SCRIPT[w["script_start"] : w["script_end"]] == w["text"]
    starts = [w["start"] for w in timings["words"]]
    assert starts == sorted(starts) and starts[-1] < timings["duration"]
    subs = check_srt_rules((out.parent / "keeper.srt").read_text())
    assert " ".join(s.content.replace("\n", " ") for s in subs).split() == SCRIPT.split()
    vtt = webvtt.from_buffer(io.StringIO((out.parent / "keeper.vtt").read_text()))
    assert len(vtt.captions) == len(subs)
    karaoke = (out.parent / "keeper.karaoke.vtt").read_text()
    assert len(re.findall(r"<\d\d:\d\d:\d\d\.\d\d\d>", karaoke)) == len(words) - len(subs)
    lrc = (out.parent / "keeper.lrc").read_text()
    assert "[ti:The Keeper]" in lrc and len(re.findall(r"<\d\d:\d\d\.\d\d>", lrc)) == len(words)
    assert list(srt.parse((out.parent / "keeper.srt").read_text()))

    # Again, to another file: everything comes from the cache, nothing is requested or charged.
    server.clear_requests()
    code = run_cli(str(_script(tmp_path)), "--out", str(tmp_path / "again.wav"), "--stability", "0.6",
                   "--speed", "1.1", "--seed", "42")
    captured = capsys.readouterr()
    assert code == 0 and tts_requests(server) == 0
    assert "3 from cache" in captured.out and "Credits spent: 0" in captured.out
    assert re.search(r"saved: [1-9]", captured.out)


def test_loudness_normalised_flac(server: LocalServer, tmp_path: Path) -> None:
    from studio.core.loudness import LoudnessMeter

    out = tmp_path / "loud.flac"
    assert run_cli(str(_script(tmp_path)), "--out", str(out), "--loudness", "-16") == 0
    data, rate = sf.read(out, dtype="float64")
    meter = LoudnessMeter(rate)
    meter.add(data)
    assert meter.integrated_lufs() == pytest.approx(-16.0, abs=0.5)


def test_429_backs_off_and_finishes(server: LocalServer, tmp_path: Path) -> None:
    # "Busy" is a temporary overload: the client retries twice itself; six refusals reach the
    # long-form generator too. (Concurrency refusals: test_export_concurrency.py.)
    with server.faults({"kind": "rate_limit", "status": "system_busy", "count": 6, "retry_after": 0}):
        assert run_cli(str(_script(tmp_path)), "--out", str(tmp_path / "busy.ogg"), "--concurrency", "3") == 0
    assert tts_requests(server) == 3 + 6
    assert sf.info(str(tmp_path / "busy.ogg")).frames > 0


def test_failed_segment_stops_naming_the_paragraph_and_resume_requests_only_the_rest(
    server: LocalServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script = "\n\n".join(f"This is paragraph number {n}, read aloud." for n in range(1, 7))
    path = _script(tmp_path, script)
    out = tmp_path / "book.wav"
    # The first request to arrive (paragraph 1, 2 or 3: three are sent at once) is cut off
    # mid-stream; that is never retried automatically (it was charged).
    with server.faults({"kind": "disconnect", "after_bytes": 3000}):
        code = run_cli(str(path), "--out", str(out), "--subtitles", "srt", "--concurrency", "3")
    err = capsys.readouterr().err
    assert code == 1
    named = re.search(r"Paragraph (\d) \(“This is paragraph number (\d), read aloud\.”\) could not be made", err)
    assert named is not None and named.group(1) == named.group(2)
    assert "export again to finish" in err
    assert list(tmp_path.iterdir()) == [path]  # no audio, no subtitles, no temporary files
    first_run = tts_requests(server)
    # The failed one and the two already running, which finished and were kept. If the server
    # (one synthesis at a time) finished those before the failure was seen, the next ones
    # were started too: every finished one is kept all the same.
    assert 3 <= first_run <= 6
    good, damaged = SpeechCache(default_cache_dir()).verify()
    assert (good, damaged) == (first_run - 1, 0)

    server.clear_requests()
    assert run_cli(str(path), "--out", str(out), "--subtitles", "srt", "--concurrency", "3") == 0
    assert tts_requests(server) == 6 - good  # the failed one and those never made — never one twice
    assert f"{good} from cache" in capsys.readouterr().out
    assert out.exists() and (tmp_path / "book.srt").exists()


@pytest.mark.parametrize(("text", "words"), [
    ("", "The script is empty"),
    ("   \n\n  \n", "The script is empty"),
    ("... !!! — ??? * * *", "no words to read aloud"),
])
def test_nothing_to_say(server: LocalServer, tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, words: str) -> None:
    out = tmp_path / "x.wav"
    assert run_cli(str(_script(tmp_path, text)), "--out", str(out)) == 1
    assert words in capsys.readouterr().err
    assert not out.exists() and tts_requests(server) == 0


def test_not_utf8(server: LocalServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes("Un café, s'il vous plaît.".encode("latin-1"))
    assert run_cli(str(path), "--out", str(tmp_path / "x.wav")) == 1
    err = capsys.readouterr().err
    assert "not UTF-8" in err and "UTF-8" in err.split("not UTF-8")[1]
    assert server.requests() == []


def test_existing_file_is_not_replaced_without_overwrite(server: LocalServer, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "keep.wav"
    out.write_bytes(b"precious")
    assert run_cli(str(_script(tmp_path)), "--out", str(out)) == 1
    assert "already exists" in capsys.readouterr().err
    assert out.read_bytes() == b"precious" and server.requests() == []


def test_out_of_range_setting_is_refused_before_sending(server: LocalServer, tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(str(_script(tmp_path)), "--out", str(tmp_path / "x.wav"), "--speed", "2.0") == 1
    assert "--speed must be between 0.7 and 1.2" in capsys.readouterr().err
    assert server.requests() == []


def test_read_only_destination(server: LocalServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with read_only_folder(tmp_path / "ro") as folder:
        assert run_cli(str(_script(tmp_path)), "--out", str(folder / "x.wav")) == 1
        err = capsys.readouterr().err
        assert "cannot be written to" in err and "Choose another place" in err
        assert list(folder.iterdir()) == []
    assert tts_requests(server) == 0  # refused before spending anything


def test_full_disk_leaves_nothing_partial_and_keeps_the_cache(server: LocalServer, tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    path = _script(tmp_path)
    with tiny_disk(tmp_path / "small") as folder:
        code = run_cli(str(path), "--out", str(folder / "big.wav"), "--subtitles", "srt,json")
        err = capsys.readouterr().err
        assert code == 1
        assert "not enough room" in err and "Free some disk space" in err
        assert list(folder.iterdir()) == []
    good, damaged = SpeechCache(default_cache_dir()).verify()
    assert good == 3 and damaged == 0
    # The speech was kept: exporting elsewhere requests nothing more.
    server.clear_requests()
    assert run_cli(str(path), "--out", str(tmp_path / "fine.wav")) == 0
    assert tts_requests(server) == 0


def test_request_stitching_sends_ids(server: LocalServer, tmp_path: Path) -> None:
    assert run_cli(str(_script(tmp_path)), "--out", str(tmp_path / "s.wav"), "--stitching", "request-ids",
                   "--concurrency", "4") == 0
    assert tts_requests(server) == 3


def test_ctrl_c_stops_cleanly(server: LocalServer, tmp_path: Path) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    script = _script(tmp_path, "\n\n".join(f"Paragraph {n} takes its time." for n in range(8)))
    out = tmp_path / "stopped.flac"
    env = dict(os.environ)
    with server.faults({"kind": "delay", "delay": 1.5, "count": 100}):
        child = subprocess.Popen(
            [sys.executable, "-m", "studio", "export", str(script), "--out", str(out), "--concurrency", "2"],
            env=env, cwd=Path(__file__).resolve().parents[3], stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )
        try:
            deadline = time.monotonic() + 60
            while tts_requests(server) < 2 and time.monotonic() < deadline:
                time.sleep(0.05)
            child.send_signal(signal.SIGINT)
            _, err = child.communicate(timeout=30)
        finally:
            if child.poll() is None:
                child.kill()
    assert child.returncode == 130, err
    assert "export stopped; no file was written" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["script.txt"]
    assert SpeechCache(default_cache_dir()).verify()[1] == 0
