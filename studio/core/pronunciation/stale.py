"""A dictionary the account no longer has: upload it again once, and send the request again.

The sync record (:mod:`studio.core.pronunciation.sync_state`) can outlive the remote copy it
names: the dictionary was deleted on the website, or a local server restarted at the same
address and forgot it. The text-to-speech request then fails with a 404 naming the
dictionary (``pronunciation_dictionary_not_found`` / ``…_version_not_found``) before any
audio is made or anything is charged.

Each :class:`~studio.core.backends.elevenlabs.ElevenLabsBackend` keeps one
:class:`StaleCopies`. :func:`~studio.core.pronunciation.sync.prepare` tells it which local
dictionary each locator it hands out stands for; on such a 404 the backend asks
:meth:`StaleCopies.replace` for a request whose stale locators are uploaded afresh, and sends
that one instead — once: a locator is uploaded again at most once per backend, so a second
404 for it is the person's to see. Later requests of the same render (which still carry the
old locators in their settings) are given the new ones by :meth:`StaleCopies.current` before
they are sent, so nothing 404s twice. Audio already made is in the cache and never requested
again; the locators are not part of any cache key.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from studio.api import errors as e

if TYPE_CHECKING:
    from studio.api.requests import PronunciationDictionaryLocator, TextToSpeechRequest
    from studio.core.pronunciation.rules import PronunciationDictionary
    from studio.core.pronunciation.sync_state import SyncState

log = logging.getLogger(__name__)

#: The API's statuses for a locator it does not know.
STALE_STATUSES = frozenset({"pronunciation_dictionary_not_found", "pronunciation_dictionary_version_not_found"})


def names_a_stale_dictionary(error: BaseException) -> bool:
    """``error`` is the service saying a dictionary (or its version) in the request is unknown."""
    if not isinstance(error, e.ApiError) or error.status_code not in (400, 404):
        return False
    status = (error.api_status or "").lower()
    return status in STALE_STATUSES or "pronunciation_dictionary" in status


@dataclass(frozen=True)
class _Origin:
    dictionary: PronunciationDictionary
    state: SyncState
    account: str


class StaleCopies:
    """Thread-safe: the render's parts are sent from several threads at once."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._origins: dict[str, _Origin] = {}  # remote id → what it is a copy of
        self._replaced: dict[tuple[str, str | None], PronunciationDictionaryLocator] = {}

    def handed_out(self, locator: PronunciationDictionaryLocator, dictionary: PronunciationDictionary,
                   state: SyncState, account: str) -> None:
        with self._lock:
            self._origins[locator.pronunciation_dictionary_id] = _Origin(dictionary, state, account)

    def current(self, request: TextToSpeechRequest) -> TextToSpeechRequest:
        """``request`` with every locator already uploaded again swapped for its new copy."""
        locators = request.pronunciation_dictionary_locators
        if not locators:
            return request
        with self._lock:
            if not self._replaced:
                return request
            fresh = tuple(self._replaced.get(_key(loc), loc) for loc in locators)
        return request if fresh == tuple(locators) else request.model_copy(
            update={"pronunciation_dictionary_locators": fresh})

    def replace(self, client: Any, request: TextToSpeechRequest, error: BaseException) -> TextToSpeechRequest | None:
        """The request to send instead after ``error``, its stale dictionaries uploaded again;
        None when ``error`` is not about a dictionary, or each one named was uploaded again already."""
        from studio.core.pronunciation.sync import _one_at_a_time, upload

        locators = tuple(request.pronunciation_dictionary_locators or ())
        if not locators or not names_a_stale_dictionary(error):
            return None
        said = f"{error} {getattr(error, 'server_message', '') or ''}"
        named = [loc for loc in locators if loc.pronunciation_dictionary_id in said] or list(locators)
        with _one_at_a_time:  # never beside a sync of the same dictionaries
            swapped = self.current(request)
            if swapped is not request:
                return swapped  # another part's 404 uploaded them meanwhile
            with self._lock:
                todo = [(loc, self._origins.get(loc.pronunciation_dictionary_id)) for loc in named
                        if _key(loc) not in self._replaced]
            if not todo or any(origin is None for _loc, origin in todo):
                return None  # uploaded again once already, or not one of ours: the error stands
            gone = (getattr(error, "api_status", None) or "") == "pronunciation_dictionary_not_found"
            for old, origin in todo:
                assert origin is not None
                if gone:  # not just a version: a new remote dictionary, without first trying set-rules
                    origin.state.forget(origin.account, origin.dictionary.id)
                log.info("the account no longer has dictionary %s; uploading “%s” again",
                         old.pronunciation_dictionary_id, origin.dictionary.name)
                new, _sent = upload(client, origin.dictionary, origin.state, origin.account, force=True)
                with self._lock:
                    self._replaced[_key(old)] = new
                    self._replaced.setdefault(_key(new), new)  # the new copy is never replaced again
                    self._origins[new.pronunciation_dictionary_id] = origin
        return self.current(request)


def _key(locator: PronunciationDictionaryLocator) -> tuple[str, str | None]:
    return locator.pronunciation_dictionary_id, locator.version_id
