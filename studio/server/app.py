"""The FastAPI app factory: ``create_app(config)``."""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

from studio.server.catalog import CatalogEntry, VoiceCatalog, load_catalog_file
from studio.server.config import ServerConfig
from studio.server.delivery import install_log_filter
from studio.server.errors import ApiHTTPError, api_error_handler
from studio.server.faults import FaultInjector
from studio.server.history_store import HistoryStore
from studio.server.shared_library import SharedLibrary
from studio.server.state import ServerState
from studio.server.usage import Usage
from studio.server.voice_query import PageTokens

log = logging.getLogger(__name__)


def _default_engine_provider(voice_id: str | None) -> Any:
    from studio.offline.engine import get_engine

    return get_engine(voice_id)


def _offline_voices() -> tuple[list[dict[str, Any]], str]:
    from studio.offline.voices import discover_voices

    voices, problems = discover_voices()
    for problem in problems:
        log.warning("%s", problem)
    return [voice.to_api_dict() for voice in voices], voices[0].voice_id


def build_state(config: ServerConfig) -> ServerState:
    offline, default_voice = _offline_voices()
    extra = list(config.catalog_voices or [])
    if config.catalog_path is not None:
        extra += load_catalog_file(config.catalog_path)
    catalog = VoiceCatalog.build(offline, extra, default_voice)
    provider = config.engine_provider or _default_engine_provider
    if config.tone_voice:
        from studio.server import tone_voice

        catalog.add(CatalogEntry(tone_voice.tone_voice(), tone_voice.TONE_ENGINE_VOICE))
        provider = tone_voice.with_tone_engine(provider)
    return ServerState(
        config=config,
        catalog=catalog,
        usage=Usage(config.tier, config.character_limit, config.max_concurrent_requests, config.concurrency_limit),
        faults=FaultInjector(),
        tokens=PageTokens(config.token_secret or secrets.token_bytes(32)),
        engine_provider=provider,
        history=HistoryStore(config.history_max_items, config.history_max_bytes),
        library=SharedLibrary(default_voice, config.voice_limit),
    )


def create_app(config: ServerConfig | None = None) -> FastAPI:
    """An ElevenLabs-compatible app over the offline voice. Raises CatalogError for a bad catalog."""
    config = config or ServerConfig()
    state = build_state(config)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        preload = None
        if config.preload_engine:
            # Load the voice in the background: the server answers voice/model requests at
            # once, and the first speech request waits for the load instead of doing it.
            preload = threading.Thread(target=_preload, args=(state,), name="engine-preload", daemon=True)
            preload.start()
        yield
        if preload is not None:
            preload.join(timeout=30)  # leave no thread behind

    app = FastAPI(
        title="Narration Studio local speech server",
        description="An ElevenLabs-compatible API over the offline Piper voice.",
        lifespan=lifespan,
        openapi_url="/openapi.json",
    )
    app.state.studio = state
    app.add_exception_handler(ApiHTTPError, api_error_handler)

    from studio.server import (routes_account, routes_alignment, routes_dialogue, routes_dictionaries, routes_faults,
                               routes_history, routes_library, routes_tts, routes_voices)

    app.include_router(routes_library.router)  # before routes_voices: /v1/voices/add/... is not a voice id
    app.include_router(routes_voices.router)
    app.include_router(routes_history.router)
    app.include_router(routes_account.router)
    app.include_router(routes_tts.router)
    app.include_router(routes_dialogue.router)
    if config.dictionaries_enabled:
        app.include_router(routes_dictionaries.router)
    app.include_router(routes_alignment.router)
    if config.faults_enabled:
        app.include_router(routes_faults.router)
    install_log_filter()
    return app


def _preload(state: ServerState) -> None:
    try:
        state.engine_provider(None)
    except Exception:  # noqa: BLE001 - a failed preload is retried (and reported) by the first request
        log.exception("Could not preload the offline voice")
