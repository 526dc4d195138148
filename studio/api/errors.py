"""Every way a call to the speech service can fail, as one exception tree.

Each class is a :class:`studio.errors.StudioError`: its ``cause`` and ``remedy`` are words a
narrator understands ("Your API key was rejected — open Account to paste a new one"), never
"HTTP 401". The transport details (status code, the API's status string, its message) are
kept as attributes for logs and tests, not for people.

Which class a response becomes is decided in :mod:`studio.api.error_mapping`.
``retryable`` says whether the same request may succeed later *without spending credits
twice*; the client's own retry loop and the long-form generator both read it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from studio.errors import StudioError

if TYPE_CHECKING:
    from studio.api.models import SpeechChunk

KEY_REMEDY = "Open Account to paste a new key (or set the ELEVENLABS_API_KEY environment variable)."
ADDRESS_REMEDY = "Check the server address in Settings (or ELEVENLABS_BASE_URL)."


class ApiError(StudioError):
    """A failure talking to the speech service."""

    def __init__(
        self,
        cause: str,
        remedy: str = "",
        *,
        status_code: int | None = None,
        api_status: str | None = None,
        server_message: str | None = None,
    ) -> None:
        super().__init__(cause, remedy)
        #: HTTP status, for logs and tests only.
        self.status_code = status_code
        #: The API's own status string (``detail.status``), e.g. "quota_exceeded".
        self.api_status = api_status
        #: The server's message, already cleaned of any registered secret.
        self.server_message = server_message


class AuthenticationError(ApiError):
    """The API key was rejected."""


class MissingApiKeyError(AuthenticationError):
    """The server needs a key and none is configured."""


class PermissionDeniedError(ApiError):
    """The key is valid but lacks a permission (scoped keys)."""

    def __init__(self, cause: str, remedy: str = "", *, permission: str | None = None, **kw: object) -> None:
        super().__init__(cause, remedy, **kw)  # type: ignore[arg-type]
        self.permission = permission


class PlanRequiredError(ApiError):
    """The feature needs a higher subscription tier (HTTP 403 ``only_for_creator+``)."""


class QuotaExceededError(ApiError):
    """Not enough credits left for this request."""


#: The 429 ``detail.status`` that means "the account's concurrent-request slots are full"
#: (the other one, ``system_busy``, is a temporary overload of the service).
REFUSED_FOR_CONCURRENCY = "too_many_concurrent_requests"


class RateLimitError(ApiError):
    """Too many requests: ``kind`` is "too_many_concurrent_requests" or "system_busy"."""

    retryable = True

    def __init__(
        self, cause: str, remedy: str = "", *, retry_after: float | None = None, kind: str = "", **kw: object
    ) -> None:
        super().__init__(cause, remedy, **kw)  # type: ignore[arg-type]
        #: Seconds the server asked us to wait (``Retry-After``), if it said.
        self.retry_after = retry_after
        self.kind = kind


class VoiceNotFoundError(ApiError):
    def __init__(self, cause: str, remedy: str = "", *, voice_id: str | None = None, **kw: object) -> None:
        super().__init__(cause, remedy, **kw)  # type: ignore[arg-type]
        self.voice_id = voice_id


class ValidationError(ApiError):
    """The server refused the request's fields (HTTP 422). ``fields`` maps field → reason."""

    def __init__(self, cause: str, remedy: str = "", *, fields: dict[str, str] | None = None, **kw: object) -> None:
        super().__init__(cause, remedy, **kw)  # type: ignore[arg-type]
        self.fields: dict[str, str] = dict(fields or {})


class TextTooLongError(ApiError):
    """The text exceeds the model's per-request character limit."""


class NotFoundError(ApiError):
    """The address does not exist on the server (usually a wrong server address)."""


class HistoryItemNotFoundError(NotFoundError):
    """A history item (or its audio) is gone: deleted, or never on this account."""

    def __init__(self, cause: str, remedy: str = "", *, history_item_id: str | None = None, **kw: object) -> None:
        super().__init__(cause, remedy, **kw)  # type: ignore[arg-type]
        self.history_item_id = history_item_id


class SharedVoiceUnavailableError(ApiError):
    """A voice of the shared library cannot be added (removed, no longer shared, or no free slot)."""

    def __init__(self, cause: str, remedy: str = "", *, voice_id: str | None = None, **kw: object) -> None:
        super().__init__(cause, remedy, **kw)  # type: ignore[arg-type]
        self.voice_id = voice_id


class ServerError(ApiError):
    """The service failed on its side (HTTP 5xx)."""

    retryable = True


class NetworkError(ApiError):
    """No usable answer came back over the network."""

    retryable = True


class OfflineError(NetworkError):
    """This computer has no route to the server."""


class DnsError(NetworkError):
    """The server's name could not be looked up."""


class ConnectError(NetworkError):
    """The server refused or dropped the connection before answering."""


class ConnectTimeoutError(NetworkError):
    """Connecting took too long."""


class ReadTimeoutError(NetworkError):
    """The server stopped sending."""


class TlsError(NetworkError):
    """The secure (HTTPS) connection could not be set up."""

    retryable = False


class StreamInterruptedError(ApiError):
    """Speech stopped arriving part way. ``received_bytes`` says how much audio did arrive.

    The chunks themselves are in ``received_chunks`` only when the stream was opened with
    ``keep_received=True``: a caller that consumes the chunks as they come (the player, the
    exporter) already has them, and a second copy of every chunk would double the memory.

    Never retried automatically: the audio was already charged, and asking again would
    charge a second time. A person may choose to.
    """

    def __init__(
        self,
        cause: str,
        remedy: str = "",
        *,
        received_chunks: list[SpeechChunk] | None = None,
        received_bytes: int | None = None,
        **kw: object,
    ) -> None:
        super().__init__(cause, remedy, **kw)  # type: ignore[arg-type]
        self.received_chunks: list[SpeechChunk] = list(received_chunks or [])
        self._received_bytes = received_bytes

    @property
    def received_bytes(self) -> int:
        if self._received_bytes is not None:
            return self._received_bytes
        return sum(len(chunk.audio) for chunk in self.received_chunks)


class DownloadInterruptedError(ApiError):
    """A download (history audio, a ZIP) stopped part way. Downloading costs no credits, so
    fetching it again is always safe; ``received_bytes`` says how much had arrived."""

    retryable = True

    def __init__(self, cause: str, remedy: str = "", *, received_bytes: int = 0, **kw: object) -> None:
        super().__init__(cause, remedy, **kw)  # type: ignore[arg-type]
        self.received_bytes = received_bytes


class InvalidRequestError(ApiError):
    """A value we were about to send is out of range; raised before any request is made."""

    def __init__(self, cause: str, remedy: str = "", *, field: str | None = None, **kw: object) -> None:
        super().__init__(cause, remedy, **kw)  # type: ignore[arg-type]
        self.field = field


class MalformedResponseError(ApiError):
    """The server answered with something we cannot read."""
