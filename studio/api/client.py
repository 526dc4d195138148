"""The ElevenLabs HTTP client: one pooled ``httpx.Client``, typed answers, typed errors.

Every endpoint the studio uses (ENDPOINTS.md) is one method here. What each method shares:

* requests are validated before sending (:mod:`studio.api.requests`), so nothing that
  would be refused is ever sent;
* failures become :mod:`studio.api.errors` classes (:mod:`studio.api.error_mapping`);
* GETs are retried on rate limits, server errors and network failures with capped,
  jittered backoff honouring ``Retry-After`` (:mod:`studio.api.retry`). Text-to-speech
  calls are retried only when the server cannot have produced audio: an error status, or a
  connection that failed before the request reached it — but never a 429
  ``too_many_concurrent_requests``, which goes straight to the caller, who decides how many
  requests run at once (long-form lowers its concurrency on it). A read timeout or a drop after the
  server accepted a TTS request is never retried, and a stream that breaks after audio
  arrived raises :class:`StreamInterruptedError` with what was received: asking again
  would charge twice;
* the key is sent only to the configured server's origin, never over plain ``http://`` to
  another computer (refused when the key is set: :func:`studio.api.auth.check_key_transport`),
  is registered with :mod:`studio.logsafe`, and appears in no repr, message or log record of ours.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterator
from typing import Any, Protocol, TypeVar
from urllib.parse import urlsplit

import httpx
from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError

from studio import __version__
from studio.api import errors as e
from studio.api import ndjson
from studio.api.auth import DEFAULT_BASE_URL, _checked_url, check_key_transport, load_api_key, resolve_base_url
from studio.api.dialogue_client import DialogueMixin
from studio.api.error_mapping import error_from_response, error_from_transport
from studio.api.forced_alignment import ForcedAlignmentMixin
from studio.api.formats import OUTPUT_FORMATS_STREAM, parse_output_format
from studio.api.downloads import read_and_close, socket_waker
from studio.api.history_calls import HistoryLibraryCalls
from studio.api.history_calls import segment as _segment
from studio.api.models import (
    Model,
    SpeechChunk,
    Subscription,
    Voice,
    VoiceSettings,
    VoicesPage,
    lenient_voice_settings,
)
from studio.api.pages import VoicePage, iter_all_voices
from studio.api.requests import TextToSpeechRequest, VoiceSearch
from studio.api.retry import RetryPolicy
from studio.api.streaming import AlignmentClock, ResponseInfo, SpeechResult, SpeechStream, whole_samples
from studio.logsafe import register_secret

log = logging.getLogger(__name__)

M = TypeVar("M", bound=BaseModel)

#: Connecting should be quick; a TTS answer may take long to start (long texts).
DEFAULT_TIMEOUT = httpx.Timeout(connect=10.0, read=120.0, write=30.0, pool=30.0)
#: Enough for the largest plan's concurrency (30), kept alive between requests.
DEFAULT_LIMITS = httpx.Limits(max_connections=32, max_keepalive_connections=16, keepalive_expiry=30.0)
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


class ElevenLabsClient(HistoryLibraryCalls, ForcedAlignmentMixin, DialogueMixin):
    """A connection to an ElevenLabs-compatible server. Thread-safe; one per app.

    History and shared-library calls come from :class:`~studio.api.history_calls.HistoryLibraryCalls`."""

    def __init__(
        self,
        api_key: str | None = None,
        base_url: str = DEFAULT_BASE_URL,
        *,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        max_retries: int = 2,
        transport: httpx.BaseTransport | None = None,
        retry_policy: RetryPolicy | None = None,
        limits: httpx.Limits = DEFAULT_LIMITS,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._base_url = _checked_url(base_url, "the client")
        self._host = urlsplit(self._base_url).hostname or self._base_url
        self._retry = retry_policy or RetryPolicy(max_retries=max_retries)
        self._sleep = sleep
        self._auth = _ApiKeyAuth(httpx.URL(self._base_url))
        self.set_api_key(api_key)
        self._http = httpx.Client(
            base_url=self._base_url,
            timeout=timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout),
            limits=limits,
            transport=transport,
            auth=self._auth,
            headers={"user-agent": f"narration-studio/{__version__}"},
            follow_redirects=False,  # redirects would carry the key header to another host
        )

    @classmethod
    def from_environment(cls, base_url_setting: str | None = None, **kwargs: Any) -> ElevenLabsClient:
        """Key from the keyring or ``ELEVENLABS_API_KEY``; address from the setting or env."""
        return cls(load_api_key(), resolve_base_url(base_url_setting), **kwargs)

    # --- configuration --------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return self._base_url

    @property
    def has_api_key(self) -> bool:
        return self._auth.key is not None

    def set_api_key(self, api_key: str | None) -> None:
        """Use ``api_key`` from now on. Raises InsecureAddressError (and keeps no key) when
        the server address would carry it unencrypted off this computer."""
        key = api_key.strip() if api_key else None
        register_secret(key)
        if key:
            check_key_transport(self._base_url)
        self._auth.key = key or None

    def __repr__(self) -> str:
        key = "[hidden]" if self.has_api_key else None
        return f"ElevenLabsClient(base_url={self._base_url!r}, api_key={key!r})"

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> ElevenLabsClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- the one place requests are sent ----------------------------------------------

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

    # --- voices ----------------------------------------------------------------------

    def search_voices(self, search: VoiceSearch | None = None) -> VoicePage:
        """One page of ``GET /v2/voices``; ``page.next_page()`` fetches the next."""
        search = (search or VoiceSearch()).check()
        raw = self._parse(VoicesPage, self._get_json("/v2/voices", params=search.to_params()), "voice list")
        return VoicePage(
            voices=raw.voices,
            has_more=raw.has_more,
            total_count=raw.total_count,
            next_page_token=raw.next_page_token,
            fetch_next=lambda token: self.search_voices(search.with_token(token)),
        )

    def iter_voices(self, search: VoiceSearch | None = None) -> Iterator[Voice]:
        """Every voice matching ``search``, each once, fetching pages as needed."""
        return iter_all_voices(self.search_voices(search))

    def list_voices_legacy(self, show_legacy: bool | None = None) -> list[Voice]:
        """``GET /v1/voices`` (stops working past 500 voices: prefer :meth:`search_voices`)."""
        params = {} if show_legacy is None else {"show_legacy": "true" if show_legacy else "false"}
        return self._parse(VoicesPage, self._get_json("/v1/voices", params=params), "voice list").voices

    def get_voice(self, voice_id: str) -> Voice:
        path = f"/v1/voices/{_segment(voice_id, 'voice_id')}"
        return self._parse(Voice, self._get_json(path, voice_id=voice_id), "voice")

    def get_voice_settings(self, voice_id: str) -> VoiceSettings:
        path = f"/v1/voices/{_segment(voice_id, 'voice_id')}/settings"
        return lenient_voice_settings(self._get_json(path, voice_id=voice_id) or {}) or VoiceSettings()

    def get_default_voice_settings(self) -> VoiceSettings:
        return lenient_voice_settings(self._get_json("/v1/voices/settings/default") or {}) or VoiceSettings()

    # --- models, account -------------------------------------------------------------------

    def list_models(self) -> list[Model]:
        """Every model the server lists (filter on ``can_do_text_to_speech`` for TTS)."""
        data = self._get_json("/v1/models")
        if not isinstance(data, list):
            raise e.MalformedResponseError(
                "The server's model list could not be read (not a list)",
                e.ADDRESS_REMEDY,
            )
        return [self._parse(Model, item, "model list") for item in data]

    def get_subscription(self) -> Subscription:
        return self._parse(Subscription, self._get_json("/v1/user/subscription"), "subscription")

    def get_user(self) -> dict[str, Any]:
        """``GET /v1/user`` as a plain dict (the studio only shows a few fields)."""
        data = self._get_json("/v1/user")
        return data if isinstance(data, dict) else {}

    def download(self, url: str, *, max_redirects: int = 5) -> bytes:
        """Fetch a public file (a voice preview). The key goes only to our own server."""
        for _ in range(max_redirects + 1):
            absolute = str(httpx.URL(self._base_url).join(url))
            response = self._send("GET", absolute, absolute_url=absolute)
            if response.is_redirect and response.headers.get("location"):
                response.close()
                # Each hop is a fresh request, so the key check runs for the new host.
                url = str(httpx.URL(absolute).join(response.headers["location"]))
                continue
            try:
                return response.read()
            except httpx.TransportError as exc:
                raise error_from_transport(exc, urlsplit(absolute).hostname or "") from None
            finally:
                response.close()
        raise e.ApiError("The file kept redirecting", "Try again later.")

    # --- text to speech -------------------------------------------------------------------

    def _tts_response(
        self, request: TextToSpeechRequest, suffix: str, *, stream: bool, cancel: Cancellable | None
    ) -> httpx.Response:
        request = request.check()
        if stream and request.output_format not in OUTPUT_FORMATS_STREAM:
            raise e.InvalidRequestError(
                f"Output format must be one of {', '.join(OUTPUT_FORMATS_STREAM)} when streaming "
                f"(got {request.output_format!r})",
                "Pick a non-WAV format for streaming. Nothing was sent.",
                field="output_format",
            )
        path = f"/v1/text-to-speech/{_segment(request.voice_id, 'voice_id')}{suffix}"
        return self._send(
            "POST",
            path,
            params=request.to_params(),
            json=request.to_body(),
            tts=True,
            voice_id=request.voice_id,
            cancel=cancel,
        )

    def _interrupted(self, exc: BaseException, received: list[SpeechChunk],
                     got: int | None = None) -> e.StreamInterruptedError:
        if got is None:
            got = sum(len(c.audio) for c in received)
        network = error_from_transport(exc, self._host) if isinstance(exc, httpx.TransportError) else None
        reason = f" ({network.cause})" if network else ""
        return e.StreamInterruptedError(
            f"The speech stopped arriving part way{reason}; {got} bytes of audio were received",
            "Generate again to get the rest. That will use credits again.",
            received_chunks=received,
            received_bytes=got,
        )

    def _read_whole(self, response: httpx.Response) -> bytes:
        parts: list[bytes] = []
        try:
            for data in response.iter_bytes():
                parts.append(data)
        except httpx.TransportError as exc:
            raise self._interrupted(exc, [SpeechChunk(audio=b"".join(parts))] if parts else []) from None
        finally:
            response.close()
        return b"".join(parts)

    def convert(self, request: TextToSpeechRequest, *, cancel: Cancellable | None = None) -> SpeechResult:
        """``POST /v1/text-to-speech/{voice_id}``: the whole audio at once."""
        response = self._tts_response(request, "", stream=False, cancel=cancel)
        info = ResponseInfo.from_headers(response.headers)
        return SpeechResult(audio=self._read_whole(response), info=info)

    def convert_with_timestamps(
        self, request: TextToSpeechRequest, *, cancel: Cancellable | None = None
    ) -> SpeechResult:
        """``POST /v1/text-to-speech/{voice_id}/with-timestamps``: audio plus character times."""
        response = self._tts_response(request, "/with-timestamps", stream=False, cancel=cancel)
        info = ResponseInfo.from_headers(response.headers)
        chunk = ndjson.parse_object(self._read_whole(response))
        return SpeechResult(
            audio=chunk.audio, info=info, alignment=chunk.alignment, normalized_alignment=chunk.normalized_alignment
        )

    def stream(self, request: TextToSpeechRequest, *, cancel: Cancellable | None = None,
               keep_received: bool = False) -> SpeechStream:
        """``POST /v1/text-to-speech/{voice_id}/stream``: audio bytes as they are made.

        ``keep_received``: also keep every chunk, for a StreamInterruptedError to carry (off by
        default: whoever iterates the stream already has each chunk)."""
        response = self._tts_response(request, "/stream", stream=True, cancel=cancel)
        source = (SpeechChunk(audio=data) for data in response.iter_bytes() if data)
        return self._speech_stream(response, source, request, timestamps=False, cancel=cancel,
                                   keep_received=keep_received)

    def stream_with_timestamps(
        self, request: TextToSpeechRequest, *, cancel: Cancellable | None = None, keep_received: bool = False
    ) -> SpeechStream:
        """``POST /v1/text-to-speech/{voice_id}/stream/with-timestamps`` (NDJSON); see :meth:`stream`."""
        response = self._tts_response(request, "/stream/with-timestamps", stream=True, cancel=cancel)
        source = ndjson.parse_lines(response.iter_lines())
        return self._speech_stream(response, source, request, timestamps=True, cancel=cancel,
                                   keep_received=keep_received)

    def _speech_stream(
        self,
        response: httpx.Response,
        source: Iterator[SpeechChunk],
        request: TextToSpeechRequest,
        *,
        timestamps: bool,
        cancel: Cancellable | None,
        keep_received: bool = False,
    ) -> SpeechStream:
        fmt = parse_output_format(request.output_format)
        chunks: Iterator[SpeechChunk] = source
        if timestamps:
            chunks = map(AlignmentClock(fmt.bytes_per_second).apply, chunks)
        if fmt.is_pcm:
            chunks = whole_samples(chunks)
        stream = SpeechStream(self._guarded(response, chunks, keep_received), ResponseInfo.from_headers(response.headers),
                              on_close=socket_waker(response))
        if cancel is not None:
            cancel.on_cancel(stream.close)
        return stream

    def _guarded(self, response: httpx.Response, chunks: Iterator[SpeechChunk],
                 keep_received: bool = False) -> Iterator[SpeechChunk]:
        """Counts what arrived so a broken stream reports it; always closes the response.

        Only a count by default: keeping every chunk here would hold a second copy of the
        whole take while the caller (the player, the exporter) holds the first."""
        received: list[SpeechChunk] = []
        got = 0
        try:
            for chunk in chunks:
                got += len(chunk.audio)
                if keep_received:
                    received.append(chunk)
                yield chunk
        except httpx.TransportError as exc:
            raise self._interrupted(exc, received, got) from None
        finally:
            response.close()
