"""History and shared-library calls: paths, bodies, parsing and their errors (MockTransport).

The loopback tests against the local server are in tests/integration/server/test_history_api.py.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from studio.api import errors as e
from studio.api.client import ElevenLabsClient
from studio.api.requests import HistoryQuery
from studio.api.retry import NO_RETRY
from studio.api.shared_voices import SharedVoiceQuery
from studio.cancel import CancelToken, Cancelled
from tests.unit.api.test_client_endpoints import routes

SAMPLES = Path(__file__).parents[2] / "data" / "api_samples"
LIBRARY_VOICE = {
    "public_owner_id": "owner-1", "voice_id": "lib-1", "date_unix": 1700000000, "name": "Wren",
    "accent": "british", "gender": "female", "age": "young", "descriptive": "calm", "use_case": "narrative_story",
    "category": "professional", "language": "en", "usage_character_count_1y": 5, "usage_character_count_7d": 1,
    "play_api_usage_character_count_1y": 0, "cloned_by_count": 3, "free_users_allowed": True,
    "live_moderation_enabled": False, "featured": False, "brand_new_field": 1,
}


def missing_permission(permission: str) -> httpx.Response:
    sample = json.loads((SAMPLES / "error_401_missing_permissions_2026.json").read_text())
    body = json.loads(json.dumps(sample["parsed_body"]).replace("user_read", permission))
    return httpx.Response(401, json=body)


def client_for(transport: httpx.MockTransport) -> ElevenLabsClient:
    return ElevenLabsClient("key-123456", "https://api.test", transport=transport, retry_policy=NO_RETRY)


def test_history_without_permission_names_it_in_plain_words() -> None:
    transport, _ = routes({("GET", "/v1/history"): missing_permission("speech_history_read")})
    with client_for(transport) as client, pytest.raises(e.PermissionDeniedError) as caught:
        client.list_history()
    error = caught.value
    assert error.permission == "speech_history_read"
    assert "speech_history_read" in error.cause and "History: Read" in error.cause
    assert "History to Read" in error.remedy


def test_a_permission_refusal_that_names_none_gets_the_calls_own() -> None:
    """A 401 that only says "permission" (no scope named): the client knows what delete needs."""
    refusal = httpx.Response(401, json={"detail": {"status": "missing_permissions", "message": "Missing permissions"}})
    transport, _ = routes({("DELETE", "/v1/history/h1"): refusal})
    with client_for(transport) as client, pytest.raises(e.PermissionDeniedError) as caught:
        client.delete_history_item("h1")
    assert caught.value.permission == "speech_history_write" and "History: Write" in caught.value.cause


def test_history_page_size_refusal_says_1000() -> None:
    with pytest.raises(e.InvalidRequestError) as caught:
        HistoryQuery(page_size=1001)
    assert "between 1 and 1000" in caught.value.cause


def test_item_whose_audio_is_gone_is_named() -> None:
    gone = httpx.Response(404, json={"detail": {"status": "history_item_not_found", "message": "Not here."}})
    transport, _ = routes({("GET", "/v1/history/h9/audio"): gone, ("GET", "/v1/history/h9"): gone})
    with client_for(transport) as client:
        with pytest.raises(e.HistoryItemNotFoundError) as caught:
            client.stream_history_audio("h9")
        assert caught.value.history_item_id == "h9" and "'h9'" in caught.value.cause
        assert "address" not in str(caught.value)  # not blamed on the server address
        with pytest.raises(e.HistoryItemNotFoundError):
            client.get_history_item("h9")


def test_a_server_without_history_is_not_an_item_gone() -> None:
    transport, _ = routes({("GET", "/v1/history/h1"): httpx.Response(404, json={"detail": "Not Found"})})
    with client_for(transport) as client, pytest.raises(e.NotFoundError) as caught:
        client.get_history_item("h1")
    assert not isinstance(caught.value, e.HistoryItemNotFoundError)


def test_history_item_reads_alignments_and_dialogue() -> None:
    item = {"history_item_id": "h1", "date_unix": 1, "character_count_change_from": 10,
            "character_count_change_to": 14, "content_type": "audio/mpeg", "state": "created", "text": "",
            "dialogue": [{"text": "Hi.", "voice_id": "a", "voice_name": "A"}, {"text": "Yo.", "voice_id": "b",
                                                                            "voice_name": "B"}],
            "alignments": {"alignment": {"characters": ["H", "i"], "character_start_times_seconds": [0, 0.1],
                                         "character_end_times_seconds": [0.1, 0.2]},
                           "normalized_alignment": {"characters": ["H", "i"],
                                                    "character_start_times_seconds": [0, 0.1],
                                                    "character_end_times_seconds": [0.1, 0.2]}}}
    transport, _ = routes({("GET", "/v1/history/h1"): item})
    with client_for(transport) as client:
        got = client.get_history_item("h1")
    assert got.characters == 4 and got.spoken_text == "Hi.\nYo."
    assert got.alignments is not None and got.alignments.alignment is not None
    assert got.alignments.alignment.characters == ["H", "i"]


class _Slow(httpx.SyncByteStream):
    """A body that sends one piece, then blocks until released (or the test ends)."""

    def __init__(self) -> None:
        self.release = threading.Event()

    def __iter__(self) -> Iterator[bytes]:
        yield b"ID3" + b"\0" * 1000
        self.release.wait(5)
        raise httpx.ReadError("connection closed")


def test_audio_streams_in_pieces_and_a_cancel_stops_it() -> None:
    body = _Slow()
    transport, _ = routes({("GET", "/v1/history/h1/audio"):
                           httpx.Response(200, headers={"content-type": "audio/mpeg"}, stream=body)})
    token = CancelToken()
    with client_for(transport) as client:
        stream = client.stream_history_audio("h1", cancel=token)
        assert stream.content_type == "audio/mpeg" and not stream.is_zip
        pieces = stream.iter_bytes()
        assert next(pieces).startswith(b"ID3")
        token.cancel()
        body.release.set()
        with pytest.raises(Cancelled):
            next(pieces)
    assert stream.received_bytes == 1003


def test_a_download_that_breaks_off_says_how_much_arrived() -> None:
    body = _Slow()
    body.release.set()
    transport, _ = routes({("POST", "/v1/history/download"):
                           httpx.Response(200, headers={"content-type": "application/zip"}, stream=body)})
    with client_for(transport) as client:
        stream = client.download_history(["h1", "h2"])
        assert stream.is_zip
        with pytest.raises(e.DownloadInterruptedError) as caught:
            stream.read_all()
    assert caught.value.received_bytes == 1003 and "costs no credits" in caught.value.remedy


def test_download_body_and_refusals() -> None:
    transport, seen = routes({
        ("POST", "/v1/history/download"): lambda r: httpx.Response(
            200, content=b"PK\x03\x04", headers={"content-type": "application/zip"})})
    with client_for(transport) as client:
        with client.download_history(["h1", "h2"], output_format="wav") as stream:
            assert stream.read_all() == b"PK\x03\x04"
        assert json.loads(seen[-1].content) == {"history_item_ids": ["h1", "h2"], "output_format": "wav"}
        with client.download_history(["h1"]) as stream:
            stream.read_all()
        assert json.loads(seen[-1].content) == {"history_item_ids": ["h1"]}  # no null output_format
        sent = len(seen)
        with pytest.raises(e.InvalidRequestError):
            client.download_history([])
        with pytest.raises(e.InvalidRequestError):
            client.download_history(["h1", " "])
        with pytest.raises(e.InvalidRequestError):
            client.download_history(["h1"], output_format="flac")
        assert len(seen) == sent  # nothing was sent


def test_download_400_inline_body_is_read() -> None:
    refused = httpx.Response(400, json={"error": "invalid_request", "message": "Some ids are invalid"})
    transport, _ = routes({("POST", "/v1/history/download"): refused})
    with client_for(transport) as client, pytest.raises(e.ApiError) as caught:
        client.download_history(["h1", "h2"])
    assert "could not be downloaded" in caught.value.cause and "Some ids are invalid" in caught.value.cause


def test_shared_voices_params_paging_and_parsing() -> None:
    pages = {"0": {"voices": [LIBRARY_VOICE, {**LIBRARY_VOICE, "voice_id": "lib-2"}], "has_more": True,
                   "total_count": 3},
             "1": {"voices": [{**LIBRARY_VOICE, "voice_id": "lib-2"}, {**LIBRARY_VOICE, "voice_id": "lib-3"}],
                   "has_more": False, "total_count": 3}}
    transport, seen = routes({("GET", "/v1/shared-voices"): lambda r: pages[r.url.params.get("page", "0")]})
    query = SharedVoiceQuery(page_size=2, use_cases=("narrative_story", "news"), language="en", gender=" ",
                             featured=True, sort="trending")
    with client_for(transport) as client:
        first = client.search_shared_voices(query)
        assert first.total_count == 3 and first.has_next_page()
        assert first.voices[0].labels["accent"] == "british"
        params = seen[-1].url.params
        assert params.get_list("use_cases") == ["narrative_story", "news"]
        assert params["featured"] == "true" and params["sort"] == "trending" and "gender" not in params
        every = [v.voice_id for v in client.iter_shared_voices(query)]
    assert every == ["lib-1", "lib-2", "lib-3"]  # lib-2 came twice, is listed once
    assert seen[-1].url.params["page"] == "1" and seen[-1].url.params.get_list("use_cases") == [
        "narrative_story", "news"]


def test_shared_voice_query_refusals_name_the_library_ranges() -> None:
    with pytest.raises(e.InvalidRequestError) as caught:
        SharedVoiceQuery(page_size=101)
    assert "between 1 and 100" in caught.value.cause
    with pytest.raises(e.InvalidRequestError) as caught:
        SharedVoiceQuery(sort="name")  # type: ignore[arg-type]
    assert "trending" in caught.value.cause


def test_add_shared_voice_and_its_failures() -> None:
    answers = {
        "lib-1": httpx.Response(200, json={"voice_id": "mine-1"}),
        "gone": httpx.Response(404, json={"detail": {"status": "voice_not_found",
                                                     "message": "A shared voice with the voice_id gone was not found."}}),
        "full": httpx.Response(400, json={"detail": {"status": "voice_limit_reached",
                                                     "message": "You have reached your maximum amount of custom voices"}}),
        "broken": httpx.Response(500, json={"detail": {"status": "something_went_wrong", "message": "Oops"}}),
    }
    transport, seen = routes({("POST", f"/v1/voices/add/owner-1/{k}"): v for k, v in answers.items()})
    with client_for(transport) as client:
        added = client.add_shared_voice("owner-1", "lib-1", "Wren")
        assert added.voice_id == "mine-1" and json.loads(seen[-1].content) == {"new_name": "Wren"}
        with pytest.raises(e.SharedVoiceUnavailableError) as caught:
            client.add_shared_voice("owner-1", "gone", "Old voice")
        assert "'Old voice' can no longer be added" in caught.value.cause and caught.value.voice_id == "gone"
        with pytest.raises(e.SharedVoiceUnavailableError) as caught:
            client.add_shared_voice("owner-1", "full", "Wren")
        assert "voice slots" in caught.value.cause
        with pytest.raises(e.ServerError):
            client.add_shared_voice("owner-1", "broken", "Wren")
        with pytest.raises(e.InvalidRequestError):
            client.add_shared_voice("owner-1", "lib-1", "")


def test_add_shared_voice_is_not_resent_after_the_server_may_have_acted() -> None:
    """An answer that never came (read timeout) is not resent: a second request could add the
    voice twice. (An error status is resent like any refused request: nothing was done.)"""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        raise httpx.ReadTimeout("no answer", request=request)

    transport = httpx.MockTransport(handler)
    with ElevenLabsClient("key-123456", "https://api.test", transport=transport, sleep=lambda s: None) as client:
        with pytest.raises(e.ReadTimeoutError):
            client.add_shared_voice("o", "v", "Name")
    assert len(seen) == 1
