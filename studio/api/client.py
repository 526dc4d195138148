"""The ElevenLabs HTTP client: one pooled ``httpx.Client``, typed answers, typed errors.

Every endpoint the studio uses (ENDPOINTS.md) is one method of :class:`ElevenLabsClient`,
which is composed of one module per job:

* sending (retries, the key header, errors, JSON): :mod:`studio.api.sending`;
* text to speech: :mod:`studio.api.speech_calls`; dialogue: :mod:`studio.api.dialogue_client`;
  forced alignment: :mod:`studio.api.forced_alignment`;
* history and the shared voice library: :mod:`studio.api.history_calls`;
* here: the configuration, voices, models, the account and public downloads.

Requests are validated before sending (:mod:`studio.api.requests`), so nothing that would be
refused is ever sent. The key is sent only to the configured server's origin, never over
plain ``http://`` to another computer (refused when the key is set:
:func:`studio.api.auth.check_key_transport`), is registered with :mod:`studio.logsafe`, and
appears in no repr, message or log record of ours.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

import httpx

from studio import __version__
from studio.api import errors as e
from studio.api.auth import DEFAULT_BASE_URL, _checked_url, check_key_transport, load_api_key, resolve_base_url
from studio.api.dialogue_client import DialogueMixin
from studio.api.error_mapping import error_from_transport
from studio.api.forced_alignment import ForcedAlignmentMixin
from studio.api.history_calls import HistoryLibraryCalls
from studio.api.history_calls import segment as _segment
from studio.api.models import Model, Subscription, Voice, VoiceSettings, VoicesPage, lenient_voice_settings
from studio.api.pages import VoicePage, iter_all_voices
from studio.api.requests import VoiceSearch
from studio.api.retry import RetryPolicy
from studio.api.sending import (  # noqa: F401 - re-exported: callers import them from here
    API_KEY_HEADER,
    Cancellable,
    RequestCancelledError,
    _ApiKeyAuth,
    decode_json,
)
from studio.api.speech_calls import SpeechCalls
from studio.logsafe import register_secret

__all__ = ["API_KEY_HEADER", "Cancellable", "DEFAULT_LIMITS", "DEFAULT_TIMEOUT", "ElevenLabsClient",
           "RequestCancelledError", "decode_json"]

#: Connecting should be quick; a TTS answer may take long to start (long texts).
DEFAULT_TIMEOUT = httpx.Timeout(connect=10.0, read=120.0, write=30.0, pool=30.0)
#: Enough for the largest plan's concurrency (30), kept alive between requests.
DEFAULT_LIMITS = httpx.Limits(max_connections=32, max_keepalive_connections=16, keepalive_expiry=30.0)


class ElevenLabsClient(SpeechCalls, HistoryLibraryCalls, ForcedAlignmentMixin, DialogueMixin):
    """A connection to an ElevenLabs-compatible server. Thread-safe; one per app.

    Sending and text to speech come from :class:`~studio.api.speech_calls.SpeechCalls` (over
    :class:`~studio.api.sending.RequestSender`); history and shared-library calls from
    :class:`~studio.api.history_calls.HistoryLibraryCalls`."""

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
