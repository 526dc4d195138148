"""The fault-injection control endpoints (registered only when faults are enabled)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from studio.server.faults import FaultSpec
from studio.server.state import get_state

router = APIRouter(prefix="/_test", include_in_schema=False)


@router.post("/faults")
def schedule_faults(request: Request, specs: FaultSpec | list[FaultSpec]) -> dict[str, Any]:
    items = specs if isinstance(specs, list) else [specs]
    pending = get_state(request).faults.schedule(items)
    return {"scheduled": len(items), "pending": pending}


@router.get("/faults")
def list_faults(request: Request) -> dict[str, Any]:
    return {"pending": get_state(request).faults.pending()}


@router.delete("/faults")
def clear_faults(request: Request) -> dict[str, Any]:
    get_state(request).faults.clear()
    return {"pending": []}


@router.get("/requests")
def list_requests(request: Request) -> dict[str, Any]:
    return {"requests": get_state(request).faults.requests()}


@router.delete("/requests")
def clear_requests(request: Request) -> dict[str, Any]:
    get_state(request).faults.clear_requests()
    return {"requests": []}
