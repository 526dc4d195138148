"""The settings of one server instance."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from studio.server.history_store import DEFAULT_MAX_BYTES, DEFAULT_MAX_ITEMS

#: What the studio and the SDK are told the plan is. "creator" is a paid tier, so the
#: subscribed-user character limits of /v1/models apply to every request.
DEFAULT_TIER = "creator"


@dataclass
class ServerConfig:
    host: str = "127.0.0.1"
    port: int = 8000
    #: When set, every API request must carry this value in ``xi-api-key`` (else 401).
    api_key: str | None = None
    #: A JSON file with a list of extra voice objects, all spoken by the offline voice.
    catalog_path: Path | None = None
    #: The same as ``catalog_path`` but already loaded (the test fixture passes voices directly).
    catalog_voices: list[dict[str, Any]] | None = None
    #: Enables ``/_test/faults`` and friends. Off by default: a normal server never fails on purpose.
    faults_enabled: bool = False
    #: Characters the fake account may spend per period before 401 ``quota_exceeded``.
    character_limit: int = 1_000_000
    tier: str = DEFAULT_TIER
    #: Concurrency the plan allows, reported in ``maximum-concurrent-requests``.
    max_concurrent_requests: int = 5
    #: Speech requests actually allowed at once (doubled for turbo/flash models, as the
    #: header is); one more is refused with 429 ``too_many_concurrent_requests``. None: no
    #: limit (the default, so tests that send many requests at once are not refused). A
    #: test can set it below ``max_concurrent_requests`` to play an account whose other
    #: apps use some of its slots, or equal to it for an honest account.
    concurrency_limit: int | None = None
    #: Start loading the Piper voice when the server starts, so the first request is quick.
    preload_engine: bool = True
    #: Returns the engine for an offline voice id (None = the bundled voice). Tests may pass
    #: their own; the default is ``studio.offline.engine.get_engine``.
    engine_provider: Callable[[str | None], Any] | None = None
    #: Secret for signing page tokens; random per server unless given (tokens do not outlive it).
    token_secret: bytes | None = None
    #: The speech history keeps at most this many generations and this much audio (oldest go).
    history_max_items: int = DEFAULT_MAX_ITEMS
    history_max_bytes: int = DEFAULT_MAX_BYTES
    #: Voice slots of the plan: adding a library voice past this is 400 ``voice_limit_reached``.
    voice_limit: int = 30
    extra: dict[str, Any] = field(default_factory=dict)
