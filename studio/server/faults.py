"""Failures on purpose, for tests (off unless the server runs with ``--faults``).

``POST /_test/faults`` with a JSON fault spec (or a list of them) schedules a fault for the
next ``count`` requests whose route matches ``endpoint``; each matching request consumes one
use of every pending spec that matches it, so a delay and a disconnect can hit the same
request. ``DELETE /_test/faults`` clears them; ``GET /_test/requests`` lists the API requests
served (route names), so a test can prove that a client did not send a second request.

Endpoints: ``"tts"`` (the four text-to-speech routes, the default), ``"history"`` (the five
history routes), ``"library"`` (the shared voice library's two), ``"*"`` (any API route),
or one route name: ``tts_convert``, ``tts_stream``, ``tts_with_timestamps``,
``tts_stream_with_timestamps``, ``voices_search``, ``voices_list``, ``voice_get``,
``voice_settings``, ``voice_settings_default``, ``voice_preview``, ``models_list``,
``subscription``, ``user``, ``history_list``, ``history_get``, ``history_audio``,
``history_delete``, ``history_download``, ``shared_voices``, ``shared_voice_add``.

Kinds:

- ``rate_limit``: 429 with ``Retry-After: retry_after``; ``status`` is
  ``too_many_concurrent_requests`` (default) or ``system_busy``.
- ``server_error``: ``http_status`` (500 default, any 5xx) ``something_went_wrong``.
- ``missing_permission``: 401 ``missing_permissions`` naming ``permission`` (default
  ``speech_history_read``) in the real API's words, as a key without that scope gets.
- ``disconnect``: the connection closes after ``after_bytes`` bytes of the response body.
- ``truncate``: the body ENDS CLEANLY after ``after_bytes`` bytes (a complete chunked
  response that is simply short, as from a proxy that gave up): only the content can tell.
- ``slow``: the body is cut into ``chunk_bytes`` pieces (default: as produced) with
  ``chunk_delay`` seconds between pieces.
- ``delay``: ``delay`` seconds before the response starts (before the first byte). On the
  speech routes the server already makes speech during the delay, as a remote one would,
  and holds back only the first byte; elsewhere it simply waits.
- ``malformed_line``: line ``at_chunk`` of a with-timestamps stream is cut-off JSON.
- ``invalid_base64``: ``audio_base64`` of line ``at_chunk`` is not base64.
- ``unequal_alignment``: the alignment arrays of line ``at_chunk`` differ in length.
- ``relative_times``: every chunk's times start at 0 instead of continuing (relative).
"""

from __future__ import annotations

import threading
from collections import deque
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

FaultKind = Literal[
    "rate_limit", "server_error", "missing_permission", "disconnect", "truncate", "slow", "delay",
    "malformed_line", "invalid_base64", "unequal_alignment", "relative_times",
]
#: Kinds answered with an error status before the route runs.
STATUS_KINDS = ("rate_limit", "server_error", "missing_permission")
#: Endpoint groups a spec may name instead of one route (route names start with the prefix).
ENDPOINT_GROUPS = {"tts": "tts_", "history": "history_", "library": "shared_voice"}


def permission_message(permission: str) -> str:
    """The real API's words for a scoped key without ``permission`` (a captured answer)."""
    return f"The API key you used is missing the permission {permission} to execute this operation."
NDJSON_KINDS = ("malformed_line", "invalid_base64", "unequal_alignment", "relative_times")


class FaultSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: FaultKind
    endpoint: str = "tts"
    count: int = Field(default=1, ge=1, le=1000)
    status: Literal["too_many_concurrent_requests", "system_busy"] = "too_many_concurrent_requests"
    retry_after: int = Field(default=1, ge=0, le=3600)
    http_status: int = Field(default=500, ge=500, le=599)
    after_bytes: int = Field(default=0, ge=0)
    chunk_delay: float = Field(default=0.05, ge=0.0, le=30.0)
    chunk_bytes: int | None = Field(default=None, ge=1)
    delay: float = Field(default=0.5, ge=0.0, le=120.0)
    at_chunk: int = Field(default=0, ge=0)
    permission: str = Field(default="speech_history_read", pattern=r"^[a-z_]{1,60}$")

    def matches(self, route_name: str) -> bool:
        if self.endpoint == "*":
            return True
        if self.endpoint in ENDPOINT_GROUPS:
            return route_name.startswith(ENDPOINT_GROUPS[self.endpoint])
        return self.endpoint == route_name


class FaultInjector:
    """Pending faults, consumed by matching requests. Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: list[list] = []  # [spec, uses_left]
        self._log: deque[dict[str, str]] = deque(maxlen=10_000)

    def schedule(self, specs: list[FaultSpec]) -> int:
        with self._lock:
            self._pending.extend([spec, spec.count] for spec in specs)
            return len(self._pending)

    def clear(self) -> None:
        with self._lock:
            self._pending.clear()

    def pending(self) -> list[dict]:
        with self._lock:
            return [{**spec.model_dump(), "uses_left": left} for spec, left in self._pending]

    def take(self, route_name: str) -> list[FaultSpec]:
        """The faults for this request (one use of each matching spec)."""
        taken: list[FaultSpec] = []
        with self._lock:
            for item in self._pending:
                if item[0].matches(route_name):
                    taken.append(item[0])
                    item[1] -= 1
            self._pending = [item for item in self._pending if item[1] > 0]
        return taken

    def record(self, method: str, path: str, route_name: str) -> None:
        with self._lock:
            self._log.append({"method": method, "path": path, "route": route_name})

    def requests(self) -> list[dict[str, str]]:
        with self._lock:
            return list(self._log)

    def clear_requests(self) -> None:
        with self._lock:
            self._log.clear()
