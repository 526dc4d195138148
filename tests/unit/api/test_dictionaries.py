"""Parsing and error mapping of the pronunciation-dictionary client (httpx.MockTransport)."""

from __future__ import annotations

import json

import httpx
import pytest

from studio.api import dictionaries as remote
from studio.api import errors as e
from studio.api.client import ElevenLabsClient
from studio.core.pronunciation import AliasRule, PronunciationDictionary
from studio.core.pronunciation.sync import lacks_dictionaries, prepare
from studio.core.pronunciation.sync_state import SyncState

NAMES = PronunciationDictionary("project:n", "Names", (AliasRule("Nguyen", "win"),))


def _client(handler) -> ElevenLabsClient:  # type: ignore[no-untyped-def]
    return ElevenLabsClient("sk_test", "https://api.example.test", transport=httpx.MockTransport(handler),
                            max_retries=0)


class _Backend:
    engine_id = "elevenlabs"

    def __init__(self, client: ElevenLabsClient) -> None:
        self.client = client


def test_add_from_rules_sends_the_api_body_and_reads_the_answer() -> None:
    seen: list[dict] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(json.loads(request.content))
        assert request.url.path == "/v1/pronunciation-dictionaries/add-from-rules"
        return httpx.Response(200, json={"id": "d1", "name": "Names", "version_id": "v1", "version_rules_num": 1,
                                         "created_by": "u", "creation_time_unix": 1, "permission_on_resource": "admin",
                                         "new_field": "kept"})

    answer = remote.add_from_rules(_client(handler), "Names", NAMES.rules_to_api())
    assert (answer.id, answer.version_id, answer.version_rules_num) == ("d1", "v1", 1)
    assert seen[0]["rules"] == [{"string_to_replace": "Nguyen", "type": "alias", "alias": "win",
                                 "case_sensitive": True, "word_boundaries": True}]


def test_an_answer_without_a_version_id_is_malformed() -> None:
    client = _client(lambda r: httpx.Response(200, json={"id": "d1"}))
    with pytest.raises(e.MalformedResponseError):
        remote.set_rules(client, "d1", [])


@pytest.mark.parametrize("status, body, lacks", [
    (404, {"detail": "Not Found"}, True),  # no such route: a server without dictionaries
    (405, {"detail": "Method Not Allowed"}, True),
    (404, {"detail": {"status": "pronunciation_dictionary_not_found", "message": "gone"}}, False),
])
def test_a_server_without_dictionaries_is_told_apart_from_an_unknown_dictionary(status, body, lacks) -> None:
    client = _client(lambda r: httpx.Response(status, json=body))
    with pytest.raises(e.ApiError) as caught:
        remote.add_from_rules(client, "x", [])
    assert lacks_dictionaries(caught.value) is lacks


def test_405_on_upload_falls_back_to_our_side(tmp_path) -> None:  # type: ignore[no-untyped-def]
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v1/user":
            return httpx.Response(200, json={"user_id": "u1"})
        return httpx.Response(405, json={"detail": "Method Not Allowed"})

    prepared = prepare(_Backend(_client(handler)), [NAMES], SyncState(tmp_path / "s.json"))
    assert not prepared.pronunciation.applied_by_server and prepared.fallback_reason


def test_a_server_without_dictionaries_is_asked_once_per_client(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The window's counter syncs at every edit: a server known to lack them is not asked again."""
    sent: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request.url.path)
        if request.url.path == "/v1/user":
            return httpx.Response(200, json={"user_id": "u1"})
        return httpx.Response(404, json={"detail": "Not Found"})

    backend = _Backend(_client(handler))
    for _ in range(3):
        prepared = prepare(backend, [NAMES], SyncState(tmp_path / "s.json"))
        assert not prepared.pronunciation.applied_by_server and "applies the rules itself" in (prepared.fallback_reason or "")
    assert [p for p in sent if p.endswith("/add-from-rules")] == ["/v1/pronunciation-dictionaries/add-from-rules"]


def test_a_refused_key_is_raised_not_hidden(tmp_path) -> None:  # type: ignore[no-untyped-def]
    client = _client(lambda r: httpx.Response(401, json={"detail": {"status": "invalid_api_key", "message": "no"}}))
    with pytest.raises(e.AuthenticationError):
        prepare(_Backend(client), [NAMES], SyncState(tmp_path / "s.json"))


def test_list_refuses_a_page_size_out_of_range_before_sending() -> None:
    client = _client(lambda r: pytest.fail("sent"))  # type: ignore[arg-type,return-value]
    with pytest.raises(e.InvalidRequestError):
        remote.list_dictionaries(client, page_size=101)
