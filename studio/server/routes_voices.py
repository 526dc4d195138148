"""Voice endpoints: /v2/voices (search and paging), /v1/voices, one voice, its settings, a preview."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response

from studio.server.catalog import CatalogEntry
from studio.server.delivery import json_response
from studio.server.errors import validation_detail, voice_not_found
from studio.server.state import ServerState, api_guard, get_state
from studio.server.voice_query import BadPageToken, VoiceQuery, select

router = APIRouter(dependencies=[Depends(api_guard)])

DEFAULT_SETTINGS: dict[str, Any] = {
    "stability": 0.5,
    "similarity_boost": 0.75,
    "style": 0.0,
    "use_speaker_boost": True,
    "speed": 1.0,
}


def public_voice(request: Request, entry: CatalogEntry, with_settings: bool = False) -> dict[str, Any]:
    """The voice as sent: its preview always points at this server, never at another host."""
    voice = dict(entry.voice)
    voice["preview_url"] = str(request.url_for("voice_preview", voice_id=entry.voice_id))
    if with_settings and not voice.get("settings"):
        voice["settings"] = dict(DEFAULT_SETTINGS)
    return voice


def _entry(state: ServerState, voice_id: str) -> CatalogEntry:
    entry = state.catalog.get(voice_id)
    if entry is None:
        raise voice_not_found(voice_id)
    return entry


@router.get("/v2/voices", name="voices_search")
def search_voices(
    request: Request,
    next_page_token: str | None = None,
    page_size: int = Query(default=10, ge=1, le=100),
    search: str | None = None,
    sort: Literal["created_at_unix", "name"] | None = None,
    sort_direction: Literal["asc", "desc"] | None = None,
    voice_type: Literal["personal", "community", "default", "workspace", "non-default",
                        "non-community", "saved"] | None = None,
    category: Literal["premade", "cloned", "generated", "professional", "famous",
                      "high_quality", "offline"] | None = None,
    fine_tuning_state: str | None = None,
    collection_id: str | None = None,
    gender: str | None = None,
    age: str | None = None,
    language: list[str] | None = Query(default=None),
    accent: str | None = None,
    use_cases: list[str] | None = Query(default=None),
    min_notice_period_days: int | None = Query(default=None, ge=0),
    include_custom_rates: bool | None = None,
    include_live_moderated: bool | None = None,
    high_quality: bool | None = None,
    include_total_count: bool = True,
    voice_ids: list[str] | None = Query(default=None, max_length=100),
) -> Response:
    state = get_state(request)
    query = VoiceQuery(
        search=search or None, sort=sort, sort_direction=sort_direction, voice_type=voice_type,
        category=category, fine_tuning_state=fine_tuning_state, collection_id=collection_id,
        gender=gender, age=age, language=tuple(language or ()), accent=accent,
        use_cases=tuple(use_cases or ()), min_notice_period_days=min_notice_period_days,
        include_custom_rates=include_custom_rates, include_live_moderated=include_live_moderated,
        high_quality=high_quality, voice_ids=tuple(voice_ids or ()),
    )
    offset = 0
    if next_page_token:
        try:
            offset = state.tokens.read(next_page_token, query)
        except BadPageToken as error:
            raise RequestValidationError([validation_detail(
                ["query", "next_page_token"], f"Invalid page token: {error}", "value_error",
                next_page_token)]) from error
    found = select(state.catalog.entries, query)
    page = found[offset: offset + page_size]
    end = offset + len(page)
    has_more = end < len(found)
    body = {
        "voices": [public_voice(request, entry) for entry in page],
        "has_more": has_more,
        "total_count": len(found) if include_total_count else None,
        "next_page_token": state.tokens.make(end, query) if has_more else None,
    }
    return json_response(request, body)


@router.get("/v1/voices", name="voices_list")
def list_voices(request: Request, show_legacy: bool | None = False) -> Response:
    state = get_state(request)
    return json_response(request, {"voices": [public_voice(request, e) for e in state.catalog.entries]})


@router.get("/v1/voices/settings/default", name="voice_settings_default")
def default_settings(request: Request) -> Response:
    return json_response(request, dict(DEFAULT_SETTINGS))


@router.get("/v1/voices/{voice_id}", name="voice_get")
def get_voice(request: Request, voice_id: str, with_settings: bool = True) -> Response:
    entry = _entry(get_state(request), voice_id)
    return json_response(request, public_voice(request, entry, with_settings=with_settings))


@router.get("/v1/voices/{voice_id}/settings", name="voice_settings")
def get_voice_settings(request: Request, voice_id: str) -> Response:
    entry = _entry(get_state(request), voice_id)
    return json_response(request, dict(entry.voice.get("settings") or DEFAULT_SETTINGS))


@router.get("/v1/voices/{voice_id}/preview", name="voice_preview")
async def voice_preview(request: Request, voice_id: str) -> Response:
    """A short MP3 of the voice (this server's stand-in for the API's hosted preview files)."""
    from studio.server.synthesis import render_preview

    state = get_state(request)
    entry = _entry(state, voice_id)
    with state.previews_lock:
        audio = state.previews.get(voice_id)
    if audio is None:
        name = str(entry.voice.get("name") or "this voice").split(" - ")[0]
        text = f"Hello, I'm {name}. This is how I sound when I read your script."
        audio = await render_preview(state, entry.engine_voice_id, text)
        with state.previews_lock:
            state.previews[voice_id] = audio
            while len(state.previews) > 64:
                state.previews.popitem(last=False)
    return Response(audio, media_type="audio/mpeg")
