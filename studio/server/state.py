"""What every request of one server shares, and the guard that runs before each API route."""

from __future__ import annotations

import asyncio
import hmac
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fastapi import Header, Request

from studio.server.catalog import VoiceCatalog
from studio.server.config import ServerConfig
from studio.server.errors import MESSAGES, ApiHTTPError, invalid_api_key
from studio.server.faults import STATUS_KINDS, FaultInjector, FaultSpec, permission_message
from studio.server.history_store import HistoryStore
from studio.server.shared_library import SharedLibrary
from studio.server.usage import Usage
from studio.server.voice_query import PageTokens


@dataclass
class ServerState:
    config: ServerConfig
    catalog: VoiceCatalog
    usage: Usage
    faults: FaultInjector
    tokens: PageTokens
    engine_provider: Callable[[str | None], Any]
    history: HistoryStore = field(default_factory=HistoryStore)
    library: SharedLibrary = field(default_factory=SharedLibrary)
    previews: OrderedDict[str, bytes] = field(default_factory=OrderedDict)
    previews_lock: threading.Lock = field(default_factory=threading.Lock)


def get_state(request: Request) -> ServerState:
    return request.app.state.studio  # type: ignore[no-any-return]


async def hold_first_byte(request: Request) -> None:
    """Wait until an injected ``delay`` on a speech request has passed since it arrived."""
    first_byte_at = getattr(request.state, "first_byte_at", None)
    if first_byte_at is not None:
        await asyncio.sleep(max(0.0, first_byte_at - time.monotonic()))


def request_faults(request: Request) -> list[FaultSpec]:
    """The body-shaping faults the guard left for this request's route (usually none)."""
    return list(getattr(request.state, "faults", []))


def check_key(request: Request, xi_api_key: str | None = Header(default=None)) -> None:
    """The key check alone: guards the ``/_test`` control routes too, which must neither be
    logged as API requests nor consume faults, but must not be open to whoever can connect
    (they can make the server fail and read what it served)."""
    expected = get_state(request).config.api_key
    if expected is not None and not hmac.compare_digest(
        (xi_api_key or "").encode(), expected.encode()
    ):
        raise invalid_api_key()


async def api_guard(request: Request, xi_api_key: str | None = Header(default=None)) -> None:
    """Runs first on every API route: the key check, the request log and scheduled faults.

    As a dependency it runs before FastAPI raises validation errors, so a wrong key gets 401
    even when the body is also invalid, as with the real API.
    """
    check_key(request, xi_api_key)
    state = get_state(request)
    route = request.scope.get("route")
    route_name = getattr(route, "name", "") or ""
    request.state.faults = []
    if not state.config.faults_enabled:
        return
    state.faults.record(request.method, request.url.path, route_name)
    faults = state.faults.take(route_name)
    delay = sum(fault.delay for fault in faults if fault.kind == "delay")
    if delay and route_name.startswith("tts_"):
        # A remote server makes speech while the client waits: let synthesis run during
        # the delay and hold only the first byte back (see hold_first_byte).
        request.state.first_byte_at = time.monotonic() + delay
    elif delay:
        await asyncio.sleep(delay)
    for fault in faults:
        if fault.kind == "rate_limit":
            message = MESSAGES[fault.status].format(limit=state.usage.max_concurrent)
            raise ApiHTTPError(429, fault.status, message, headers={"Retry-After": str(fault.retry_after)})
        if fault.kind == "server_error":
            raise ApiHTTPError(fault.http_status, "something_went_wrong", MESSAGES["something_went_wrong"])
        if fault.kind == "missing_permission":
            raise ApiHTTPError(401, "missing_permissions", permission_message(fault.permission))
    request.state.faults = [f for f in faults if f.kind not in STATUS_KINDS and f.kind != "delay"]
