"""The local server's pronunciation dictionaries: an in-memory store with versions.

As on ElevenLabs, a dictionary has an id and a list of versions; **every** edit (add-, remove-,
set-rules) makes a new version id and leaves the older versions addressable (by a TTS locator
or the PLS download), and PATCH (name, archived) keeps the version. Rules are kept as the
studio's own rule objects (:mod:`studio.core.pronunciation`), so the server and the studio
match words by the same rules (:func:`studio.core.pronunciation.rewrites`).

The store is stricter than the real API in one way: a phoneme string that is neither IPA nor
ARPAbet is refused with 422 (the real API accepts it and the voice says something odd).
"""

from __future__ import annotations

import secrets
import string
import threading
import time
from dataclasses import dataclass, field, replace

from studio.core.pronunciation import PronunciationDictionary, Rule
from studio.server.errors import ApiHTTPError

_ID_CHARS = string.ascii_letters + string.digits
CREATED_BY = "local-narration-studio-user"


def _new_id() -> str:
    return "".join(secrets.choice(_ID_CHARS) for _ in range(20))


def dictionary_not_found(dictionary_id: str) -> ApiHTTPError:
    # The real API's body for this is undocumented; shaped like its voice_not_found.
    return ApiHTTPError(404, "pronunciation_dictionary_not_found",
                        f"A pronunciation dictionary with the id {dictionary_id} was not found.")


def version_not_found(dictionary_id: str, version_id: str) -> ApiHTTPError:
    return ApiHTTPError(404, "pronunciation_dictionary_version_not_found",
                        f"The pronunciation dictionary {dictionary_id} has no version {version_id}.")


@dataclass
class StoredDictionary:
    id: str
    name: str
    description: str | None
    creation_time_unix: int
    latest_version_id: str
    versions: dict[str, tuple[Rule, ...]] = field(default_factory=dict)
    archived_time_unix: int | None = None

    @property
    def rules(self) -> tuple[Rule, ...]:
        return self.versions[self.latest_version_id]

    def metadata(self) -> dict[str, object]:
        return {
            "id": self.id, "latest_version_id": self.latest_version_id,
            "latest_version_rules_num": len(self.rules), "name": self.name,
            "permission_on_resource": "admin", "created_by": CREATED_BY,
            "creation_time_unix": self.creation_time_unix, "archived_time_unix": self.archived_time_unix,
            "description": self.description,
        }

    def version_answer(self) -> dict[str, object]:
        return {"id": self.id, "version_id": self.latest_version_id, "version_rules_num": len(self.rules)}

    def as_dictionary(self, version_id: str | None = None) -> PronunciationDictionary:
        version = version_id or self.latest_version_id
        if version not in self.versions:
            raise version_not_found(self.id, version)
        return PronunciationDictionary(self.id, self.name, self.versions[version])


class DictionaryStore:
    """Thread-safe (routes run in the thread pool and on the loop)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: dict[str, StoredDictionary] = {}
        self._clock = 0  # keeps creation order strict when two are made in the same second

    def create(self, name: str, rules: tuple[Rule, ...], description: str | None) -> StoredDictionary:
        with self._lock:
            self._clock = max(self._clock + 1, int(time.time()))
            version = _new_id()
            item = StoredDictionary(_new_id(), name, description, self._clock, version, {version: tuple(rules)})
            self._items[item.id] = item
            return replace(item, versions=dict(item.versions))

    def get(self, dictionary_id: str) -> StoredDictionary:
        with self._lock:
            item = self._items.get(dictionary_id)
            if item is None:
                raise dictionary_not_found(dictionary_id)
            return replace(item, versions=dict(item.versions))

    def edit(self, dictionary_id: str, change: object) -> StoredDictionary:
        """A new version with ``change(old_rules) -> new_rules`` (always a new version id)."""
        with self._lock:
            item = self._items.get(dictionary_id)
            if item is None:
                raise dictionary_not_found(dictionary_id)
            rules = change(item.rules)  # type: ignore[operator]
            version = _new_id()
            item.versions[version] = tuple(rules)
            item.latest_version_id = version
            return replace(item, versions=dict(item.versions))

    def patch(self, dictionary_id: str, name: str | None, archived: bool | None) -> StoredDictionary:
        with self._lock:
            item = self._items.get(dictionary_id)
            if item is None:
                raise dictionary_not_found(dictionary_id)
            if name is not None:
                item.name = name
            if archived is not None:
                item.archived_time_unix = int(time.time()) if archived else None
            return replace(item, versions=dict(item.versions))

    def all(self) -> list[StoredDictionary]:
        with self._lock:
            return [replace(item, versions=dict(item.versions)) for item in self._items.values()]
