"""Account sync of pronunciation dictionaries (issue 12, point 3) with the studio's own client,
over loopback to the local server: uploads counted at the server, versions tracked per account."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from studio.api import dictionaries as remote
from studio.api.client import ElevenLabsClient
from studio.core.backends.elevenlabs import ElevenLabsBackend
from studio.core.backends.offline import OfflineBackend
from studio.core.pronunciation import AliasRule, PhonemeRule, PronunciationDictionary, parse_pls
from studio.core.pronunciation.sync import prepare
from studio.core.pronunciation.sync_state import RemoteCopy, SyncState
from tests.fixtures.local_server import LocalServer, run_server

NAMES = PronunciationDictionary("project:names", "Names", (AliasRule("Nguyen", "win"),))
PLACES = PronunciationDictionary("file:/places.pls", "Places", (PhonemeRule("Thailand", "ˈtaɪ.lænd", "ipa"),))
UPLOADS = ("dictionaries_add_from_rules", "dictionaries_set_rules")


@pytest.fixture(scope="module")
def server() -> Iterator[LocalServer]:
    with run_server() as running:
        yield running


@pytest.fixture
def backend(server: LocalServer) -> Iterator[ElevenLabsBackend]:
    server.clear_requests()
    backend = ElevenLabsBackend(ElevenLabsClient("sk_sync_test_key", server.base_url))
    yield backend
    backend.close()


def _uploads(server: LocalServer) -> list[str]:
    return [r["route"] for r in server.requests() if r["route"] in UPLOADS]


def test_uploads_once_then_only_after_an_edit(backend: ElevenLabsBackend, server: LocalServer, tmp_path: Path) -> None:
    state = SyncState(tmp_path / "sync.json")
    first = prepare(backend, [NAMES, PLACES], state)
    assert _uploads(server) == ["dictionaries_add_from_rules"] * 2 and first.uploaded == ["Names", "Places"]
    locators = first.pronunciation.locators
    assert len(locators) == 2 and first.pronunciation.applied_by_server
    assert [server.state.dictionaries.get(l.pronunciation_dictionary_id).name for l in locators] == ["Names", "Places"]

    server.clear_requests()
    again = prepare(backend, [NAMES, PLACES], SyncState(tmp_path / "sync.json"))  # a new process: read from disk
    assert _uploads(server) == [] and again.pronunciation.locators == locators

    edited = NAMES.with_rule(AliasRule("Lê", "lay"))
    server.clear_requests()
    third = prepare(backend, [edited, PLACES], state)
    assert _uploads(server) == ["dictionaries_set_rules"]  # same remote dictionary, new version
    new = third.pronunciation.locators[0]
    assert new.pronunciation_dictionary_id == locators[0].pronunciation_dictionary_id
    assert new.version_id != locators[0].version_id
    pls = remote.download_version(backend.client, new.pronunciation_dictionary_id, new.version_id)
    assert parse_pls(pls).rules == edited.rules

    server.clear_requests()
    back = prepare(backend, [NAMES, PLACES], state)  # back to the old rules: the old version is reused
    assert _uploads(server) == [] and back.pronunciation.locators == locators


def test_a_dictionary_gone_from_the_account_is_made_again(backend: ElevenLabsBackend, server: LocalServer,
                                                         tmp_path: Path) -> None:
    state = SyncState(tmp_path / "sync.json")
    account = f"{server.base_url}|local-narration-studio-user"
    state.record(account, NAMES.id, "an-older-version", RemoteCopy("deleted-on-the-website", "v0"))
    prepared = prepare(backend, [NAMES], state)
    assert _uploads(server) == ["dictionaries_set_rules", "dictionaries_add_from_rules"]
    assert prepared.pronunciation.locators[0].pronunciation_dictionary_id != "deleted-on-the-website"


def test_each_account_has_its_own_copies(backend: ElevenLabsBackend, server: LocalServer, tmp_path: Path) -> None:
    state = SyncState(tmp_path / "sync.json")
    prepare(backend, [NAMES], state)
    with run_server() as other:
        other_backend = ElevenLabsBackend(ElevenLabsClient("sk_sync_test_key", other.base_url))
        try:
            prepared = prepare(other_backend, [NAMES], state)
        finally:
            other_backend.close()
        assert [r["route"] for r in other.requests() if r["route"] in UPLOADS] == ["dictionaries_add_from_rules"]
        assert other.state.dictionaries.get(prepared.pronunciation.locators[0].pronunciation_dictionary_id)


def test_offline_and_a_server_without_dictionaries_apply_rules_here(tmp_path: Path) -> None:
    offline = prepare(OfflineBackend(), [NAMES], SyncState(tmp_path / "s.json"))
    assert not offline.pronunciation.applied_by_server and offline.fallback_reason is None
    with run_server(dictionaries_enabled=False) as bare:
        backend = ElevenLabsBackend(ElevenLabsClient("sk_sync_test_key", bare.base_url))
        try:
            prepared = prepare(backend, [NAMES], SyncState(tmp_path / "s.json"))
        finally:
            backend.close()
    assert not prepared.pronunciation.applied_by_server
    assert "no pronunciation dictionaries" in (prepared.fallback_reason or "")


def test_client_lists_and_gets(backend: ElevenLabsBackend, tmp_path: Path) -> None:
    prepare(backend, [NAMES], SyncState(tmp_path / "s.json"))
    seen, cursor = [], None
    while True:
        page = remote.list_dictionaries(backend.client, cursor=cursor, page_size=1)
        seen += page.pronunciation_dictionaries
        if not page.has_more:
            break
        cursor = page.next_cursor
    mine = [d for d in seen if d.name == "Names"][0]
    got = remote.get_dictionary(backend.client, mine.id)
    assert got.rules == [AliasRule("Nguyen", "win").to_api()] and got.latest_version_id == mine.latest_version_id
