"""Error responses in the shapes ElevenLabs uses.

Every non-validation error is ``{"detail": {"status": <code word>, "message": <text>}}``
(ENDPOINTS.md §4). Validation errors keep FastAPI's own 422 body
``{"detail": [{"type", "loc", "msg", "input"}]}``, which is what ElevenLabs itself returns.

Status words used by this server (documented for clients):

=====  ================================  ==============================================
HTTP   status                            when
=====  ================================  ==============================================
400    ``max_character_limit_exceeded``  text longer than the model's per-request limit
400    ``invalid_model``                 ``model_id`` unknown or cannot do text to speech
401    ``invalid_api_key``               ``--api-key`` set and ``xi-api-key`` missing/wrong
401    ``quota_exceeded``                the account's character limit would be exceeded
401    ``missing_permissions``           injected fault (a key without the scope it names)
400    ``invalid_start_after_...``       unknown ``start_after_history_item_id``
400    ``voice_limit_reached``           adding a library voice with no voice slot free
400    (``{error, message}``, no detail) a bad ``POST /v1/history/download`` (the spec's shape)
404    ``voice_not_found``               unknown ``voice_id`` (also: not in the voice library)
404    ``history_item_not_found``        unknown history item
404    ``history_item_audio_not_found``  an item whose audio is gone
422    (FastAPI list body)               bad field values, null in voice_settings, text
                                         with nothing to speak (type ``text_empty``:
                                         ``studio.text_rules.is_speakable``),
                                         tampered ``next_page_token``
429    ``too_many_concurrent_requests``  injected fault (with ``Retry-After``), or more
                                         speech requests at once than
                                         ``concurrency_limit`` (no ``Retry-After``)
429    ``system_busy``                   injected fault (with ``Retry-After``)
5xx    ``something_went_wrong``          injected fault or an engine failure
=====  ================================  ==============================================
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse

MESSAGES = {
    "too_many_concurrent_requests": (
        "Too many concurrent requests. Your current subscription is associated with a maximum "
        "of {limit} concurrent requests (running in parallel). Please upgrade your subscription "
        "or contact sales if you want to increase this limit."
    ),
    "system_busy": (
        "We are sorry, the system is experiencing heavy traffic, please try again. "
        "Higher subscriptions have higher priority."
    ),
    "something_went_wrong": "We are sorry, something went wrong. You are not charged for this request.",
}


class ApiHTTPError(Exception):
    """Raised by a route to answer ``{"detail": {"status", "message"}}`` with ``http_status``."""

    def __init__(
        self,
        http_status: int,
        status: str,
        message: str,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(f"{http_status} {status}: {message}")
        self.http_status = http_status
        self.status = status
        self.message = message
        self.headers = headers or {}
        self.extra = extra

    def body(self) -> dict[str, Any]:
        return {"detail": {"status": self.status, "message": self.message, **self.extra}}


def voice_not_found(voice_id: str) -> ApiHTTPError:
    return ApiHTTPError(404, "voice_not_found", f"A voice with the voice_id {voice_id} was not found.")


def invalid_api_key() -> ApiHTTPError:
    return ApiHTTPError(401, "invalid_api_key", "Invalid API key")


async def api_error_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiHTTPError)
    return JSONResponse(exc.body(), status_code=exc.http_status, headers=exc.headers)


def validation_detail(loc: list[str | int], msg: str, type_: str, input_: Any) -> dict[str, Any]:
    """One item of a FastAPI-shaped 422 body, for checks made outside pydantic."""
    return {"type": type_, "loc": loc, "msg": msg, "input": input_}
