"""What the studio uploaded to which account: remote ids and version ids per content version.

Stored in the user's state folder (``pronunciation-sync.json`` beside the recovery file), NOT
in the project file: the remote ids belong to an account, and one project may be voiced from
two accounts (or a shared dictionary attached to several projects uploaded once). Keyed by
account = server address + the account's ``user_id`` (``GET /v1/user``), never by the key::

    {"format": "narration-studio-pronunciation-sync", "version": 1,
     "accounts": {"https://api.elevenlabs.io|user123":
         {"<local dictionary id>": {"remote_id": "...", "versions": {"<content_version>": "<version_id>"}}}}}

A content version seen before maps straight to its version id (no upload: the API keeps old
versions addressable by locator). Each dictionary keeps its last :data:`KEEP_VERSIONS`.
Written atomically; an unreadable file counts as empty (the worst case is one upload again).
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from pathlib import Path

from studio.core.files import write_atomically

FORMAT = "narration-studio-pronunciation-sync"
FILE_NAME = "pronunciation-sync.json"
KEEP_VERSIONS = 20


@dataclass(frozen=True)
class RemoteCopy:
    remote_id: str
    version_id: str


class SyncState:
    """Thread-safe; every change is written at once."""

    def __init__(self, path: Path | str | None = None) -> None:
        if path is None:
            from studio.core.project import default_state_dir

            path = default_state_dir() / FILE_NAME
        self.path = Path(path)
        self._lock = threading.Lock()
        #: Read on first use, so a window can make one on the GUI thread without touching the disk.
        self._loaded: dict[str, dict[str, dict]] | None = None

    @property
    def _accounts(self) -> dict[str, dict[str, dict]]:
        if self._loaded is None:
            self._loaded = self._read()
        return self._loaded

    def _read(self) -> dict[str, dict[str, dict]]:
        try:
            document = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(document, dict) or document.get("format") != FORMAT:
            return {}
        accounts = document.get("accounts")
        return accounts if isinstance(accounts, dict) else {}

    def remote_id(self, account: str, dictionary_id: str) -> str | None:
        with self._lock:
            entry = self._accounts.get(account, {}).get(dictionary_id)
            return entry.get("remote_id") if isinstance(entry, dict) else None

    def lookup(self, account: str, dictionary_id: str, content_version: str) -> RemoteCopy | None:
        with self._lock:
            entry = self._accounts.get(account, {}).get(dictionary_id)
            if not isinstance(entry, dict):
                return None
            version = (entry.get("versions") or {}).get(content_version)
            return RemoteCopy(entry["remote_id"], version) if version else None

    def record(self, account: str, dictionary_id: str, content_version: str, copy: RemoteCopy) -> None:
        with self._lock:
            entries = self._accounts.setdefault(account, {})
            entry = entries.get(dictionary_id)
            if not isinstance(entry, dict) or entry.get("remote_id") != copy.remote_id:
                entry = {"remote_id": copy.remote_id, "versions": {}}  # a new remote copy: old versions are gone
            versions = dict(entry.get("versions") or {})
            versions.pop(content_version, None)
            versions[content_version] = copy.version_id  # newest last
            entry["versions"] = dict(list(versions.items())[-KEEP_VERSIONS:])
            entries[dictionary_id] = entry
            self._write()

    def forget(self, account: str, dictionary_id: str) -> None:
        with self._lock:
            if self._accounts.get(account, {}).pop(dictionary_id, None) is not None:
                self._write()

    def _write(self) -> None:
        document = {"format": FORMAT, "version": 1, "accounts": self._accounts}
        try:
            write_atomically(self.path, json.dumps(document, indent=1, ensure_ascii=False).encode("utf-8"))
        except OSError:
            pass  # not fatal: the next run uploads once more
