"""The pronunciation-dictionary endpoints (ENDPOINTS-NARRATION.md §1.2, section B).

Functions over an :class:`~studio.api.client.ElevenLabsClient` (which already holds the one
pooled connection, the key and the error mapping), kept out of ``client.py`` so that file stays
about speech. Rules travel in the API's own JSON form (``string_to_replace``, ``type``,
``alias`` or ``phoneme`` + ``alphabet``, ``case_sensitive``, ``word_boundaries``):
:mod:`studio.core.pronunciation` turns them into rule objects, this layer only moves them.

Responses are parsed leniently like every other answer (unknown fields kept, fields the API
might drop optional), but ``id`` and the version id are required: without them nothing can be
sent as a locator.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field

from studio.api import errors as e
from studio.api.history_calls import segment as _segment  # the one path-segment rule
from studio.api.models import ApiModel

if TYPE_CHECKING:
    from studio.api.client import ElevenLabsClient

BASE = "/v1/pronunciation-dictionaries"


class AddedDictionary(ApiModel):
    """``AddPronunciationDictionaryResponseModel``."""

    id: str = Field(min_length=1)
    name: str = ""
    version_id: str = Field(min_length=1)
    version_rules_num: int = 0
    created_by: str | None = None
    creation_time_unix: int | None = None
    description: str | None = None
    permission_on_resource: str | None = None


class DictionaryVersion(ApiModel):
    """``PronunciationDictionaryRulesResponseModel``: what add-/remove-/set-rules answer."""

    id: str = Field(min_length=1)
    version_id: str = Field(min_length=1)
    version_rules_num: int = 0


class DictionaryMetadata(ApiModel):
    """``GetPronunciationDictionaryMetadataResponseModel``."""

    id: str = Field(min_length=1)
    latest_version_id: str = Field(min_length=1)
    latest_version_rules_num: int = 0
    name: str = ""
    permission_on_resource: str | None = None
    created_by: str | None = None
    creation_time_unix: int | None = None
    archived_time_unix: int | None = None
    description: str | None = None


class DictionaryWithRules(DictionaryMetadata):
    """``GetPronunciationDictionaryWithRulesResponseModel``: the latest version's rules."""

    rules: list[dict[str, Any]] = Field(default_factory=list)


class DictionaryPage(ApiModel):
    pronunciation_dictionaries: list[DictionaryMetadata] = Field(default_factory=list)
    next_cursor: str | None = None
    has_more: bool = False


def _post_json(client: ElevenLabsClient, path: str, body: dict[str, Any]) -> Any:
    return client._request_json("POST", path, f"answer to {path}", json=body)


def add_from_rules(client: ElevenLabsClient, name: str, rules: list[dict[str, Any]],
                   description: str | None = None) -> AddedDictionary:
    """Create a dictionary on the account (``POST /add-from-rules``)."""
    body: dict[str, Any] = {"name": name, "rules": rules}
    if description:
        body["description"] = description
    return client._parse(AddedDictionary, _post_json(client, f"{BASE}/add-from-rules", body), "new dictionary")


def set_rules(client: ElevenLabsClient, dictionary_id: str, rules: list[dict[str, Any]]) -> DictionaryVersion:
    """Replace every rule of a dictionary (``POST /{id}/set-rules``): a new version."""
    path = f"{BASE}/{_segment(dictionary_id, 'pronunciation_dictionary_id')}/set-rules"
    return client._parse(DictionaryVersion, _post_json(client, path, {"rules": rules}), "dictionary version")


def add_rules(client: ElevenLabsClient, dictionary_id: str, rules: list[dict[str, Any]]) -> DictionaryVersion:
    path = f"{BASE}/{_segment(dictionary_id, 'pronunciation_dictionary_id')}/add-rules"
    return client._parse(DictionaryVersion, _post_json(client, path, {"rules": rules}), "dictionary version")


def remove_rules(client: ElevenLabsClient, dictionary_id: str, graphemes: list[str]) -> DictionaryVersion:
    path = f"{BASE}/{_segment(dictionary_id, 'pronunciation_dictionary_id')}/remove-rules"
    return client._parse(DictionaryVersion, _post_json(client, path, {"rule_strings": graphemes}),
                         "dictionary version")


def get_dictionary(client: ElevenLabsClient, dictionary_id: str) -> DictionaryWithRules:
    path = f"{BASE}/{_segment(dictionary_id, 'pronunciation_dictionary_id')}"
    return client._parse(DictionaryWithRules, client._get_json(path), "dictionary")


def list_dictionaries(client: ElevenLabsClient, *, cursor: str | None = None, page_size: int = 30,
                      sort: Literal["creation_time_unix", "name"] | None = None,
                      sort_direction: Literal["ascending", "descending"] | None = None,
                      include_archived: bool | None = None) -> DictionaryPage:
    if not 1 <= page_size <= 100:
        raise e.InvalidRequestError(f"Page size {page_size} is out of range", "Use between 1 and 100.",
                                    field="page_size")
    params: dict[str, str] = {"page_size": str(page_size)}
    if cursor:
        params["cursor"] = cursor
    if sort:
        params["sort"] = sort
    if sort_direction:
        params["sort_direction"] = sort_direction
    if include_archived is not None:
        params["include_archived"] = "true" if include_archived else "false"
    return client._parse(DictionaryPage, client._get_json(BASE, params=params), "dictionary list")


def download_version(client: ElevenLabsClient, dictionary_id: str, version_id: str) -> bytes:
    """The PLS file of one version (``GET /{dictionary_id}/{version_id}/download``)."""
    path = (f"{BASE}/{_segment(dictionary_id, 'dictionary_id')}/"
            f"{_segment(version_id, 'version_id')}/download")
    return client._get_bytes(path)
