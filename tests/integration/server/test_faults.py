"""Fault injection: each kind does exactly what it promises, and only to matching requests."""

from __future__ import annotations

import base64
import binascii
import json
import threading
import time

import httpx
import pytest

from tests.fixtures.local_server import LocalServer, run_server
from tests.integration.server.conftest import OFFLINE_VOICE

TTS = f"/v1/text-to-speech/{OFFLINE_VOICE}"
TEXT = "First sentence is here. Second one follows it. And a third to finish."


def _ndjson(http: httpx.Client, **params: str) -> list[str]:
    response = http.post(f"{TTS}/stream/with-timestamps", params={"output_format": "pcm_16000", **params},
                         json={"text": TEXT})
    assert response.status_code == 200
    return [line for line in response.text.split("\n") if line]


@pytest.mark.parametrize("status", ["too_many_concurrent_requests", "system_busy"])
def test_rate_limit_then_success(http: httpx.Client, local_server: LocalServer, status: str) -> None:
    local_server.inject({"kind": "rate_limit", "status": status, "retry_after": 3})
    first = http.post(TTS, json={"text": "Hi."})
    assert first.status_code == 429
    assert first.headers["retry-after"] == "3"
    assert first.json()["detail"]["status"] == status
    assert http.post(TTS, json={"text": "Hi."}).status_code == 200  # the fault was used up


def test_server_error_count_and_endpoint_matching(http: httpx.Client, local_server: LocalServer) -> None:
    local_server.inject({"kind": "server_error", "http_status": 503, "count": 2, "endpoint": "tts_stream"})
    assert http.get("/v1/models").status_code == 200  # not a matching route
    assert http.post(TTS, json={"text": "Hi."}).status_code == 200  # convert is not tts_stream
    for _ in range(2):
        failed = http.post(f"{TTS}/stream", json={"text": "Hi."})
        assert failed.status_code == 503
        assert failed.json()["detail"]["status"] == "something_went_wrong"
    assert http.post(f"{TTS}/stream", json={"text": "Hi."}).status_code == 200
    assert local_server.pending_faults() == []


def test_faults_on_non_tts_routes(http: httpx.Client, local_server: LocalServer) -> None:
    local_server.inject({"kind": "rate_limit", "endpoint": "voices_search"},
                        {"kind": "disconnect", "after_bytes": 20, "endpoint": "models_list"})
    assert http.get("/v2/voices").status_code == 429
    with pytest.raises(httpx.RemoteProtocolError):
        http.get("/v1/models")
    assert http.get("/v1/models").status_code == 200


def test_disconnect_after_n_bytes(http: httpx.Client, local_server: LocalServer) -> None:
    local_server.inject({"kind": "disconnect", "after_bytes": 6000, "endpoint": "tts_stream"})
    received = bytearray()
    with pytest.raises(httpx.RemoteProtocolError):
        with http.stream("POST", f"{TTS}/stream", params={"output_format": "pcm_16000"},
                         json={"text": TEXT}) as response:
            assert response.status_code == 200
            for piece in response.iter_bytes():
                received += piece
    assert len(received) == 6000


def test_slow_drip_cuts_the_body_into_small_pieces(http: httpx.Client, local_server: LocalServer) -> None:
    whole = http.post(f"{TTS}/stream", params={"output_format": "pcm_8000"}, json={"text": "Hello.", "seed": 1}).content
    local_server.inject({"kind": "slow", "chunk_bytes": 1000, "chunk_delay": 0.02})
    pieces = []
    with http.stream("POST", f"{TTS}/stream", params={"output_format": "pcm_8000"},
                     json={"text": "Hello.", "seed": 1}) as response:
        pieces = list(response.iter_raw())
    assert b"".join(pieces) == whole
    assert len(pieces) >= len(whole) // 1000
    assert max(len(p) for p in pieces) <= 1000 + 16  # (plus chunked framing slack)


def test_delay_before_the_first_byte(local_server: LocalServer) -> None:
    local_server.inject({"kind": "delay", "delay": 2.0, "endpoint": "models_list"})
    with pytest.raises(httpx.ReadTimeout):
        httpx.get(f"{local_server.base_url}/v1/models", timeout=httpx.Timeout(5.0, read=0.3))
    assert httpx.get(f"{local_server.base_url}/v1/models", timeout=httpx.Timeout(5.0, read=0.3)).status_code == 200
    local_server.clear_faults()


def test_speech_is_made_during_an_injected_delay(http: httpx.Client, local_server: LocalServer) -> None:
    # Like a remote server, the local one makes speech while the client waits and holds back
    # only the first byte: the audio is ready well before the delay ends.
    local_server.inject({"kind": "delay", "delay": 3.0, "endpoint": "tts_convert"})
    started = time.monotonic()
    response = http.post(TTS, params={"output_format": "pcm_16000"}, json={"text": "Hello there."}, timeout=30)
    elapsed = time.monotonic() - started
    assert response.status_code == 200 and len(response.content) > 16000
    assert elapsed >= 3.0
    assert int(response.headers["tts-latency-ms"]) < 3000


def test_malformed_line(http: httpx.Client, local_server: LocalServer) -> None:
    local_server.inject({"kind": "malformed_line", "at_chunk": 1})
    lines = _ndjson(http)
    bad = []
    for index, line in enumerate(lines):
        try:
            json.loads(line)
        except json.JSONDecodeError:
            bad.append(index)
    assert bad == [1]
    assert len(lines) >= 4  # the three sentences are all still there


def test_invalid_base64(http: httpx.Client, local_server: LocalServer) -> None:
    local_server.inject({"kind": "invalid_base64", "at_chunk": 0})
    lines = [json.loads(line) for line in _ndjson(http)]
    with pytest.raises(binascii.Error):
        base64.b64decode(lines[0]["audio_base64"], validate=True)
    base64.b64decode(lines[1]["audio_base64"], validate=True)


def test_unequal_alignment(http: httpx.Client, local_server: LocalServer) -> None:
    local_server.inject({"kind": "unequal_alignment", "at_chunk": 2})
    lines = [json.loads(line) for line in _ndjson(http)]
    a = lines[2]["alignment"]
    assert len(a["characters"]) == len(a["character_start_times_seconds"]) == len(a["character_end_times_seconds"]) + 1
    b = lines[1]["alignment"]
    assert len(b["characters"]) == len(b["character_end_times_seconds"])


def test_relative_times(http: httpx.Client, local_server: LocalServer) -> None:
    absolute = [json.loads(line)["alignment"] for line in _ndjson(http)]
    local_server.inject({"kind": "relative_times"})
    relative = [json.loads(line)["alignment"] for line in _ndjson(http)]
    absolute = [a for a in absolute if a]
    relative = [a for a in relative if a]
    assert absolute[1]["character_start_times_seconds"][0] > absolute[0]["character_end_times_seconds"][-1]
    for a in relative:
        assert a["character_start_times_seconds"][0] < 0.5  # every chunk starts near 0 again
    assert relative[1]["character_start_times_seconds"][0] < relative[0]["character_end_times_seconds"][-1]


def test_invalid_fault_spec_is_422(local_server: LocalServer) -> None:
    response = httpx.post(f"{local_server.base_url}/_test/faults", json={"kind": "explode"})
    assert response.status_code == 422
    response = httpx.post(f"{local_server.base_url}/_test/faults", json={"kind": "server_error", "http_status": 404})
    assert response.status_code == 422


def test_request_log_counts_requests(http: httpx.Client, local_server: LocalServer) -> None:
    local_server.clear_requests()
    http.get("/v1/models")
    http.post(TTS, json={"text": "Hi."})
    assert [r["route"] for r in local_server.requests()] == ["models_list", "tts_convert"]
    assert len(local_server.requests("tts_convert")) == 1


def test_server_stops_without_leaving_threads() -> None:
    before = {t.ident for t in threading.enumerate()}
    with run_server() as running:
        # A streamed request in flight when the server stops must not keep it alive.
        assert httpx.get(f"{running.base_url}/v1/models").status_code == 200
        assert httpx.post(f"{running.base_url}{TTS}", json={"text": "Hello there."}, timeout=60).status_code == 200
    # anyio's pool threads are told to stop when the server's event loop ends; they exit a
    # moment later, so give them a bounded grace period before calling any thread a leak.
    deadline = time.monotonic() + 5
    leftover = [t for t in threading.enumerate() if t.ident not in before and t.is_alive()]
    while leftover and time.monotonic() < deadline:
        leftover[0].join(timeout=0.1)
        leftover = [t for t in leftover if t.is_alive()]
    assert leftover == []


def test_a_concurrency_limit_refuses_one_more_uncharged_and_counts_it() -> None:
    with run_server(concurrency_limit=1, max_concurrent_requests=1) as running, \
            httpx.Client(base_url=running.base_url, timeout=60) as http:
        running.inject({"kind": "slow", "chunk_bytes": 4000, "chunk_delay": 0.1, "endpoint": "tts_stream"})
        with http.stream("POST", f"{TTS}/stream", params={"output_format": "pcm_16000"},
                         json={"text": "Hello there, this is the first."}) as first:
            assert first.status_code == 200 and first.headers["maximum-concurrent-requests"] == "1"
            body = first.iter_bytes()  # kept: a dropped iterator would close the stream
            next(body)  # the first is running
            spent = running.state.usage.character_count
            second = http.post(TTS, json={"text": "One more."})
            assert second.status_code == 429
            assert second.json()["detail"]["status"] == "too_many_concurrent_requests"
            assert "maximum of 1 concurrent" in second.json()["detail"]["message"]
            assert running.state.usage.character_count == spent  # a refusal costs nothing
            for _rest in body:  # read to the end: the slot is free before the last byte
                pass
        assert http.post(TTS, json={"text": "Now there is room."}).status_code == 200
        seen = running.concurrency()
        assert (seen["refused"], seen["peak"], seen["active"], seen["limit"]) == (1, 1, 0, 1)


def test_control_routes_need_the_key_and_exist_only_with_faults() -> None:
    key = "sk_control_route_key_0123"
    with run_server(api_key=key) as running:
        for method, path in (("GET", "/_test/requests"), ("POST", "/_test/faults"), ("GET", "/_test/concurrency"),
                             ("DELETE", "/_test/faults")):
            refused = httpx.request(method, f"{running.base_url}{path}", json={"kind": "disconnect"})
            assert refused.status_code == 401, path
            assert refused.json()["detail"]["status"] == "invalid_api_key"
        assert running.pending_faults() == []  # nothing was scheduled by the refused POST
        assert running.requests() == []  # control routes are not logged as API requests
    with run_server(api_key=key, faults=False) as running:
        assert httpx.get(f"{running.base_url}/_test/requests", headers={"xi-api-key": key}).status_code == 404
