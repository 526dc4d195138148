"""The local server keeps a history of what it generates (issue 14, point 5), over loopback TCP.

Each test module gets its own server, so the history holds exactly what these tests made.
"""

from __future__ import annotations

import io
import itertools
import zipfile
from collections.abc import Iterator

import httpx
import pytest

from studio.api import errors as e
from studio.api.client import ElevenLabsClient
from studio.api.requests import HistoryQuery
from studio.server.catalog import generate_voices
from tests.fixtures.local_server import LocalServer, run_server
from tests.integration.server.audio_checks import assert_alignment_covers, assert_speech, decode

OFFLINE_VOICE = "offline-en_US-joe-medium"
TTS = "/v1/text-to-speech/" + OFFLINE_VOICE


@pytest.fixture(scope="module")
def server() -> Iterator[LocalServer]:
    with run_server(catalog=generate_voices(3, seed=3)) as running:
        yield running


@pytest.fixture
def http(server: LocalServer) -> Iterator[httpx.Client]:
    server.state.history.clear()
    with httpx.Client(base_url=server.base_url, timeout=60) as client:
        yield client
    server.clear_faults()


def speak(http: httpx.Client, text: str, suffix: str = "", **params: object) -> httpx.Response:
    response = http.post(TTS + suffix, params={"output_format": "pcm_24000", **params},
                         json={"text": text, "model_id": "eleven_multilingual_v2",
                               "voice_settings": {"stability": 0.3}})
    assert response.status_code == 200, response.text
    return response


def history(http: httpx.Client, **params: object) -> dict:
    response = http.get("/v1/history", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_every_tts_route_is_recorded_with_what_made_it(http: httpx.Client) -> None:
    texts = {"": "The first take.", "/stream": "The second take, streamed.",
             "/with-timestamps": "A third one with times.", "/stream/with-timestamps": "A fourth, streamed with times."}
    headers = {suffix: speak(http, text, suffix).headers for suffix, text in texts.items()}
    items = history(http)["history"]
    assert [i["text"] for i in items] == list(reversed(texts.values()))  # newest first
    for suffix, text in texts.items():
        item = next(i for i in items if i["text"] == text)
        assert item["history_item_id"] == headers[suffix]["history-item-id"]
        assert item["request_id"] == headers[suffix]["request-id"]
        assert (item["voice_id"], item["voice_name"], item["model_id"]) == (
            OFFLINE_VOICE, "Joe (offline)", "eleven_multilingual_v2")
        assert item["settings"]["stability"] == 0.3 and item["settings"]["similarity_boost"] == 0.75
        cost = int(headers[suffix]["character-cost"])
        assert item["character_count_change_to"] - item["character_count_change_from"] == cost == len(text)
        assert item["source"] == "TTS" and item["state"] == "created" and item["output_format"] == "pcm_24000"
        assert item["content_type"] == "audio/mpeg"
        alignment = item["alignments"]["alignment"]
        assert "".join(alignment["characters"]) == text


def test_zero_retention_and_cut_short_generations_are_not_recorded(http: httpx.Client, server: LocalServer) -> None:
    speak(http, "Nobody keeps this one.", enable_logging="false")
    with server.faults({"kind": "disconnect", "after_bytes": 2000}), pytest.raises(httpx.TransportError):
        http.post(TTS + "/stream", params={"output_format": "pcm_24000"},
                  json={"text": "This stream is cut after two kilobytes of its audio, well before the end."}).read()
    assert history(http)["history"] == []


def test_paging_by_cursor_and_every_filter(http: httpx.Client, server: LocalServer) -> None:
    dates = itertools.count(1_800_000_000, 100)
    server.state.history.clock = lambda: next(dates)
    try:
        for n in range(5):
            speak(http, f"Paragraph number {n} about the lighthouse.")
        other = server.state.catalog.entries[-1].voice_id
        http.post(f"/v1/text-to-speech/{other}", params={"output_format": "mp3_44100_128"},
                  json={"text": "A harbour voice.", "model_id": "eleven_turbo_v2_5"}).read()
    finally:
        server.state.history.clock = __import__("time").time
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        page = history(http, page_size=2, **({"start_after_history_item_id": cursor} if cursor else {}))
        pages += 1
        seen += [i["text"] for i in page["history"]]
        assert page["last_history_item_id"] == page["history"][-1]["history_item_id"]
        assert page["scanned_until"] == page["history"][-1]["date_unix"]
        if not page["has_more"]:
            break
        cursor = page["last_history_item_id"]
    assert pages == 3 and seen[0] == "A harbour voice." and len(seen) == len(set(seen)) == 6
    ascending = [i["text"] for i in history(http, sort_direction="asc")["history"]]
    assert ascending == list(reversed(seen))
    assert [i["text"] for i in history(http, voice_id=other)["history"]] == ["A harbour voice."]
    assert len(history(http, model_id="eleven_multilingual_v2")["history"]) == 5
    assert [i["text"] for i in history(http, search="NUMBER 3")["history"]] == ["Paragraph number 3 about the lighthouse."]
    # date_after inclusive, date_before exclusive
    window = history(http, date_after_unix=1_800_000_100, date_before_unix=1_800_000_300)["history"]
    assert [i["date_unix"] for i in window] == [1_800_000_200, 1_800_000_100]
    assert history(http, source="STS")["history"] == []
    assert http.get("/v1/history", params={"page_size": 1001}).status_code == 422
    assert http.get("/v1/history", params={"sort_direction": "sideways"}).status_code == 422
    unknown = http.get("/v1/history", params={"start_after_history_item_id": "nope"})
    assert unknown.status_code == 400 and unknown.json()["detail"]["status"] == "invalid_start_after_history_item_id"


def test_paging_goes_on_after_the_cursor_item_is_deleted(http: httpx.Client) -> None:
    for n in range(3):
        speak(http, f"Item {n}.")
    first = history(http, page_size=1)
    http.delete(f"/v1/history/{first['last_history_item_id']}").raise_for_status()
    rest = history(http, page_size=5, start_after_history_item_id=first["last_history_item_id"])
    assert [i["text"] for i in rest["history"]] == ["Item 1.", "Item 0."]


def test_audio_get_and_delete(http: httpx.Client) -> None:
    text = "The keeper lit the lamp at dusk."
    made = speak(http, text).content
    mp3 = http.post(TTS, params={"output_format": "mp3_44100_128"}, json={"text": "Again, as an MP3 file."}).content
    items = history(http)["history"]
    pcm_item, mp3_item = items[1], items[0]
    audio = http.get(f"/v1/history/{pcm_item['history_item_id']}/audio")
    assert audio.headers["content-type"] == "audio/mpeg"
    samples, rate = decode(audio.content)
    assert rate == 24000 and abs(samples.size - len(made) // 2) < 0.1 * rate  # the same take, as MP3
    assert_speech(samples, rate, text)
    assert http.get(f"/v1/history/{mp3_item['history_item_id']}/audio").content == mp3  # sent as made
    one = http.get(f"/v1/history/{pcm_item['history_item_id']}").json()
    assert one == pcm_item
    assert_alignment_covers(text, **{k.replace("character_", "").replace("_times_seconds", "s"): v
                                     for k, v in one["alignments"]["alignment"].items()})
    deleted = http.delete(f"/v1/history/{pcm_item['history_item_id']}")
    assert deleted.json() == {"status": "ok"}
    for path in ("", "/audio"):
        gone = http.get(f"/v1/history/{pcm_item['history_item_id']}{path}")
        assert gone.status_code == 404 and gone.json()["detail"]["status"] == "history_item_not_found"
    assert http.delete(f"/v1/history/{pcm_item['history_item_id']}").status_code == 404


def test_download_one_several_and_refusals(http: httpx.Client) -> None:
    for text in ("One for the archive.", "Two for the archive."):
        speak(http, text)
    ids = [i["history_item_id"] for i in history(http)["history"]]
    single = http.post("/v1/history/download", json={"history_item_ids": ids[:1]})
    assert single.headers["content-type"] == "audio/mpeg" and decode(single.content)[1] == 24000
    several = http.post("/v1/history/download", json={"history_item_ids": ids})
    assert several.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(several.content)) as archive:
        assert archive.testzip() is None and sorted(archive.namelist()) == sorted(f"{i}.mp3" for i in ids)
    wav = http.post("/v1/history/download", json={"history_item_ids": ids, "output_format": "wav"})
    with zipfile.ZipFile(io.BytesIO(wav.content)) as archive:
        assert all(name.endswith(".wav") for name in archive.namelist())
        assert archive.read(f"{ids[0]}.wav")[:4] == b"RIFF"
    for body in ({"history_item_ids": []}, {"history_item_ids": [ids[0], "missing-id"]}):
        refused = http.post("/v1/history/download", json=body)
        assert refused.status_code == 400 and set(refused.json()) == {"error", "message"}
    assert http.post("/v1/history/download", json={}).status_code == 422


def test_history_is_bounded() -> None:
    with run_server(history_max_items=3) as small, httpx.Client(base_url=small.base_url, timeout=60) as client:
        for n in range(5):
            speak(client, f"Bounded item {n}.")
        assert [i["text"] for i in history(client)["history"]] == [f"Bounded item {n}." for n in (4, 3, 2)]


def test_faults_missing_permission_and_a_download_cut_short(http: httpx.Client, server: LocalServer) -> None:
    speak(http, "Kept safe.")
    speak(http, "Kept safe, too.")
    ids = [i["history_item_id"] for i in history(http)["history"]]
    with server.faults({"kind": "missing_permission", "endpoint": "history"}):
        refused = http.get("/v1/history")
    assert refused.status_code == 401
    assert refused.json()["detail"] == {"status": "missing_permissions", "message": (
        "The API key you used is missing the permission speech_history_read to execute this operation.")}
    with server.faults({"kind": "truncate", "endpoint": "history_download", "after_bytes": 3000}):
        short = http.post("/v1/history/download", json={"history_item_ids": ids})
    assert short.status_code == 200 and len(short.content) == 3000  # a clean, complete, short response
    with pytest.raises(zipfile.BadZipFile):
        zipfile.ZipFile(io.BytesIO(short.content))


def test_studio_client_reads_the_history(server: LocalServer, http: httpx.Client) -> None:
    speak(http, "Read by the studio's own client.")
    with ElevenLabsClient(None, server.base_url) as client:
        items = list(client.iter_history(HistoryQuery(page_size=1)))
        assert [i.text for i in items] == ["Read by the studio's own client."]
        item = client.get_history_item(items[0].history_item_id)
        assert item.characters == len(item.text or "") and item.alignments is not None
        with client.stream_history_audio(item.history_item_id) as stream:
            pieces = list(stream)
        assert stream.content_type == "audio/mpeg" and sum(map(len, pieces)) == stream.received_bytes > 1000
        server.state.history.drop_audio(item.history_item_id)
        with pytest.raises(e.HistoryItemNotFoundError) as caught:
            client.get_history_audio(item.history_item_id)
        assert "no longer in your history" in caught.value.cause
        with server.faults({"kind": "missing_permission", "endpoint": "history"}), \
                pytest.raises(e.PermissionDeniedError) as denied:
            client.list_history()
        assert "History: Read" in denied.value.cause
