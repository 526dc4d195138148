"""The fault-injection control endpoints: registered only when faults are enabled
(``serve --faults``), and behind the same key check as every API route."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request

from studio.server.faults import FaultSpec
from studio.server.state import check_key, get_state

router = APIRouter(prefix="/_test", include_in_schema=False, dependencies=[Depends(check_key)])


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


@router.get("/concurrency")
def concurrency(request: Request) -> dict[str, Any]:
    """Speech requests running now, the most at once, and how many were refused with 429."""
    return get_state(request).usage.concurrency()


@router.delete("/concurrency")
def reset_concurrency(request: Request) -> dict[str, Any]:
    usage = get_state(request).usage
    usage.reset_concurrency()
    return usage.concurrency()


@router.get("/first-bytes")
def first_bytes(request: Request) -> dict[str, Any]:
    """When the first body byte of each recent speech stream went out (``time.monotonic()``)."""
    return {"first_bytes": [{"request_id": rid, "monotonic": at} for rid, at in get_state(request).first_bytes]}
