"""The API key never appears in a log record, an exception, a repr or CLI output.

The client runs at DEBUG (httpx and httpcore included) over real TCP through success and
every error path; everything logged or raised is searched for the key. The filter in
studio.logsafe is deliberately NOT installed here: this checks that nothing puts the key in
a message in the first place, rather than that the filter hides it afterwards.
"""

from __future__ import annotations

import io
import logging
import secrets
import traceback
from collections.abc import Callable

import httpx
import pytest

from studio.api import errors as e
from studio.api.client import ElevenLabsClient
from studio.api.requests import TextToSpeechRequest
from studio.api.retry import RetryPolicy
from studio.cli import main
from tests.integration.api.loopback import LoopbackServer, Reply
from tests.integration.api.test_transport import ndjson_line


def detail(status: str, message: str, code: int, headers: dict[str, str] | None = None) -> Reply:
    return Reply.json({"detail": {"status": status, "message": message}}, code, headers)


@pytest.fixture
def key() -> str:
    return "sk_" + secrets.token_hex(20)


def test_key_absent_from_logs_errors_and_reprs(
    loopback: LoopbackServer, key: str, caplog: pytest.LogCaptureFixture
) -> None:
    text = io.StringIO()
    handler = logging.StreamHandler(text)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    for name in ("", "httpx", "httpcore", "studio"):
        caplog.set_level(logging.DEBUG, logger=name)

    loopback.route("GET", "/v1/models", Reply.json([{"model_id": "m", "can_do_text_to_speech": True}]))
    loopback.route("GET", "/v2/voices", Reply.json({"voices": [{"voice_id": "v1", "name": "One"}], "has_more": False}))
    loopback.route("POST", "/v1/text-to-speech/v1/stream/with-timestamps",
                   Reply(parts=[ndjson_line(b"\x01\x00" * 100, "Hi")], headers={"request-id": "r1"}))
    loopback.route("POST", "/v1/text-to-speech/v1", Reply(body=b"\x01\x00" * 10, headers={"request-id": "r2"}))
    loopback.route("POST", "/v1/text-to-speech/v1/stream", Reply(parts=[b"\x01\x00" * 10], drop=True))
    errors_routes: dict[str, Reply] = {
        "/v1/e/invalid": detail("invalid_api_key", "Invalid API key", 401),
        # A server that echoes the key back must not get it into our messages either.
        "/v1/e/echo": detail("invalid_api_key", f"The key {key} is not valid", 401),
        "/v1/e/permission": detail("missing_permissions", "The API key is missing the permission voices_read", 401),
        "/v1/e/quota": detail("quota_exceeded", "This request exceeds your quota", 401),
        "/v1/e/busy": detail("system_busy", "busy", 429, {"retry-after": "0"}),
        "/v1/e/voice": detail("voice_not_found", "A voice with the voice_id x was not found", 404),
        "/v1/e/validation": Reply.json({"detail": [{"loc": ["body", "seed"], "msg": "bad", "type": "x"}]}, 422),
        "/v1/e/server": Reply.json({"status": "internal_server_error", "message": "crash"}, 500),
        "/v1/e/html": Reply(502, {"content-type": "text/html"}, b"<html>Bad gateway</html>"),
        "/v1/e/hang": Reply(hang=True),
    }
    for path, reply in errors_routes.items():
        loopback.route("GET", path, reply)

    raised: list[BaseException] = []

    def expect_error(call: Callable[[], object]) -> None:
        try:
            call()
        except e.ApiError as error:
            raised.append(error)
        else:
            raise AssertionError("an error was expected")

    client = ElevenLabsClient(key, loopback.base_url, retry_policy=RetryPolicy(max_retries=1, base_delay=0.01),
                              timeout=httpx.Timeout(5.0, read=0.5))
    shown = [repr(client)]
    try:
        client.list_models()
        client.search_voices()
        request = TextToSpeechRequest(voice_id="v1", text="Hi", output_format="pcm_16000")
        shown.append(repr(request))
        with client.stream_with_timestamps(request) as stream:
            list(stream)
        shown.append(repr(stream.info))
        client.convert(request)
        expect_error(lambda: list(client.stream(request)))
        for path in errors_routes:
            expect_error(lambda p=path: client._get_json(p))
        expect_error(lambda: TextToSpeechRequest(voice_id="v1", text="Hi", seed=-1))
    finally:
        client.close()
    # Network failures: refused and TLS.
    with ElevenLabsClient(key, "http://127.0.0.1:1", retry_policy=RetryPolicy(max_retries=0)) as refused:
        shown.append(repr(refused))
        expect_error(refused.list_models)
    with ElevenLabsClient(key, loopback.base_url.replace("http:", "https:"), retry_policy=RetryPolicy(max_retries=0)) as tls:
        expect_error(tls.list_models)
    root.removeHandler(handler)

    kinds = {type(x).__name__ for x in raised}
    assert {"AuthenticationError", "PermissionDeniedError", "QuotaExceededError", "RateLimitError",
            "VoiceNotFoundError", "ValidationError", "ServerError", "ReadTimeoutError", "ConnectError",
            "TlsError", "StreamInterruptedError", "InvalidRequestError"} <= kinds
    # The test means something only if the key was really sent and debug logging really ran.
    assert any(r.headers.get("xi-api-key") == key for r in loopback.requests)
    assert any(r.name.startswith("httpcore") for r in caplog.records)
    assert any(r.name.startswith("httpx") for r in caplog.records)

    haystack = [text.getvalue(), caplog.text, *shown]
    haystack += [r.getMessage() for r in caplog.records]
    for error in raised:
        haystack += [str(error), repr(error), "".join(traceback.format_exception(error)), str(error.__dict__)]
    leaks = [h for h in haystack if key in h]
    assert leaks == []


def test_key_absent_from_cli_output(
    loopback: LoopbackServer, key: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ELEVENLABS_API_KEY", key)
    monkeypatch.setenv("ELEVENLABS_BASE_URL", loopback.base_url)
    loopback.route("GET", "/v2/voices", Reply.json({"voices": [{"voice_id": "v1", "name": "One"}], "has_more": False}))
    loopback.route("GET", "/v1/models", detail("invalid_api_key", f"Invalid API key {key}", 401))
    assert main(["-v", "voices", "--json"]) == 0
    assert main(["models", "-v"]) == 1
    out, err = capsys.readouterr()
    assert '"v1"' in out and "rejected" in err
    assert key not in out and key not in err
    assert loopback.requests[0].headers["xi-api-key"] == key
