"""Each endpoint method asks for the right path and reads the answer (MockTransport)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest

from studio.api import errors as e
from studio.api.client import ElevenLabsClient
from studio.api.requests import HistoryQuery

ITEM = {"history_item_id": "h1", "request_id": "r1", "voice_id": "v1", "text": "Hi", "date_unix": 1,
        "character_count_change_from": 0, "character_count_change_to": 2, "content_type": "audio/mpeg",
        "state": "created", "some_new_field": {"x": 1}}


def routes(table: dict[tuple[str, str], object]) -> tuple[httpx.MockTransport, list[httpx.Request]]:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        answer = table[(request.method, request.url.path)]
        if callable(answer):
            answer = answer(request)
        if isinstance(answer, httpx.Response):
            return answer
        if isinstance(answer, bytes):
            return httpx.Response(200, content=answer)
        return httpx.Response(200, json=answer)

    return httpx.MockTransport(handler), seen


def test_voice_endpoints() -> None:
    transport, seen = routes({
        ("GET", "/v1/voices/v1"): {"voice_id": "v1", "name": "One", "settings": {"stability": 0.2, "speed": 9}},
        ("GET", "/v1/voices/v1/settings"): {"stability": 0.3, "similarity_boost": 0.9, "use_speaker_boost": None},
        ("GET", "/v1/voices/settings/default"): {"stability": 0.5, "similarity_boost": 0.75, "style": 0.0,
                                                 "use_speaker_boost": True, "speed": 1.0},
        ("GET", "/v1/voices"): {"voices": [{"voice_id": "a", "name": "A"}]},
    })
    with ElevenLabsClient("key-123456", "https://api.test", transport=transport) as client:
        voice = client.get_voice("v1")
        # An out-of-range stored speed is dropped; the rest of the settings survive.
        assert voice.settings is not None and voice.settings.stability == 0.2 and voice.settings.speed is None
        settings = client.get_voice_settings("v1")
        assert settings.similarity_boost == 0.9 and settings.use_speaker_boost is None
        assert client.get_default_voice_settings().speed == 1.0
        assert [v.voice_id for v in client.list_voices_legacy(show_legacy=True)] == ["a"]
    assert seen[-1].url.params["show_legacy"] == "true"


def test_account_and_history_endpoints() -> None:
    pages = {
        None: {"history": [ITEM, {**ITEM, "history_item_id": "h2"}], "last_history_item_id": "h2", "has_more": True},
        "h2": {"history": [{**ITEM, "history_item_id": "h3"}], "last_history_item_id": "h3", "has_more": False},
    }
    transport, seen = routes({
        ("GET", "/v1/user/subscription"): {"tier": "pro", "character_count": 5, "character_limit": 10,
                                           "max_credit_limit_extension": "unlimited"},
        ("GET", "/v1/user"): {"user_id": "u1", "subscription": {"tier": "pro"}},
        ("GET", "/v1/history"): lambda r: httpx.Response(200, json=pages[r.url.params.get("start_after_history_item_id")]),
        ("GET", "/v1/history/h1"): ITEM,
        ("GET", "/v1/history/h1/audio"): b"ID3mp3",
        ("DELETE", "/v1/history/h1"): {"status": "ok"},
    })
    with ElevenLabsClient("key-123456", "https://api.test", transport=transport) as client:
        sub = client.get_subscription()
        assert sub.tier == "pro" and sub.max_credit_limit_extension == "unlimited" and sub.characters_remaining == 5
        assert client.get_user()["user_id"] == "u1"
        page = client.list_history(HistoryQuery(page_size=2, voice_id="v1"))
        assert [i.history_item_id for i in page.history] == ["h1", "h2"] and page.has_more
        assert [i.history_item_id for i in client.iter_history(HistoryQuery(page_size=2))] == ["h1", "h2", "h3"]
        item = client.get_history_item("h1")
        assert item.request_id == "r1" and item.model_extra == {"some_new_field": {"x": 1}}
        assert client.get_history_audio("h1") == b"ID3mp3"
        client.delete_history_item("h1")
    assert seen[2].url.params["page_size"] == "2" and seen[2].url.params["voice_id"] == "v1"
    assert seen[-1].method == "DELETE"


@pytest.mark.parametrize(
    ("answer", "match"),
    [
        (httpx.Response(200, content=b"<html>captive portal</html>"), "not valid JSON"),
        (httpx.Response(200, json={"models": []}), "not a list"),
        (httpx.Response(200, json=[{"name": "no id"}]), "could not be read"),
    ],
)
def test_unreadable_answers_are_malformed_response_errors(answer: httpx.Response, match: str) -> None:
    transport = httpx.MockTransport(lambda r: answer)
    with ElevenLabsClient("key-123456", "https://api.test", transport=transport) as client:
        with pytest.raises(e.MalformedResponseError, match=match) as caught:
            client.list_models()
    assert "ELEVENLABS_BASE_URL" in caught.value.remedy


def test_empty_ids_are_refused_before_sending() -> None:
    transport, seen = routes({})
    with ElevenLabsClient("key-123456", "https://api.test", transport=transport) as client:
        for call in (client.get_voice, client.get_voice_settings, client.get_history_audio):
            with pytest.raises(e.InvalidRequestError):
                call("  ")
    assert seen == []


def test_convert_with_timestamps_reads_the_object() -> None:
    body = {"audio_base64": "AAEC", "alignment": {"characters": ["H"], "character_start_times_seconds": [0.0],
                                                  "character_end_times_seconds": [0.1]}, "normalized_alignment": None}
    transport, seen = routes({("POST", "/v1/text-to-speech/v1/with-timestamps"):
                              httpx.Response(200, json=body, headers={"request-id": "r5"})})
    from studio.api.requests import TextToSpeechRequest

    with ElevenLabsClient("key-123456", "https://api.test", transport=transport) as client:
        result = client.convert_with_timestamps(TextToSpeechRequest(voice_id="v1", text="H", output_format="wav_16000"))
    assert result.audio == b"\x00\x01\x02" and result.alignment is not None and result.normalized_alignment is None
    assert result.info.request_id == "r5"
    assert json.loads(seen[0].content) == {"text": "H", "model_id": "eleven_multilingual_v2"}
    assert seen[0].url.params["output_format"] == "wav_16000"


def test_delete_whose_answer_is_cut_short_still_counts_as_deleted() -> None:
    """The 2xx status already says the item is gone: a broken body must not escape as a raw httpx error."""
    closed: list[bool] = []

    class Breaks(httpx.SyncByteStream):
        def __iter__(self) -> Iterator[bytes]:
            yield b'{"sta'
            raise httpx.ReadError("connection reset")

        def close(self) -> None:
            closed.append(True)

    transport, seen = routes({("DELETE", "/v1/history/h1"): httpx.Response(200, stream=Breaks())})
    with ElevenLabsClient("key-123456", "https://api.test", transport=transport) as client:
        client.delete_history_item("h1")
    assert [r.method for r in seen] == ["DELETE"] and closed == [True]


def test_a_preview_host_that_cannot_be_reached_is_named_not_the_api() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    with ElevenLabsClient("key-123456", "https://api.test", transport=httpx.MockTransport(handler),
                          max_retries=0) as client:
        with pytest.raises(e.NetworkError) as caught:
            client.download("https://previews.storage.test/v1.mp3")
    assert "previews.storage.test" in caught.value.cause and "api.test" not in caught.value.cause
