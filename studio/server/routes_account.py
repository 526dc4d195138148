"""/v1/models, /v1/user/subscription and /v1/user."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from studio.server.delivery import json_response
from studio.server.models_data import MODELS
from studio.server.state import api_guard, get_state

router = APIRouter(dependencies=[Depends(api_guard)])


@router.get("/v1/models", name="models_list")
def list_models(request: Request) -> Response:
    return json_response(request, [dict(model) for model in MODELS])


@router.get("/v1/user/subscription", name="subscription")
def subscription(request: Request) -> Response:
    return json_response(request, get_state(request).usage.subscription())


@router.get("/v1/user", name="user")
def user(request: Request) -> Response:
    state = get_state(request)
    return json_response(request, {
        "user_id": "local-narration-studio-user",
        "subscription": state.usage.subscription(),
        "is_new_user": False,
        "is_onboarding_completed": True,
        "is_onboarding_checklist_completed": True,
        "can_use_delayed_payment_methods": False,
        "is_api_key_hashed": True,
        "first_name": "Local",
        "created_at": 1_700_000_000,
    })
