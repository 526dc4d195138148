"""``narration-studio export --offline``: the real Piper engine in-process, no network, no credits."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import soundfile as sf

from studio.core.cache import SpeechCache, default_cache_dir
from tests.unit.core.subtitle_rules import check_srt_rules

from .conftest import run_cli

SCRIPT = (
    "Dr. Ada Brown opened the old notebook. Inside, in faded ink, were forty-two names.\n\n"
    "She read them aloud, one by one; some she knew, and some she had never heard."
)


def test_offline_export_with_subtitles_and_resume_from_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    import webvtt

    # An API key in the environment is ignored with --offline, and nothing may touch a network.
    monkeypatch.setenv("ELEVENLABS_API_KEY", "sk_would_be_used_without_offline")
    monkeypatch.setenv("ELEVENLABS_BASE_URL", "http://127.0.0.1:9")  # a closed port: any request would fail
    script = tmp_path / "notebook.txt"
    script.write_text(SCRIPT, encoding="utf-8")
    out = tmp_path / "notebook.ogg"
    code = run_cli(str(script), "--out", str(out), "--offline", "--subtitles", "srt,vtt,json",
                   "--pause-ms", "600", "--title", "Notebook")
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "Offline voice: 2 segments" in captured.err
    assert "Credits spent: 0" in captured.out
    with sf.SoundFile(out) as f:
        assert f.samplerate == 22_050 and f.title == "Notebook"
        assert 6 < f.frames / f.samplerate < 30
    timings = json.loads((tmp_path / "notebook.timings.json").read_text())
    assert [w["text"] for w in timings["words"]] == SCRIPT.split()
    # The second paragraph starts after the first one's audio plus exactly 600 ms of pause.
    first, second = timings["segments"]
    assert second["start_sample"] == first["end_sample"] + 600 * 22_050 // 1000
    starts = [w["start_sample"] for w in timings["words"]]
    assert starts == sorted(starts)
    subs = check_srt_rules((tmp_path / "notebook.srt").read_text())
    assert " ".join(s.content.replace("\n", " ") for s in subs).split() == SCRIPT.split()
    assert len(webvtt.from_buffer(io.StringIO((tmp_path / "notebook.vtt").read_text())).captions) == len(subs)
    assert SpeechCache(default_cache_dir()).verify() == (2, 0)

    # The same script again: served from the cache, byte-identical audio (Piper itself is not
    # bit-deterministic, so equality proves nothing was synthesised again).
    again = tmp_path / "again.wav"
    assert run_cli(str(script), "--out", str(again), "--offline", "--pause-ms", "600") == 0
    assert "2 from cache" in capsys.readouterr().out
    first_audio, _ = sf.read(again, dtype="int16")
    reference = tmp_path / "reference.wav"
    assert run_cli(str(script), "--out", str(reference), "--offline", "--pause-ms", "600") == 0
    assert (sf.read(reference, dtype="int16")[0] == first_audio).all()


def test_an_elevenlabs_model_without_a_key_says_no_api_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Asked for an ElevenLabs model with no key anywhere (the keyring is empty in tests, the
    variable unset): the missing key is the problem, not "the model is not available"."""
    script = tmp_path / "s.txt"
    script.write_text(SCRIPT, encoding="utf-8")
    out = tmp_path / "x.wav"
    assert run_cli(str(script), "--out", str(out), "--model", "eleven_multilingual_v2") == 1
    err = capsys.readouterr().err
    assert "No ElevenLabs API key" in err and "eleven_multilingual_v2" in err
    assert "Account" in err and "keyring" in err and "ELEVENLABS_API_KEY" in err and "--offline" in err
    assert "not available" not in err and "offline_piper" not in err
    assert not out.exists()
    # With --offline the same model is simply not one the offline voice has.
    assert run_cli(str(script), "--out", str(out), "--model", "eleven_multilingual_v2", "--offline") == 1
    assert "not available" in capsys.readouterr().err
