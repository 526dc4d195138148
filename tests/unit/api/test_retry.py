"""What is retried, what never is, and how long the client waits."""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx
import pytest

from studio.api import errors as e
from studio.api.client import ElevenLabsClient, RequestCancelledError
from studio.api.requests import TextToSpeechRequest
from studio.api.retry import RetryPolicy
from studio.cancel import CancelToken

BUSY = {"detail": {"status": "system_busy", "message": "busy"}}
BROKEN = {"detail": {"status": "something_went_wrong", "message": "sorry"}}
TTS = TextToSpeechRequest(voice_id="v", text="Hello there.", output_format="mp3_44100_128")


class Script:
    """Answers in turn (the last repeats) and counts the requests."""

    def __init__(self, *answers: httpx.Response | Callable[[httpx.Request], httpx.Response]) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        return answer(request) if callable(answer) else answer


def client_for(script: Script, sleeps: list[float], retries: int = 3) -> ElevenLabsClient:
    return ElevenLabsClient(
        "key-123456", "https://api.test", transport=httpx.MockTransport(script),
        retry_policy=RetryPolicy(max_retries=retries, base_delay=0.5, max_delay=4.0), sleep=sleeps.append,
    )


def models_ok() -> httpx.Response:
    return httpx.Response(200, json=[{"model_id": "m", "can_do_text_to_speech": True}])


def test_policy_backoff_is_capped_and_jittered() -> None:
    policy = RetryPolicy(max_retries=10, base_delay=0.5, max_delay=4.0)
    error = e.ServerError("x")
    for attempt in range(10):
        ceiling = min(4.0, 0.5 * 2**attempt)
        delays = {policy.delay(attempt, error) for _ in range(50)}
        assert all(ceiling / 2 <= d <= ceiling for d in delays)  # type: ignore[operator]
        assert len(delays) > 1, "jittered"
    assert policy.delay(10, error) is None
    assert policy.delay(0, e.AuthenticationError("x")) is None


def test_policy_honours_retry_after_but_not_forever() -> None:
    policy = RetryPolicy(max_retries=3, base_delay=0.5, max_retry_after=60)
    assert 5.0 <= policy.delay(0, e.RateLimitError("x", retry_after=5.0)) <= 5.5  # type: ignore[operator]
    assert policy.delay(0, e.RateLimitError("x", retry_after=600.0)) is None


def test_get_retried_on_429_with_retry_after_then_succeeds() -> None:
    sleeps: list[float] = []
    script = Script(httpx.Response(429, json=BUSY, headers={"retry-after": "2"}), models_ok())
    with client_for(script, sleeps) as client:
        assert [m.model_id for m in client.list_models()] == ["m"]
    assert len(script.requests) == 2 and len(sleeps) == 1 and sleeps[0] >= 2.0


def test_get_retried_on_5xx_and_connection_errors_up_to_the_limit() -> None:
    sleeps: list[float] = []

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("[Errno 111] Connection refused", request=request)

    script = Script(httpx.Response(503, json=BROKEN), refuse, httpx.Response(500, content=b"oops"))
    with client_for(script, sleeps, retries=3) as client, pytest.raises(e.ServerError):
        client.list_models()
    assert len(script.requests) == 4 and len(sleeps) == 3
    # Exponential: attempt n waits between half and all of 0.5 * 2**n seconds.
    assert 0.25 <= sleeps[0] <= 0.5 and 0.5 <= sleeps[1] <= 1.0 and 1.0 <= sleeps[2] <= 2.0


@pytest.mark.parametrize("status", [400, 401, 403, 404, 422])
def test_other_4xx_never_retried(status: int) -> None:
    sleeps: list[float] = []
    script = Script(httpx.Response(status, json={"detail": {"status": "x", "message": "no"}}), models_ok())
    with client_for(script, sleeps) as client, pytest.raises(e.ApiError):
        client.list_models()
    assert len(script.requests) == 1 and sleeps == []


def test_quota_exceeded_never_retried() -> None:
    sleeps: list[float] = []
    script = Script(httpx.Response(401, json={"detail": {"status": "quota_exceeded", "message": "no credits"}}))
    with client_for(script, sleeps) as client, pytest.raises(e.QuotaExceededError):
        client.convert(TTS)
    assert len(script.requests) == 1


@pytest.mark.parametrize("call", ["convert", "stream", "convert_with_timestamps", "stream_with_timestamps"])
def test_tts_retried_on_429_and_5xx_before_any_audio(call: str) -> None:
    sleeps: list[float] = []
    ok_body = (
        json.dumps({"audio_base64": "AAE=", "alignment": None}).encode() if "timestamps" in call else b"\x00\x01"
    )
    script = Script(
        httpx.Response(429, json=BUSY),
        httpx.Response(500, json=BROKEN),
        httpx.Response(200, content=ok_body, headers={"request-id": "r9"}),
    )
    with client_for(script, sleeps) as client:
        result = getattr(client, call)(TTS)
        audio = result.audio if hasattr(result, "audio") else b"".join(c.audio for c in result)
        info = result.info
    assert audio == b"\x00\x01" and info.request_id == "r9"
    assert len(script.requests) == 3 and len(sleeps) == 2


@pytest.mark.parametrize("call", ["convert", "stream_with_timestamps"])
def test_tts_refused_for_concurrency_goes_to_the_caller_at_once(call: str) -> None:
    """The caller decides how many run at once (long-form lowers its concurrency on this):
    a resend from inside the client would hide the refusal and likely be refused again."""
    sleeps: list[float] = []
    many = {"detail": {"status": "too_many_concurrent_requests", "message": "m"}}
    script = Script(httpx.Response(429, json=many, headers={"retry-after": "1"}),
                    httpx.Response(200, content=b"\x00\x01"))
    with client_for(script, sleeps) as client, pytest.raises(e.RateLimitError) as caught:
        getattr(client, call)(TTS)
    assert caught.value.kind == "too_many_concurrent_requests"
    assert len(script.requests) == 1 and sleeps == []
    # A GET costs nothing and has no caller-side concurrency: it is still retried.
    script = Script(httpx.Response(429, json=many, headers={"retry-after": "0"}), models_ok())
    with client_for(script, sleeps) as client:
        client.list_models()
    assert len(script.requests) == 2


def test_tts_retried_when_the_connection_never_reached_the_server() -> None:
    sleeps: list[float] = []

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("[Errno 111] Connection refused", request=request)

    def stale(request: httpx.Request) -> httpx.Response:
        raise httpx.RemoteProtocolError("Server disconnected without sending a response.", request=request)

    script = Script(refuse, stale, httpx.Response(200, content=b"ok"))
    with client_for(script, sleeps) as client:
        assert client.convert(TTS).audio == b"ok"
    assert len(script.requests) == 3


def test_tts_not_retried_after_the_server_may_have_started() -> None:
    # A read timeout means the server accepted the request and may be generating (charging).
    sleeps: list[float] = []

    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    script = Script(slow, httpx.Response(200, content=b"ok"))
    with client_for(script, sleeps) as client, pytest.raises(e.ReadTimeoutError):
        client.convert(TTS)
    assert len(script.requests) == 1 and sleeps == []


def test_get_is_retried_after_read_timeout() -> None:
    sleeps: list[float] = []

    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    script = Script(slow, models_ok())
    with client_for(script, sleeps) as client:
        assert client.list_models()
    assert len(script.requests) == 2


def test_long_retry_after_is_handed_to_the_caller() -> None:
    sleeps: list[float] = []
    script = Script(httpx.Response(429, json=BUSY, headers={"retry-after": "3600"}), models_ok())
    with client_for(script, sleeps) as client, pytest.raises(e.RateLimitError) as caught:
        client.convert(TTS)
    assert caught.value.retry_after == 3600 and len(script.requests) == 1


def test_cancel_during_backoff_stops_at_once() -> None:
    token = CancelToken()
    token.cancel()
    script = Script(httpx.Response(503, json=BROKEN), httpx.Response(200, content=b"ok"))
    with client_for(script, []) as client, pytest.raises(RequestCancelledError):
        client.convert(TTS, cancel=token)
    assert len(script.requests) == 1
