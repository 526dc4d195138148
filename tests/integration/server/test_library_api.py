"""The local server's small shared voice library (issue 14, point 5), over loopback TCP."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from studio.api import errors as e
from studio.api.client import ElevenLabsClient
from studio.api.requests import VoiceSearch
from studio.api.shared_voices import SharedVoiceQuery
from studio.server.shared_library import LIBRARY_OWNER
from tests.fixtures.local_server import LocalServer, run_server
from tests.integration.server.audio_checks import decode


@pytest.fixture
def server() -> Iterator[LocalServer]:
    # Adding voices changes the catalog: a fresh server per test.
    with run_server() as running:
        yield running


def library(http: httpx.Client, **params: object) -> dict:
    response = http.get("/v1/shared-voices", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_paging_filters_and_sorts(server: LocalServer) -> None:
    with httpx.Client(base_url=server.base_url, timeout=60) as http:
        everything = library(http, page_size=100)
        assert everything["total_count"] == len(everything["voices"]) == 6 and not everything["has_more"]
        ids: list[str] = []
        for page in range(3):
            chunk = library(http, page_size=2, page=page)
            ids += [v["voice_id"] for v in chunk["voices"]]
            assert chunk["has_more"] == (page < 2) and chunk["last_sort_id"] == chunk["voices"][-1]["voice_id"]
        assert ids == [v["voice_id"] for v in everything["voices"]]  # newest first, no repeats
        dates = [v["date_unix"] for v in everything["voices"]]
        assert dates == sorted(dates, reverse=True)
        clones = [v["cloned_by_count"] for v in library(http, sort="cloned_by_count")["voices"]]
        assert clones == sorted(clones, reverse=True)
        assert {v["language"] for v in library(http, language="es")["voices"]} == {"es"}
        assert {v["gender"] for v in library(http, gender="female")["voices"]} == {"female"}
        assert [v["accent"] for v in library(http, accent="British")["voices"]] == ["british"]
        assert {v["category"] for v in library(http, category="high_quality")["voices"]} == {"high_quality"}
        multi = http.get("/v1/shared-voices", params=[("use_cases", "news"), ("use_cases", "meditation")]).json()
        assert {v["use_case"] for v in multi["voices"]} == {"news", "meditation"}
        assert len(library(http, featured="true")["voices"]) == 1
        assert all(v["rate"] is None for v in library(http, include_custom_rates="false")["voices"])
        assert library(http, search="storyteller")["voices"][0]["name"].startswith("Otis")
        assert http.get("/v1/shared-voices", params={"page_size": 101}).status_code == 422
        assert http.get("/v1/shared-voices", params={"sort": "name"}).status_code == 422
        preview = http.get(everything["voices"][0]["preview_url"])
        assert preview.headers["content-type"] == "audio/mpeg" and decode(preview.content)[0].size > 10_000


def test_an_added_voice_is_in_my_voices_at_once_and_speaks(server: LocalServer) -> None:
    with ElevenLabsClient(None, server.base_url) as client:
        page = client.search_shared_voices(SharedVoiceQuery(language="en", use_cases=("narrative_story",)))
        wren = next(v for v in page.voices if v.name.startswith("Wren"))
        assert wren.public_owner_id == LIBRARY_OWNER and wren.is_added_by_user is False
        before = {v.voice_id for v in client.iter_voices(VoiceSearch(page_size=100))}
        assert wren.voice_id not in before
        added = client.add_shared_voice(wren.public_owner_id, wren.voice_id, "Wren for chapter one")
        mine = {v.voice_id: v for v in client.iter_voices(VoiceSearch(page_size=100, voice_type="community"))}
        assert added.voice_id in mine and mine[added.voice_id].name == "Wren for chapter one"
        again = client.search_shared_voices(SharedVoiceQuery(search="Wren"))
        assert again.voices[0].is_added_by_user is True
    with httpx.Client(base_url=server.base_url, timeout=60) as http:
        spoken = http.post(f"/v1/text-to-speech/{added.voice_id}", params={"output_format": "mp3_44100_128"},
                           json={"text": "Chapter one."})
        assert spoken.status_code == 200 and decode(spoken.content)[0].size > 1000


def test_a_voice_that_can_no_longer_be_added(server: LocalServer) -> None:
    with ElevenLabsClient(None, server.base_url) as client:
        otis = next(v for v in client.iter_shared_voices() if v.name.startswith("Otis"))
        server.state.library.withdraw(otis.voice_id)  # its owner stopped sharing it after we listed it
        with pytest.raises(e.SharedVoiceUnavailableError) as caught:
            client.add_shared_voice(otis.public_owner_id, otis.voice_id, "Otis")
        assert "'Otis' can no longer be added" in caught.value.cause and "nothing was added" in caught.value.remedy
        assert otis.voice_id not in {v.voice_id for v in client.iter_voices(VoiceSearch(page_size=100))}


def test_no_free_voice_slot() -> None:
    with run_server(voice_limit=4) as small, ElevenLabsClient(None, small.base_url) as client:
        first, second = list(client.iter_shared_voices(limit=2))
        client.add_shared_voice(first.public_owner_id, first.voice_id, "One")
        with pytest.raises(e.SharedVoiceUnavailableError) as caught:
            client.add_shared_voice(second.public_owner_id, second.voice_id, "Two")
        assert "voice slots" in caught.value.cause
        # Adding the same voice again only renames it: no new slot.
        client.add_shared_voice(first.public_owner_id, first.voice_id, "One, renamed")
