"""Every error body shape and every network failure becomes a typed, readable error."""

from __future__ import annotations

import email.utils
import errno
import json
import socket
import ssl
import time

import httpx
import pytest

from studio.api import errors as e
from studio.api.client import ElevenLabsClient
from studio.api.error_mapping import error_from_response, error_from_transport, parse_error_body, parse_retry_after
from studio.api.retry import NO_RETRY
from studio.errors import StudioError


def body(obj: object) -> bytes:
    return json.dumps(obj).encode()


def mapped(status: int, content: bytes, *, headers: dict[str, str] | None = None, has_key: bool = True) -> e.ApiError:
    return error_from_response(status, httpx.Headers(headers or {}), content, has_key=has_key, voice_id="v1")


def test_detail_object_with_extra_keys() -> None:
    content = body({"detail": {"status": "quota_exceeded", "message": "You have 11 characters remaining.",
                               "character_used": 10059, "character_limit": 10000, "type": "x", "code": "y"}})
    parsed = parse_error_body(content)
    assert parsed.status == "quota_exceeded" and parsed.extra["character_limit"] == 10000
    error = mapped(401, content)
    assert isinstance(error, e.QuotaExceededError)
    assert "11 characters remaining" in error.cause and "credits" in str(error)


def test_detail_list_names_each_field() -> None:
    content = body({"detail": [
        {"loc": ["body", "voice_settings", "stability"], "msg": "Input should be a valid number", "type": "float_type", "input": None},
        {"loc": ["query", "output_format"], "msg": "Input should be 'mp3_44100_128'", "type": "enum"},
    ]})
    error = mapped(422, content)
    assert isinstance(error, e.ValidationError)
    assert error.fields == {
        "voice_settings.stability": "Input should be a valid number",
        "output_format": "Input should be 'mp3_44100_128'",
    }
    assert "voice_settings.stability" in error.cause and "output_format" in error.cause


def test_detail_string() -> None:
    error = mapped(400, body({"detail": "Text is required"}))
    assert type(error) is e.ApiError and "Text is required" in error.cause


def test_bare_top_level_status_and_message() -> None:
    content = body({"status": "internal_server_error", "message": "Internal Server error. All such crashes are reported."})
    error = mapped(500, content)
    assert isinstance(error, e.ServerError) and error.api_status == "internal_server_error"
    assert error.retryable


@pytest.mark.parametrize("content", [b"<html><body>502 Bad Gateway</body></html>", b"", b"upstream connect error"])
def test_non_json_bodies(content: bytes) -> None:
    error = mapped(502, content)
    assert isinstance(error, e.ServerError)
    assert "<html" not in str(error)


def test_missing_key_versus_rejected_key() -> None:
    content = body({"detail": {"status": "invalid_api_key", "message": "Invalid API key"}})
    rejected = mapped(401, content, has_key=True)
    missing = mapped(401, content, has_key=False)
    assert type(rejected) is e.AuthenticationError
    assert "rejected" in rejected.cause and "Account" in rejected.remedy
    assert isinstance(missing, e.MissingApiKeyError)
    assert "ELEVENLABS_API_KEY" in missing.remedy and "Account" in missing.remedy
    needs = mapped(401, body({"detail": {"status": "needs_authorization", "message": "Neither authorization header nor xi-api-key received"}}), has_key=False)
    assert isinstance(needs, e.MissingApiKeyError)


def test_missing_permission_is_named() -> None:
    content = body({"detail": {"status": "missing_permissions",
                               "message": "The API key you used is missing the permission voices_read to execute this operation."}})
    error = mapped(401, content)
    assert isinstance(error, e.PermissionDeniedError)
    assert error.permission == "voices_read" and "voices_read" in str(error)


def test_plan_required() -> None:
    error = mapped(403, body({"detail": {"status": "only_for_creator+", "message": "Only for creator tier and above"}}))
    assert isinstance(error, e.PlanRequiredError) and "plan" in str(error).lower()


@pytest.mark.parametrize("status_code", [400, 404])
@pytest.mark.parametrize("status", ["voice_not_found", "voice_does_not_exist"])
def test_voice_not_found_any_status(status_code: int, status: str) -> None:
    error = mapped(status_code, body({"detail": {"status": status, "message": "A voice with the voice_id v1 was not found."}}))
    assert isinstance(error, e.VoiceNotFoundError) and error.voice_id == "v1" and "'v1'" in error.cause


def test_text_too_long() -> None:
    error = mapped(400, body({"detail": {"status": "max_character_limit_exceeded", "message": "Too long"}}))
    assert isinstance(error, e.TextTooLongError) and "Split" in error.remedy


def test_rate_limit_kinds_and_retry_after() -> None:
    busy = mapped(429, body({"detail": {"status": "system_busy", "message": "busy"}}), headers={"retry-after": "7"})
    assert isinstance(busy, e.RateLimitError) and busy.kind == "system_busy" and busy.retry_after == 7.0
    many = mapped(429, body({"detail": {"status": "too_many_concurrent_requests", "message": "too many"}}))
    assert isinstance(many, e.RateLimitError) and many.kind == "too_many_concurrent_requests"
    assert many.retry_after is None and many.retryable


def test_retry_after_http_date() -> None:
    when = email.utils.formatdate(time.time() + 30, usegmt=True)
    seconds = parse_retry_after(httpx.Headers({"retry-after": when}))
    assert seconds is not None and 25 <= seconds <= 31
    assert parse_retry_after(httpx.Headers({"retry-after": "soon"})) is None


def test_unknown_route_points_at_the_server_address() -> None:
    error = mapped(404, body({"detail": "Not Found"}))
    assert isinstance(error, e.NotFoundError) and "ELEVENLABS_BASE_URL" in error.remedy


def test_all_are_studio_errors_without_transport_words() -> None:
    samples = [
        mapped(s, body(b)) for s, b in [
            (401, {"detail": {"status": "invalid_api_key", "message": "x"}}),
            (429, {"detail": {"status": "system_busy", "message": "x"}}),
            (500, {"detail": {"status": "something_went_wrong", "message": "x"}}),
            (422, {"detail": []}),
            (418, {}),
        ]
    ]
    for error in samples:
        assert isinstance(error, StudioError)
        assert "HTTP" not in str(error) and error.remedy


def _raised(exc: BaseException, context: BaseException | None = None) -> BaseException:
    """``exc`` as raised while handling ``context``, the way httpx chains its errors."""
    try:
        try:
            if context is not None:
                raise context
            raise exc
        except BaseException:
            if context is not None:
                raise exc  # noqa: B904 - keep the implicit context, as httpx does
            raise
    except BaseException as final:  # noqa: BLE001
        return final


@pytest.mark.parametrize(
    ("exc", "context", "expected", "word"),
    [
        (httpx.ConnectError("[Errno -2] Name or service not known"), socket.gaierror(-2, "Name or service not known"), e.DnsError, "find"),
        (httpx.ConnectError("[Errno 101] Network is unreachable"), OSError(errno.ENETUNREACH, "Network is unreachable"), e.OfflineError, "offline"),
        (httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED]"), ssl.SSLCertVerificationError("certificate verify failed"), e.TlsError, "secure"),
        (httpx.ConnectError("[Errno 111] Connection refused"), ConnectionRefusedError(111, "Connection refused"), e.ConnectError, "connect"),
        (httpx.ConnectTimeout("timed out"), None, e.ConnectTimeoutError, "too long"),
        (httpx.ReadTimeout("timed out"), None, e.ReadTimeoutError, "stopped answering"),
        (httpx.RemoteProtocolError("Server disconnected without sending a response."), None, e.ConnectError, "closed"),
    ],
)
def test_network_failures(exc: httpx.TransportError, context: BaseException | None, expected: type, word: str) -> None:
    error = error_from_transport(_raised(exc, context), "api.elevenlabs.io")  # type: ignore[arg-type]
    assert type(error) is expected
    assert word in str(error).lower() and error.remedy
    assert "Errno" not in str(error)


def test_network_failure_through_the_client() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise _raised(httpx.ConnectError("[Errno -3] Temporary failure in name resolution", request=request),
                      socket.gaierror(-3, "Temporary failure in name resolution"))

    with ElevenLabsClient("key-123456", "https://api.test", transport=httpx.MockTransport(handler),
                          retry_policy=NO_RETRY) as client:
        with pytest.raises(e.DnsError, match="Could not find api.test"):
            client.list_models()
