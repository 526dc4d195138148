"""History downloads to disk (issue 14, points 2 and 6): whole, or nothing left behind."""

from __future__ import annotations

import threading
import zipfile
from pathlib import Path

import httpx
import pytest
import soundfile as sf

from studio.api import errors as e
from studio.cancel import Cancelled, CancelToken
from studio.core.history_files import BrokenDownloadError, download_history_items
from studio.server.history_store import HistoryFilter
from tests.fixtures.local_server import LocalServer

from .conftest import OFFLINE_VOICE


def make_items(server: LocalServer, *texts: str) -> list[str]:
    with httpx.Client(base_url=server.base_url, timeout=60) as http:
        for text in texts:
            http.post(f"/v1/text-to-speech/{OFFLINE_VOICE}", params={"output_format": "pcm_24000"},
                      json={"text": text}).raise_for_status()
    return [record.id for record in server.state.history.page(HistoryFilter(), 100)[0]]


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_to_a_folder_and_to_a_zip(server: LocalServer, client, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ids = make_items(server, "First kept line.", "Second kept line.")
    folder = tmp_path / "audio"
    written = download_history_items(client, ids, folder)
    assert listing(folder) == sorted(f"{i}.mp3" for i in ids) == sorted(p.name for p in written)
    assert all(sf.info(str(p)).samplerate == 24_000 for p in written)
    one = download_history_items(client, ids[:1], tmp_path / "single")
    assert [p.name for p in one] == [f"{ids[0]}.mp3"]
    archive = download_history_items(client, ids, tmp_path / "both.zip")[0]
    with zipfile.ZipFile(archive) as z:
        assert z.testzip() is None and len(z.namelist()) == 2
    wrapped = download_history_items(client, ids[:1], tmp_path / "one.zip")[0]
    with zipfile.ZipFile(wrapped) as z:
        assert z.namelist() == [f"{ids[0]}.mp3"]
    assert listing(tmp_path) == ["audio", "both.zip", "one.zip", "single"]  # no temporary files left


@pytest.mark.parametrize("kind", ["truncate", "disconnect"])
def test_a_zip_cut_short_is_never_left_as_finished(server: LocalServer, client, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                   kind: str) -> None:
    ids = make_items(server, "A line for the archive.", "Another line for the archive.")
    target = tmp_path / "history.zip"
    target.write_bytes(b"the earlier, good download")
    folder = tmp_path / "unpacked"
    expected = BrokenDownloadError if kind == "truncate" else e.DownloadInterruptedError
    with server.faults({"kind": kind, "endpoint": "history_download", "after_bytes": 4000, "count": 2}):
        with pytest.raises(expected) as caught:
            download_history_items(client, ids, target)
        with pytest.raises(expected):
            download_history_items(client, ids, folder)
    assert "costs no credits" in str(caught.value)
    assert target.read_bytes() == b"the earlier, good download"  # untouched
    assert listing(tmp_path) == ["history.zip", "unpacked"] and listing(folder) == []


def test_a_cancelled_download_leaves_nothing(server: LocalServer, client, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ids = make_items(server, "Slowly, slowly, the tide came in over the long flat sands of the bay.")
    token = CancelToken()
    with server.faults({"kind": "slow", "endpoint": "history_download", "chunk_bytes": 500, "chunk_delay": 0.05}):
        threading.Timer(0.3, token.cancel).start()
        with pytest.raises(Cancelled):
            download_history_items(client, ids, tmp_path / "slow", cancel=token)
    assert listing(tmp_path / "slow") == []


def test_a_missing_item_is_named(server: LocalServer, client, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ids = make_items(server, "Still here.")
    with pytest.raises(e.ApiError) as caught:
        download_history_items(client, [ids[0], "gone-item"], tmp_path / "x.zip")
    assert "gone-item" in caught.value.cause and not (tmp_path / "x.zip").exists()
