"""Sending response bodies, with the transport faults (slow drip, disconnect) applied."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from starlette.background import BackgroundTask

from studio.server.faults import FaultSpec
from studio.server.state import request_faults


class InjectedDisconnect(Exception):
    """Raised inside a response body to make the server drop the connection on purpose."""


class _HideInjectedDisconnects(logging.Filter):
    """uvicorn logs an aborted response as an application error; an injected one is not."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        seen = 0
        while error is not None and seen < 10:
            if isinstance(error, InjectedDisconnect):
                return False
            inner = getattr(error, "exceptions", None)
            error = inner[0] if inner else (error.__cause__ or error.__context__)
            seen += 1
        return True


_filter = _HideInjectedDisconnects()


def install_log_filter() -> None:
    logger = logging.getLogger("uvicorn.error")
    if _filter not in logger.filters:
        logger.addFilter(_filter)


async def deliver(pieces: AsyncIterator[bytes], faults: list[FaultSpec]) -> AsyncIterator[bytes]:
    """Pass body pieces through, dripping them slowly, cutting the connection or ending the
    body early (``truncate``: cleanly, as a whole response) if asked."""
    slow = next((f for f in faults if f.kind == "slow"), None)
    cut = next((f for f in faults if f.kind == "disconnect"), None)
    short = next((f for f in faults if f.kind == "truncate"), None)
    sent = 0
    first = True
    async for piece in pieces:
        parts = [piece]
        if slow and slow.chunk_bytes:
            parts = [piece[i:i + slow.chunk_bytes] for i in range(0, len(piece), slow.chunk_bytes)]
        for part in parts:
            if not part:
                continue
            if slow and not first:
                await asyncio.sleep(slow.chunk_delay)
            first = False
            if short is not None and sent + len(part) >= short.after_bytes:
                if short.after_bytes > sent:
                    yield part[: short.after_bytes - sent]
                return
            if cut is not None and sent + len(part) >= cut.after_bytes:
                head = part[: cut.after_bytes - sent]
                if head:
                    yield head
                    # Let the event loop write the bytes before the connection goes.
                    await asyncio.sleep(0.05)
                raise InjectedDisconnect(f"fault: disconnect after {cut.after_bytes} bytes")
            sent += len(part)
            yield part
    if cut is not None and sent >= cut.after_bytes:
        raise InjectedDisconnect(f"fault: disconnect after {cut.after_bytes} bytes")


async def _once(data: bytes) -> AsyncIterator[bytes]:
    yield data


def _transport_faults(request: Request) -> list[FaultSpec]:
    return [f for f in request_faults(request) if f.kind in ("slow", "disconnect", "truncate")]


def json_response(request: Request, payload: Any, status_code: int = 200,
                  headers: dict[str, str] | None = None) -> Response:
    """A JSON response, sent through ``deliver`` when a slow/disconnect fault is pending."""
    if not _transport_faults(request):
        return JSONResponse(payload, status_code=status_code, headers=headers)
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    return bytes_response(request, body, "application/json", status_code=status_code, headers=headers)


def bytes_response(request: Request, body: bytes, media_type: str, *, status_code: int = 200,
                   headers: dict[str, str] | None = None, background: BackgroundTask | None = None) -> Response:
    """A whole body, sent through ``deliver`` when a slow/disconnect fault is pending."""
    faults = _transport_faults(request)
    if not faults:
        return Response(body, status_code=status_code, headers=headers, media_type=media_type,
                        background=background)
    return StreamingResponse(deliver(_once(body), faults), status_code=status_code,
                             headers=headers, media_type=media_type, background=background)
