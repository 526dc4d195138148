"""The history endpoints (ENDPOINTS-NARRATION §1.3, section C) over :mod:`studio.server.history_store`.

Route names (for faults): ``history_list``, ``history_get``, ``history_audio``,
``history_delete``, ``history_download``; the fault endpoint ``"history"`` matches them all.

Answers, as the spec gives them:

* ``GET /v1/history``: ``{history, last_history_item_id, has_more, scanned_until}``;
  ``page_size`` 1..1000 (default 100; above 1000 is a 422, the spec's "can not exceed 1000").
* ``GET /v1/history/{id}``, ``/audio`` (``audio/mpeg``; see :mod:`.history_audio`),
  ``DELETE`` (``{"status": "ok"}``).
* ``POST /v1/history/download``: one id → that audio file, several → a ZIP of
  ``<history_item_id>.<ext>``; a bad request is the spec's 400 ``{error, message}`` (no
  ``detail`` wrapper).

Not in the spec, chosen here (the real words are unknown): an unknown item is 404
``history_item_not_found``; an item whose audio is gone is 404 ``history_item_audio_not_found``;
an unknown ``start_after_history_item_id`` is 400 ``invalid_start_after_history_item_id``.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict

from studio.server.delivery import bytes_response, json_response
from studio.server.errors import ApiHTTPError
from studio.server.history_audio import EXTENSIONS, audio_for
from studio.server.history_store import HistoryFilter, HistoryRecord, UnknownCursor
from studio.server.state import api_guard, get_state

router = APIRouter(dependencies=[Depends(api_guard)])


def item_not_found(history_item_id: str) -> ApiHTTPError:
    return ApiHTTPError(404, "history_item_not_found",
                        f"A history item with the history_item_id {history_item_id} was not found.")


def _record(request: Request, history_item_id: str) -> HistoryRecord:
    record = get_state(request).history.get(history_item_id)
    if record is None:
        raise item_not_found(history_item_id)
    return record


@router.get("/v1/history", name="history_list")
def list_history(
    request: Request,
    page_size: int = Query(default=100, ge=1, le=1000),
    start_after_history_item_id: str | None = None,
    voice_id: str | None = None,
    model_id: str | None = None,
    date_before_unix: int | None = None,
    date_after_unix: int | None = None,
    sort_direction: Literal["asc", "desc"] | None = "desc",
    search: str | None = None,
    source: Literal["TTS", "STS", "Flows"] | None = None,
) -> Response:
    wanted = HistoryFilter(voice_id or None, model_id or None, date_before_unix, date_after_unix,
                           search or None, source, descending=sort_direction != "asc")
    try:
        records, has_more = get_state(request).history.page(wanted, page_size, start_after_history_item_id or None)
    except UnknownCursor:
        raise ApiHTTPError(400, "invalid_start_after_history_item_id",
                           f"start_after_history_item_id {start_after_history_item_id} is not an item of "
                           "this history.") from None
    last = records[-1] if records else None
    return json_response(request, {
        "history": [dict(r.item) for r in records],
        "last_history_item_id": last.id if last else None,
        "has_more": has_more,
        "scanned_until": int(last.item["date_unix"]) if last else None,
    })


@router.get("/v1/history/{history_item_id}", name="history_get")
def get_item(request: Request, history_item_id: str) -> Response:
    return json_response(request, dict(_record(request, history_item_id).item))


def _audio(record: HistoryRecord, output_format: str | None = None) -> tuple[bytes, str]:
    if not record.has_audio:
        raise ApiHTTPError(404, "history_item_audio_not_found",
                           f"The audio of the history item {record.id} is no longer available.")
    return audio_for(record, output_format)


@router.get("/v1/history/{history_item_id}/audio", name="history_audio")
def get_audio(request: Request, history_item_id: str) -> Response:
    data, media_type = _audio(_record(request, history_item_id))
    return bytes_response(request, data, media_type)


@router.delete("/v1/history/{history_item_id}", name="history_delete")
def delete_item(request: Request, history_item_id: str) -> Response:
    if not get_state(request).history.delete(history_item_id):
        raise item_not_found(history_item_id)
    return json_response(request, {"status": "ok"})


class DownloadBody(BaseModel):
    model_config = ConfigDict(extra="ignore")

    history_item_ids: list[str]
    output_format: str | None = None


def _invalid(message: str) -> JSONResponse:
    """The spec's 400 for this route: ``{error, message}`` with no ``detail`` wrapper."""
    return JSONResponse({"error": "invalid_request", "message": message}, status_code=400)


def _file_name(record: HistoryRecord, media_type: str) -> str:
    return f"{record.id}.{EXTENSIONS.get(media_type, 'bin')}"


@router.post("/v1/history/download", name="history_download")
def download(request: Request, body: DownloadBody) -> Response:
    ids = list(dict.fromkeys(body.history_item_ids))  # each once, in the order asked
    if not ids:
        return _invalid("history_item_ids must name at least one history item.")
    history = get_state(request).history
    records = [history.get(item_id) for item_id in ids]
    missing = [item_id for item_id, record in zip(ids, records, strict=True) if record is None]
    if missing:
        return _invalid(f"These history items were not found: {', '.join(missing)}.")
    found = [r for r in records if r is not None]
    gone = [r.id for r in found if not r.has_audio]
    if gone:
        return _invalid(f"The audio of these history items is no longer available: {', '.join(gone)}.")
    if len(found) == 1:
        data, media_type = _audio(found[0], body.output_format)
        headers = {"content-disposition": f'attachment; filename="{_file_name(found[0], media_type)}"'}
        return bytes_response(request, data, media_type, headers=headers)
    return bytes_response(request, _zip(found, body.output_format), "application/zip",
                          headers={"content-disposition": 'attachment; filename="history.zip"'})


def _zip(records: list[HistoryRecord], output_format: str | None) -> bytes:
    out = io.BytesIO()
    # Stored, not deflated: the audio is compressed already.
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as archive:
        for record in records:
            data, media_type = _audio(record, output_format)
            archive.writestr(_file_name(record, media_type), data)
    return out.getvalue()


def history_item(*, history_item_id: str, request_id: str, voice: dict[str, Any], model_id: str, text: str,
                 settings: dict[str, Any], cost: int, count_after: int, output_format: str,
                 content_type: str) -> dict[str, Any]:
    """A ``SpeechHistoryItemResponseModel`` for a TTS generation (``date_unix`` is set when stored)."""
    category = voice.get("category")
    return {
        "history_item_id": history_item_id,
        "request_id": request_id,
        "voice_id": voice.get("voice_id"),
        "model_id": model_id,
        "voice_name": voice.get("name"),
        # The API's enum has no "offline": the bundled voice counts as premade.
        "voice_category": category if category in ("premade", "cloned", "generated", "professional") else "premade",
        "text": text,
        "character_count_change_from": count_after - cost,
        "character_count_change_to": count_after,
        "content_type": content_type,
        "state": "created",
        "settings": settings,
        "share_link_id": None,
        "source": "TTS",
        "alignments": None,
        "dialogue": None,
        "output_format": output_format,
    }


def dialogue_history_item(*, history_item_id: str, request_id: str, lines: list[tuple[str, dict[str, Any]]],
                          model_id: str, settings: dict[str, Any] | None, cost: int, count_after: int,
                          output_format: str, content_type: str) -> dict[str, Any]:
    """The item for a Text-to-Dialogue generation: each ``(text, voice)`` line in ``dialogue``,
    and, as the spec says of such items, the top-level ``text`` and ``voice_id`` empty."""
    item = history_item(history_item_id=history_item_id, request_id=request_id, voice={}, model_id=model_id,
                        text="", settings=settings or {}, cost=cost, count_after=count_after,
                        output_format=output_format, content_type=content_type)
    item.update(voice_id=None, voice_name=None, voice_category=None, text=None, settings=settings,
                dialogue=[{"text": text, "voice_id": voice.get("voice_id"), "voice_name": voice.get("name")}
                          for text, voice in lines])
    return item
