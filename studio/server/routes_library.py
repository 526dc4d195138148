"""The shared voice library (ENDPOINTS-NARRATION §1.4, section D) over :mod:`.shared_library`.

Route names (for faults): ``shared_voices``, ``shared_voice_preview``, ``shared_voice_add``
(the fault endpoint ``"library"`` matches them all).

* ``GET /v1/shared-voices``: page-number paging (``page`` from 0, ``page_size`` 1..100, default
  30), the spec's filters; ``{voices, has_more, total_count, last_sort_id}``. Each voice's
  ``preview_url`` points at this server's ``/v1/shared-voices/{owner}/{voice_id}/preview``
  (the API's own previews live on a storage host).
* ``POST /v1/voices/add/{public_user_id}/{voice_id}`` ``{new_name, bookmarked}``:
  ``{voice_id}``; the voice is in ``/v2/voices`` at once. Adding it again renames it.

Not in the spec, chosen here: a voice not (or no longer) in the library is 404
``voice_not_found``; no free voice slot is 400 ``voice_limit_reached``.
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from studio.server.catalog import CatalogEntry
from studio.server.delivery import json_response
from studio.server.errors import ApiHTTPError
from studio.server.shared_library import LibraryFilter, account_copy
from studio.server.state import api_guard, get_state

router = APIRouter(dependencies=[Depends(api_guard)])


@router.get("/v1/shared-voices", name="shared_voices")
def shared_voices(
    request: Request,
    page_size: int = Query(default=30, ge=1, le=100),
    category: Literal["professional", "famous", "high_quality"] | None = None,
    gender: str | None = None,
    age: str | None = None,
    accent: str | None = None,
    language: str | None = None,
    locale: str | None = None,
    search: str | None = None,
    use_cases: list[str] | None = Query(default=None),
    descriptives: list[str] | None = Query(default=None),
    featured: bool = False,
    min_notice_period_days: int | None = None,
    include_custom_rates: bool | None = None,
    include_live_moderated: bool | None = None,
    reader_app_enabled: bool = False,
    owner_id: str | None = None,
    sort: Literal["created_date", "usage_character_count_1y", "trending", "cloned_by_count"] | None = "created_date",
    page: int = Query(default=0, ge=0),
) -> Response:
    wanted = LibraryFilter(category, gender, age, accent, language, locale, search, tuple(use_cases or ()),
                           tuple(descriptives or ()), featured, reader_app_enabled, min_notice_period_days,
                           include_custom_rates, include_live_moderated, owner_id)
    found = get_state(request).library.select(wanted, sort)
    start = page * page_size
    chunk = found[start: start + page_size]
    for voice in chunk:
        voice["preview_url"] = str(request.url_for("shared_voice_preview", public_owner_id=voice["public_owner_id"],
                                                   voice_id=voice["voice_id"]))
    return json_response(request, {
        "voices": chunk,
        "has_more": start + len(chunk) < len(found),
        "total_count": len(found),
        "last_sort_id": chunk[-1]["voice_id"] if chunk else None,
    })


def _not_in_library(public_user_id: str, voice_id: str) -> ApiHTTPError:
    return ApiHTTPError(404, "voice_not_found",
                        f"A shared voice with the voice_id {voice_id} of the user {public_user_id} was not found "
                        "in the voice library.")


@router.get("/v1/shared-voices/{public_owner_id}/{voice_id}/preview", name="shared_voice_preview")
async def shared_voice_preview(request: Request, public_owner_id: str, voice_id: str) -> Response:
    from studio.server.synthesis import render_preview

    state = get_state(request)
    voice = state.library.find(public_owner_id, voice_id)
    if voice is None:
        raise _not_in_library(public_owner_id, voice_id)
    key = f"library:{voice_id}"
    with state.previews_lock:
        audio = state.previews.get(key)
    if audio is None:
        name = str(voice["name"]).split(" - ")[0]
        audio = await render_preview(state, state.library.engine_voice_id,
                                     f"Hello, I'm {name}, from the voice library. This is how I read a story.")
        with state.previews_lock:
            state.previews[key] = audio
    return Response(audio, media_type="audio/mpeg")


class AddSharedVoiceBody(BaseModel):
    model_config = ConfigDict(extra="ignore")

    new_name: str = Field(min_length=1)
    bookmarked: bool = True


@router.post("/v1/voices/add/{public_user_id}/{voice_id}", name="shared_voice_add")
def add_shared_voice(request: Request, public_user_id: str, voice_id: str, body: AddSharedVoiceBody) -> Response:
    state = get_state(request)
    voice = state.library.find(public_user_id, voice_id)
    if voice is None:
        raise _not_in_library(public_user_id, voice_id)
    if not state.library.slots_free(voice_id):
        raise ApiHTTPError(400, "voice_limit_reached",
                           f"You have reached your maximum amount of custom voices ({state.library.voice_limit}). "
                           "Remove a voice or upgrade your subscription to add more.")
    state.catalog.add(CatalogEntry(account_copy(voice, body.new_name, body.bookmarked), state.library.engine_voice_id))
    state.library.mark_added(voice_id, body.new_name)
    return json_response(request, {"voice_id": voice_id})
