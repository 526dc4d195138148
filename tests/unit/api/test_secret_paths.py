"""The key stays out of errors and DEBUG logs on the failure paths loopback cannot produce
(DNS, offline, connect timeout, an odd error body). Real-TCP paths: tests/integration/api."""

from __future__ import annotations

import errno
import logging
import socket
import traceback

import httpx
import pytest

from studio.api import errors as e
from studio.api.client import ElevenLabsClient
from studio.api.requests import TextToSpeechRequest
from studio.api.retry import RetryPolicy

KEY = "sk_unit_secret_4f9a0c2e7b1d"


def chained(exc: httpx.TransportError, cause: BaseException) -> httpx.TransportError:
    exc.__context__ = cause
    return exc


@pytest.mark.parametrize(
    ("failure", "expected"),
    [
        (lambda r: chained(httpx.ConnectError("[Errno -2] Name or service not known", request=r),
                           socket.gaierror(-2, "Name or service not known")), e.DnsError),
        (lambda r: chained(httpx.ConnectError("[Errno 101] Network is unreachable", request=r),
                           OSError(errno.ENETUNREACH, "Network is unreachable")), e.OfflineError),
        (lambda r: httpx.ConnectTimeout("timed out", request=r), e.ConnectTimeoutError),
        (lambda r: httpx.ReadTimeout("timed out", request=r), e.ReadTimeoutError),
        (lambda r: httpx.Response(400, json={"detail": {"status": "weird", "message": f"bad key {KEY}",
                                                        "echo": KEY}}), e.ApiError),
        # A 422 whose field reason echoes the key: the reasons are shown to people too.
        (lambda r: httpx.Response(422, json={"detail": [{"loc": ["header", "xi-api-key"], "msg": f"bad key {KEY}",
                                                         "type": "value_error", "input": KEY}]}), e.ValidationError),
    ],
)
def test_no_key_in_errors_or_debug_logs(failure, expected: type, caplog: pytest.LogCaptureFixture) -> None:  # type: ignore[no-untyped-def]
    for name in ("", "httpx", "httpcore", "studio"):
        caplog.set_level(logging.DEBUG, logger=name)
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        outcome = failure(request)
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    with ElevenLabsClient(KEY, "https://api.test", transport=httpx.MockTransport(handler),
                          retry_policy=RetryPolicy(max_retries=1, base_delay=0.0), sleep=lambda s: None) as client:
        with pytest.raises(expected) as caught:
            client.convert(TextToSpeechRequest(voice_id="v", text="Hi"))
        with pytest.raises(expected):
            client.list_models()
    assert sent and sent[0].headers["xi-api-key"] == KEY  # the key was in play
    error = caught.value
    texts = [str(error), repr(error), "".join(traceback.format_exception(error)), caplog.text,
             str(getattr(error, "server_message", ""))]
    assert not [t for t in texts if KEY in t]
