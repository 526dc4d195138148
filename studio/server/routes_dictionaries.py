"""The pronunciation-dictionary endpoints (ENDPOINTS-NARRATION.md section B).

add-from-file (multipart, a PLS file), add-from-rules, list (cursor paging), get (latest
rules), PATCH (name / archived, same version), add-rules, remove-rules, set-rules, and the PLS
download of any version. Bodies are validated like the real API (FastAPI's 422 list body,
``loc`` naming the field); an unknown dictionary or version is a 404 in the API's
``{"detail": {"status", "message"}}`` shape (:mod:`studio.server.dictionaries`).
"""

from __future__ import annotations

import base64
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from studio.core.pronunciation import DictionaryError, Rule, parse_pls, rule_from_api
from studio.core.pronunciation.pls import pls_bytes
from studio.server.delivery import bytes_response, json_response
from studio.server.errors import ApiHTTPError, validation_detail
from studio.server.multipart import parse_form
from studio.server.state import api_guard, get_state

router = APIRouter(dependencies=[Depends(api_guard)])
BASE = "/v1/pronunciation-dictionaries"
WorkspaceAccess = Literal["admin", "editor", "commenter", "viewer"]


class _RuleBase(BaseModel):
    model_config = ConfigDict(extra="ignore")

    string_to_replace: str = Field(min_length=1)  # "Must be a non-empty string"
    case_sensitive: bool = True
    word_boundaries: bool = True


class AliasRuleBody(_RuleBase):
    type: Literal["alias"]
    alias: str


class PhonemeRuleBody(_RuleBase):
    type: Literal["phoneme"]
    phoneme: str
    alphabet: str


RuleBody = Annotated[AliasRuleBody | PhonemeRuleBody, Field(discriminator="type")]


class AddFromRulesBody(BaseModel):
    model_config = ConfigDict(extra="ignore")

    rules: list[RuleBody]
    name: str
    description: str | None = None
    workspace_access: WorkspaceAccess | None = None


class RulesBody(BaseModel):
    model_config = ConfigDict(extra="ignore")

    rules: list[RuleBody]


class RemoveRulesBody(BaseModel):
    model_config = ConfigDict(extra="ignore")

    rule_strings: list[str]


class PatchBody(BaseModel):
    model_config = ConfigDict(extra="ignore")

    archived: bool | None = None
    name: str | None = None


def _rules(bodies: list[AliasRuleBody | PhonemeRuleBody]) -> tuple[Rule, ...]:
    """Core rules; one the studio cannot use is a 422 naming it. Later rules for the same
    string replace earlier ones (the API keys rules by ``string_to_replace``)."""
    by_grapheme: dict[str, Rule] = {}
    for index, body in enumerate(bodies):
        try:
            rule = rule_from_api(body.model_dump())
        except DictionaryError as error:
            raise RequestValidationError([validation_detail(
                ["body", "rules", index], error.user_message, "value_error", body.model_dump())]) from None
        by_grapheme.pop(rule.grapheme, None)
        by_grapheme[rule.grapheme] = rule
    return tuple(by_grapheme.values())


def _merge(old: tuple[Rule, ...], new: tuple[Rule, ...]) -> tuple[Rule, ...]:
    replaced = {r.grapheme: r for r in new}
    kept = [replaced.pop(r.grapheme, r) for r in old]
    return (*kept, *replaced.values())


def _added(item: Any) -> dict[str, Any]:
    meta = item.metadata()
    return {"id": item.id, "name": item.name, "created_by": meta["created_by"],
            "creation_time_unix": item.creation_time_unix, "version_id": item.latest_version_id,
            "version_rules_num": len(item.rules), "description": item.description,
            "permission_on_resource": "admin"}


@router.post(f"{BASE}/add-from-file", name="dictionaries_add_from_file")
async def add_from_file(request: Request) -> Response:
    # The one form parser (also the alignment route's): multipart, or URL-encoded without a file.
    fields = parse_form(request.headers.get("content-type", ""), await request.body())
    if "name" not in fields:
        raise RequestValidationError([validation_detail(["body", "name"], "Field required", "missing", None)])
    name = fields["name"].data.decode("utf-8", "replace")
    description = fields["description"].data.decode("utf-8", "replace") if "description" in fields else None
    access = fields["workspace_access"].data.decode("utf-8", "replace") if "workspace_access" in fields else None
    if access is not None and access not in ("admin", "editor", "commenter", "viewer"):
        raise RequestValidationError([validation_detail(
            ["body", "workspace_access"], "Input should be 'admin', 'editor', 'commenter' or 'viewer'",
            "enum", access)])
    rules: tuple[Rule, ...] = ()
    if "file" in fields:
        data, filename = fields["file"].data, fields["file"].filename
        try:
            rules = parse_pls(data, f"“{filename or 'the file'}”").rules
        except DictionaryError as error:
            raise ApiHTTPError(400, "invalid_pls_file", error.user_message) from None
    item = get_state(request).dictionaries.create(name, rules, description)
    return json_response(request, _added(item))


@router.post(f"{BASE}/add-from-rules", name="dictionaries_add_from_rules")
def add_from_rules(request: Request, body: AddFromRulesBody) -> Response:
    item = get_state(request).dictionaries.create(body.name, _rules(body.rules), body.description)
    return json_response(request, _added(item))


@router.get(BASE, name="dictionaries_list")
def list_dictionaries(
    request: Request,
    cursor: str | None = None,
    page_size: int = Query(default=30, ge=1, le=100),
    sort: Literal["creation_time_unix", "name"] | None = "creation_time_unix",
    sort_direction: str | None = "DESCENDING",
    include_archived: bool = True,
) -> Response:
    items = get_state(request).dictionaries.all()
    if not include_archived:
        items = [i for i in items if i.archived_time_unix is None]
    field = sort or "creation_time_unix"
    descending = (sort_direction or "DESCENDING").lower() != "ascending"
    items.sort(key=(lambda i: i.name.lower()) if field == "name" else (lambda i: i.creation_time_unix),
               reverse=descending)
    offset = _offset(cursor)
    page = items[offset:offset + page_size]
    more = offset + page_size < len(items)
    next_cursor = base64.urlsafe_b64encode(str(offset + page_size).encode()).decode() if more else None
    return json_response(request, {"pronunciation_dictionaries": [i.metadata() for i in page],
                                   "next_cursor": next_cursor, "has_more": more})


def _offset(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        value = int(base64.urlsafe_b64decode(cursor.encode()).decode())
        if value < 0:
            raise ValueError
        return value
    except ValueError:
        raise RequestValidationError([validation_detail(["query", "cursor"], "Invalid cursor", "value_error",
                                                        cursor)]) from None


@router.get(f"{BASE}/{{pronunciation_dictionary_id}}", name="dictionaries_get")
def get_dictionary(request: Request, pronunciation_dictionary_id: str) -> Response:
    item = get_state(request).dictionaries.get(pronunciation_dictionary_id)
    return json_response(request, {**item.metadata(), "rules": [r.to_api() for r in item.rules]})


@router.patch(f"{BASE}/{{pronunciation_dictionary_id}}", name="dictionaries_patch")
def patch_dictionary(request: Request, pronunciation_dictionary_id: str, body: PatchBody | None = None) -> Response:
    body = body or PatchBody()
    item = get_state(request).dictionaries.patch(pronunciation_dictionary_id, body.name, body.archived)
    return json_response(request, item.metadata())


@router.post(f"{BASE}/{{pronunciation_dictionary_id}}/add-rules", name="dictionaries_add_rules")
def add_rules(request: Request, pronunciation_dictionary_id: str, body: RulesBody) -> Response:
    new = _rules(body.rules)
    item = get_state(request).dictionaries.edit(pronunciation_dictionary_id, lambda old: _merge(old, new))
    return json_response(request, item.version_answer())


@router.post(f"{BASE}/{{pronunciation_dictionary_id}}/remove-rules", name="dictionaries_remove_rules")
def remove_rules(request: Request, pronunciation_dictionary_id: str, body: RemoveRulesBody) -> Response:
    gone = set(body.rule_strings)
    item = get_state(request).dictionaries.edit(
        pronunciation_dictionary_id, lambda old: tuple(r for r in old if r.grapheme not in gone))
    return json_response(request, item.version_answer())


@router.post(f"{BASE}/{{pronunciation_dictionary_id}}/set-rules", name="dictionaries_set_rules")
def set_rules(request: Request, pronunciation_dictionary_id: str, body: RulesBody) -> Response:
    new = _rules(body.rules)
    item = get_state(request).dictionaries.edit(pronunciation_dictionary_id, lambda _old: new)
    return json_response(request, item.version_answer())


@router.get(f"{BASE}/{{dictionary_id}}/{{version_id}}/download", name="dictionaries_download")
def download(request: Request, dictionary_id: str, version_id: str) -> Response:
    item = get_state(request).dictionaries.get(dictionary_id)
    data = pls_bytes(item.as_dictionary(version_id))
    safe = "".join(c if c.isalnum() or c in "-_ " else "_" for c in item.name) or "dictionary"
    return bytes_response(request, data, "text/plain",
                          headers={"Content-Disposition": f'attachment; filename="{safe}.pls"'})
