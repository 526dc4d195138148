"""Bring a render's dictionaries to the account, and decide who applies the rules.

:func:`prepare` is the one decision, for the window and the CLI alike (it blocks on the
network: call it in a worker):

* offline engine (no account) → the rules are applied on our side;
* ElevenLabs engine → each dictionary with rules is uploaded **only if its content version
  was never uploaded to this account** (:class:`~studio.core.pronunciation.sync_state.SyncState`):
  the first time with ``add-from-rules``, after an edit with ``set-rules`` on the same remote
  dictionary. The answer is :class:`~studio.core.pronunciation.context.Pronunciation` with the
  ``pronunciation_dictionary_locators`` (at most 3, in order) every request then carries;
* a server without the dictionary endpoints (404 with no API status, or 405) → applied on our
  side, as offline; so is an upload that fails on the network (``offline``), with the reason
  kept for a status line. Other refusals (key, quota, validation) are raised: they are the
  narrator's to fix.

Every rule was validated when it was made and the count is checked here first, so a bad rule
or a fourth dictionary is refused before anything is uploaded or spent.
"""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from studio.api import dictionaries as remote
from studio.api import errors as e
from studio.api.requests import PronunciationDictionaryLocator
from studio.core.pronunciation.attached import check_count
from studio.core.pronunciation.context import Pronunciation
from studio.core.pronunciation.rules import PronunciationDictionary
from studio.core.pronunciation.sync_state import RemoteCopy, SyncState

log = logging.getLogger(__name__)


@dataclass
class Prepared:
    pronunciation: Pronunciation
    #: Dictionaries uploaded by this call (names), for a status line; empty when all were current.
    uploaded: list[str] = field(default_factory=list)
    #: Why the rules are applied on our side (None: by the server, or offline by nature).
    fallback_reason: str | None = None


def lacks_dictionaries(error: BaseException) -> bool:
    """The server has no such endpoint (not: the dictionary is unknown, which has a status)."""
    if not isinstance(error, e.ApiError):
        return False
    if error.status_code == 405:
        return True
    return isinstance(error, e.NotFoundError) and error.status_code == 404 and not error.api_status


#: client → (which key it had, its account), so ``GET /v1/user`` is asked once per client and
#: key. Only an in-memory hash of the key, never written anywhere.
_accounts: weakref.WeakKeyDictionary[Any, tuple[int, str]] = weakref.WeakKeyDictionary()


_one_at_a_time = threading.RLock()
#: Clients whose server turned out to have no dictionary endpoints: not asked again (the
#: window's counter syncs at every edit); another server or a restart is another client.
_without_dictionaries: weakref.WeakSet[Any] = weakref.WeakSet()
NO_DICTIONARIES = "this server has no pronunciation dictionaries, so the studio applies the rules itself"


def account_key(client: Any) -> str:
    """Server address + the account's user id (never the key)."""
    key_hash = hash(getattr(getattr(client, "_auth", None), "key", None))
    known = _accounts.get(client)
    if known is not None and known[0] == key_hash:
        return known[1]
    try:
        user_id = client.get_user().get("user_id") or ""
    except e.ApiError:
        return f"{client.base_url}|"  # not remembered: the next sync asks again
    account = f"{client.base_url}|{user_id}"
    _accounts[client] = (key_hash, account)
    return account


def upload(client: Any, dictionary: PronunciationDictionary, state: SyncState, account: str, *,
           force: bool = False) -> tuple[PronunciationDictionaryLocator, bool]:
    """The locator of ``dictionary``'s current rules on the account; True if it had to be sent.
    ``force``: send them even if the record says the account has them (it turned out not to:
    :mod:`studio.core.pronunciation.stale`)."""
    version = dictionary.content_version
    known = None if force else state.lookup(account, dictionary.id, version)
    if known is not None:
        return _locator(known), False
    rules = dictionary.rules_to_api()
    remote_id = state.remote_id(account, dictionary.id)
    copy: RemoteCopy | None = None
    if remote_id is not None:
        try:
            answer = remote.set_rules(client, remote_id, rules)
            copy = RemoteCopy(answer.id or remote_id, answer.version_id)
        except e.NotFoundError as error:
            if lacks_dictionaries(error):
                raise
            log.info("the account no longer has dictionary %s; creating it again", remote_id)
            state.forget(account, dictionary.id)
    if copy is None:
        created = remote.add_from_rules(client, dictionary.name or "Narration Studio", rules,
                                        description="Made by Narration Studio")
        copy = RemoteCopy(created.id, created.version_id)
    state.record(account, dictionary.id, version, copy)
    return _locator(copy), True


def _locator(copy: RemoteCopy) -> PronunciationDictionaryLocator:
    return PronunciationDictionaryLocator(pronunciation_dictionary_id=copy.remote_id, version_id=copy.version_id)


def prepare(backend: Any, dictionaries: Sequence[PronunciationDictionary], state: SyncState | None = None
            ) -> Prepared:
    """How ``backend`` will apply ``dictionaries`` (see the module notes). Blocks on the network."""
    check_count(len(dictionaries))
    used = tuple(d for d in dictionaries if d.rules)
    client = getattr(backend, "client", None)
    if not used or getattr(backend, "engine_id", None) != "elevenlabs" or client is None:
        return Prepared(Pronunciation(used))
    if client in _without_dictionaries:
        return Prepared(Pronunciation(used), [], NO_DICTIONARIES)
    state = state or SyncState()
    locators: list[PronunciationDictionaryLocator] = []
    uploaded: list[str] = []
    try:
        # One sync at a time: the window's counter, Play and Export may ask together, and two
        # uploads of one new version would make two remote dictionaries.
        with _one_at_a_time:
            account = account_key(client)
            stale = getattr(backend, "stale_copies", None)
            for dictionary in used:
                locator, sent = upload(client, dictionary, state, account)
                if stale is not None:  # so a 404 on it at synthesis uploads it again
                    stale.handed_out(locator, dictionary, state, account)
                locators.append(locator)
                if sent:
                    uploaded.append(dictionary.name)
    except e.NetworkError as error:
        return Prepared(Pronunciation(used), uploaded, f"the dictionaries could not be uploaded ({error.cause})")
    except e.ApiError as error:
        if not lacks_dictionaries(error):
            raise
        _without_dictionaries.add(client)
        return Prepared(Pronunciation(used), uploaded, NO_DICTIONARIES)
    return Prepared(Pronunciation(used, tuple(locators)), uploaded)
