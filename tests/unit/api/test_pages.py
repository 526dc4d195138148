"""Voice pages: next_page(), and each voice once even when page 0 is oversized."""

from __future__ import annotations

import httpx
import pytest

from studio.api.client import ElevenLabsClient
from studio.api.models import Voice
from studio.api.pages import VoicePage, iter_all_voices
from studio.api.requests import VoiceSearch


def voices(*ids: str) -> list[dict]:
    return [{"voice_id": i, "name": f"Voice {i}", "category": "premade", "labels": {}} for i in ids]


def paged_server(pages: dict[str | None, dict]) -> tuple[httpx.MockTransport, list[httpx.Request]]:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=pages[request.url.params.get("next_page_token")])

    return httpx.MockTransport(handler), seen


def test_pages_follow_tokens_and_page_zero_may_be_larger() -> None:
    # page_size 2, but page 0 carries 5 (default voices), two of which come again later.
    transport, seen = paged_server({
        None: {"voices": voices("d1", "d2", "d3", "a", "b"), "has_more": True, "total_count": 7, "next_page_token": "t1"},
        "t1": {"voices": voices("b", "c"), "has_more": True, "total_count": 7, "next_page_token": "t2"},
        "t2": {"voices": voices("d1", "e"), "has_more": False, "total_count": 7, "next_page_token": None},
    })
    with ElevenLabsClient(None, "https://api.test", transport=transport) as client:
        first = client.search_voices(VoiceSearch(page_size=2, search="x"))
        assert len(first.voices) == 5 and first.total_count == 7 and first.has_next_page()
        second = first.next_page()
        assert [v.voice_id for v in second.voices] == ["b", "c"]
        assert [v.voice_id for v in client.iter_voices(VoiceSearch(page_size=2))] == ["d1", "d2", "d3", "a", "b", "c", "e"]
    # The search terms travel with every page request.
    assert seen[1].url.params["search"] == "x" and seen[1].url.params["next_page_token"] == "t1"


def test_last_page_has_no_next() -> None:
    page = VoicePage(voices=[], has_more=False, next_page_token=None, fetch_next=lambda t: page)
    assert not page.has_next_page()
    with pytest.raises(StopIteration):
        page.next_page()
    # has_more without a token (or without a fetcher) cannot go on either.
    assert not VoicePage(voices=[], has_more=True, next_page_token=None, fetch_next=lambda t: page).has_next_page()
    assert not VoicePage(voices=[], has_more=True, next_page_token="t").has_next_page()


def test_a_repeated_token_does_not_loop_forever() -> None:
    calls = []

    def fetch(token: str) -> VoicePage:
        calls.append(token)
        return VoicePage([Voice(voice_id=f"v{len(calls)}")], has_more=True, next_page_token="same", fetch_next=fetch)

    first = VoicePage([Voice(voice_id="v0")], has_more=True, next_page_token="same", fetch_next=fetch)
    assert [v.voice_id for v in iter_all_voices(first)] == ["v0", "v1"]
    assert calls == ["same"]
