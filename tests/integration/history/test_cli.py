"""``narration-studio history …`` and ``voices --library`` / ``voices add`` (issue 14, point 7),
run in-process against the local server over loopback."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import httpx
import pytest

from studio.cli import main
from studio.server.shared_library import LIBRARY_OWNER
from tests.fixtures.local_server import LocalServer

from .conftest import OFFLINE_VOICE

TEXTS = ("The first bell of the evening.", "The second bell, a little later.", "The third and last bell.")


@pytest.fixture
def items(server: LocalServer) -> list[str]:
    """Three generations, newest first (their ids)."""
    with httpx.Client(base_url=server.base_url, timeout=60) as http:
        for text in TEXTS:
            http.post(f"/v1/text-to-speech/{OFFLINE_VOICE}", params={"output_format": "mp3_44100_128"},
                      json={"text": text}).raise_for_status()
        page = http.get("/v1/history").json()
    return [i["history_item_id"] for i in page["history"]]


def test_history_table_paging_and_filters(items: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["history", "--page-size", "2"]) == 0
    out = capsys.readouterr().out
    assert items[0] in out and items[1] in out and items[2] not in out
    assert "Joe (offline)" in out and "eleven_multilingual_v2" in out and "use --all" in out
    assert main(["history", "--all", "--page-size", "2", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [i["text"] for i in listed] == list(reversed(TEXTS))
    assert main(["history", "--search", "second", "--voice", OFFLINE_VOICE, "--model", "eleven_multilingual_v2",
                 "--json"]) == 0
    assert [i["text"] for i in json.loads(capsys.readouterr().out)] == [TEXTS[1]]
    assert main(["history", "--model", "eleven_v3"]) == 0
    assert "No history items found." in capsys.readouterr().out


def test_history_download_and_delete(items: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    archive = tmp_path / "bells.zip"
    assert main(["history", "download", *items[:2], "--out", str(archive)]) == 0
    assert "bells.zip (2 items)" in capsys.readouterr().out
    with zipfile.ZipFile(archive) as z:
        assert z.testzip() is None and len(z.namelist()) == 2
    folder = tmp_path / "bells"
    assert main(["history", "download", *items, "--out", str(folder), "--wav"]) == 0
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{i}.wav" for i in items)
    assert main(["history", "delete", items[0]]) == 0
    assert "cannot be undone" in capsys.readouterr().out
    assert main(["history", "delete", items[0]]) == 1
    err = capsys.readouterr().err
    assert f"'{items[0]}' is no longer in your history" in err


def test_history_without_the_permission_and_a_cut_short_zip(server: LocalServer, items: list[str], tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    with server.faults({"kind": "missing_permission", "endpoint": "history"}):
        assert main(["history"]) == 1
    err = capsys.readouterr().err
    assert "speech_history_read" in err and "History: Read" in err and "Traceback" not in err
    with server.faults({"kind": "truncate", "endpoint": "history_download", "after_bytes": 5000}):
        assert main(["history", "download", *items, "--out", str(tmp_path / "cut.zip")]) == 1
    err = capsys.readouterr().err
    assert "cut short" in err and "costs no credits" in err
    assert list(tmp_path.iterdir()) == []


def test_voices_library_and_add(server: LocalServer, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["voices", "--library", "--language", "en", "--use-case", "narrative_story", "--json"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert found and {v["language"] for v in found} == {"en"} and {v["use_case"] for v in found} == {"narrative_story"}
    assert main(["voices", "--library", "--page-size", "2", "--sort", "trending"]) == 0
    out = capsys.readouterr().out
    assert "PUBLIC OWNER ID" in out and LIBRARY_OWNER in out and "voices add" in out and "more are available" in out
    voice_id = found[0]["voice_id"]
    assert main(["voices", "add", LIBRARY_OWNER, voice_id]) == 0
    assert f"Added “{found[0]['name']}”" in capsys.readouterr().out
    assert main(["voices", "--voice-type", "community", "--json"]) == 0
    assert [v["voice_id"] for v in json.loads(capsys.readouterr().out)] == [voice_id]
    server.state.library.withdraw(voice_id)
    assert main(["voices", "add", LIBRARY_OWNER, voice_id, "--name", "Again"]) == 1
    assert "can no longer be added" in capsys.readouterr().err
    assert main(["voices", "--library", "--sort", "name"]) == 1
    assert "trending" in capsys.readouterr().err  # the library's sorts are named; nothing was sent
    assert main(["voices", "--featured"]) == 1
    assert "--library" in capsys.readouterr().err
