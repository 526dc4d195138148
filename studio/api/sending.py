"""The one place the client sends requests: retries, the key header, typed errors, decoding.

What every call of :class:`~studio.api.client.ElevenLabsClient` shares:

* failures become :mod:`studio.api.errors` classes (:mod:`studio.api.error_mapping`);
* GETs are retried on rate limits, server errors and network failures with capped,
  jittered backoff honouring ``Retry-After`` (:mod:`studio.api.retry`). Text-to-speech
  calls are retried only when the server cannot have produced audio: an error status, or a
  connection that failed before the request reached it — but never a 429
  ``too_many_concurrent_requests``, which goes straight to the caller, who decides how many
  requests run at once (long-form lowers its concurrency on it). A read timeout or a drop after the
  server accepted a TTS request is never retried: asking again would charge twice;
* the key header goes only to the configured server's origin (:class:`_ApiKeyAuth`).

A mixin: the client holds the state these methods use (``_http``, ``_retry``, ``_sleep``,
``_host``, ``has_api_key``).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from typing import Any, Protocol, TypeVar

import httpx
from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError

from studio.api import errors as e
from studio.api.downloads import read_and_close
from studio.api.error_mapping import error_from_response, error_from_transport
from studio.api.retry import RetryPolicy

__all__ = ["API_KEY_HEADER", "Cancellable", "RequestCancelledError", "RequestSender", "decode_json"]

log = logging.getLogger("studio.api.client")  # the name the client's log lines always had

M = TypeVar("M", bound=BaseModel)

API_KEY_HEADER = "xi-api-key"


class Cancellable(Protocol):
    """What the client needs of a cancel token (studio.cancel.CancelToken fits)."""

    def wait(self, seconds: float) -> bool: ...

    def on_cancel(self, callback: Callable[[], None]) -> Callable[[], None]: ...


class RequestCancelledError(e.ApiError):
    """The caller cancelled while the client was waiting to retry."""


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    return (url.scheme, url.host, url.port)


def decode_json(content: bytes, what: str) -> Any:
    """``content`` as JSON; MalformedResponseError ("The server's {what} is not valid JSON") if not."""
    try:
        return json.loads(content)
    except ValueError:
        raise e.MalformedResponseError(f"The server's {what} is not valid JSON", e.ADDRESS_REMEDY) from None


class _ApiKeyAuth(httpx.Auth):
    """Adds the key header, but only on requests to the configured server's origin.

    Voice previews live on other hosts (cloud storage): they must never see the key.
    """

    def __init__(self, base_url: httpx.URL) -> None:
        self._origin = _origin(base_url)
        self.key: str | None = None

    def auth_flow(self, request: httpx.Request) -> Iterator[httpx.Request]:
        if self.key and _origin(request.url) == self._origin:
            request.headers[API_KEY_HEADER] = self.key
        yield request

    def __repr__(self) -> str:
        return "_ApiKeyAuth(key=[hidden])" if self.key else "_ApiKeyAuth(key=None)"


def _never_reached_server(exc: httpx.TransportError) -> bool:
    """True when the request certainly was not processed (safe to send again, even TTS)."""
    if isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)):
        return True
    # A kept-alive connection the server had already closed: it never read our request.
    return isinstance(exc, httpx.RemoteProtocolError) and "without sending a response" in str(exc)


class RequestSender:
    """``_send`` and the readers over it; mixed into :class:`~studio.api.client.ElevenLabsClient`."""

    _http: httpx.Client
    _retry: RetryPolicy
    _sleep: Callable[[float], None]
    _host: str

    has_api_key: bool  # a property of the client


    def _send(
        self,
        method: str,
        path: str,
        *,
        params: Any = None,
        json: Any = None,
        tts: bool = False,
        voice_id: str | None = None,
        cancel: Cancellable | None = None,
        absolute_url: str | None = None,
        files: Any = None,
        data: Any = None,
    ) -> httpx.Response:
        """Send with retries; returns an open (streaming) response with a 2xx status.

        The caller must read and close it. ``tts`` marks a request that spends credits.
        """
        attempt = 0
        while True:
            request = self._http.build_request(method, absolute_url or path, params=params, json=json,
                                               files=files, data=data)
            try:
                response = self._http.send(request, stream=True)
            except httpx.TransportError as exc:
                # Named after the host asked (a preview may live on another one).
                error: e.ApiError = error_from_transport(exc, request.url.host or self._host)
                log.debug("%s %s failed: %s", method, path, type(exc).__name__)
                if tts and not _never_reached_server(exc):
                    raise error from None  # the server may be generating (and charging)
            else:
                if response.status_code < 400:
                    log.debug(
                        "%s %s -> %d (request-id %s)",
                        method, path, response.status_code, response.headers.get("request-id"),
                    )
                    return response
                content = read_and_close(response)
                error = error_from_response(
                    response.status_code, response.headers, content, has_key=self.has_api_key, voice_id=voice_id
                )
                log.debug("%s %s -> %d %s", method, path, response.status_code, error.api_status or "")
            if tts and isinstance(error, e.RateLimitError) and error.kind == e.REFUSED_FOR_CONCURRENCY:
                # The account's slots are taken (by this caller's other requests, or another
                # app's). Only the caller knows how many it runs: a resend from here would
                # hide the refusal from it and most likely be refused again.
                raise error from None
            delay = self._retry.delay(attempt, error)
            if delay is None:
                raise error from None
            log.info("%s %s: %s; trying again in %.1f s", method, path, error.cause, delay)
            if cancel is not None:
                if cancel.wait(delay):
                    raise RequestCancelledError("Stopped", "") from None
            else:
                self._sleep(delay)
            attempt += 1

    def _get_bytes(
        self, path: str, *, params: Any = None, voice_id: str | None = None, absolute_url: str | None = None
    ) -> bytes:
        attempt = 0
        while True:
            response = self._send("GET", path, params=params, voice_id=voice_id, absolute_url=absolute_url)
            try:
                return response.read()
            except httpx.TransportError as exc:
                # A GET costs nothing: a body cut short is simply fetched again.
                error = error_from_transport(exc, self._host)
                delay = self._retry.delay(attempt, error)
                if delay is None:
                    raise error from None
                self._sleep(delay)
                attempt += 1
            finally:
                response.close()

    def _get_json(self, path: str, *, params: Any = None, voice_id: str | None = None) -> Any:
        return decode_json(self._get_bytes(path, params=params, voice_id=voice_id), f"answer to {path}")

    def _request_json(self, method: str, path: str, what: str, **send: Any) -> Any:
        """Send (see :meth:`_send`, which takes ``send``), read the whole answer, decode its JSON.

        Unlike :meth:`_get_bytes`, an answer that breaks off is not asked for again: these
        requests change something (or spend credits), so sending twice is the caller's call."""
        response = self._send(method, path, **send)
        try:
            content = response.read()
        except httpx.TransportError as exc:
            raise error_from_transport(exc, self._host) from None
        finally:
            response.close()
        return decode_json(content, what)

    @staticmethod
    def _parse(model: type[M], data: Any, what: str) -> M:
        try:
            return model.model_validate(data)
        except PydanticValidationError as error:
            where = ".".join(str(p) for p in error.errors()[0].get("loc", ())) or "the answer"
            raise e.MalformedResponseError(
                f"The server's {what} could not be read ({where})",
                e.ADDRESS_REMEDY,
            ) from None
