"""The server's speech history: every text-to-speech generation, kept in memory, bounded.

Each finished generation (the four TTS routes and the four Text-to-Dialogue routes, streamed or
not; not with ``enable_logging=false``, which is zero-retention on the real API) becomes a
:class:`HistoryRecord`: the item as ``GET /v1/history/{id}`` shows it
(``SpeechHistoryItemResponseModel``: text, voice id and name, model, settings, ``date_unix``,
character counts, request id, alignments, output format; a dialogue's lines in ``dialogue``)
plus its audio as it was sent. The voice and search filters also look into a dialogue's lines.
A generation that did not finish (the client went away, an injected disconnect) is not
recorded.

Bounded: at most ``max_items`` records and ``max_bytes`` of audio; the oldest go first.

Paging is by cursor as in the API: sorted by date (newest first unless ``asc``; ties by the
order they were made), ``start_after_history_item_id`` continues after that item. Deleted
items leave their place behind (a bounded tombstone), so a list being paged through while
someone deletes the item at the end of a page still continues where it was.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["HistoryFilter", "HistoryRecord", "HistoryRecorder", "HistoryStore", "UnknownCursor"]

DEFAULT_MAX_ITEMS = 500
DEFAULT_MAX_BYTES = 64 * 1024 * 1024
_TOMBSTONES = 1000


class UnknownCursor(LookupError):
    """``start_after_history_item_id`` names no item this history ever had."""


@dataclass
class HistoryRecord:
    item: dict[str, Any]
    #: The audio as it was sent (in ``item["output_format"]``).
    audio: bytes
    seq: int
    #: The audio's MP3 (or WAV) form, made once when first asked for.
    converted: dict[str, bytes] = field(default_factory=dict)
    #: False once the audio was removed (a test's "audio is gone"): the item stays listed.
    has_audio: bool = True

    @property
    def id(self) -> str:
        return str(self.item["history_item_id"])

    @property
    def sort_key(self) -> tuple[int, int]:
        return (int(self.item["date_unix"]), self.seq)


@dataclass(frozen=True)
class HistoryFilter:
    voice_id: str | None = None
    model_id: str | None = None
    date_before_unix: int | None = None  # exclusive
    date_after_unix: int | None = None  # inclusive
    search: str | None = None
    source: str | None = None
    descending: bool = True

    def matches(self, item: dict[str, Any]) -> bool:
        lines = item.get("dialogue") or ()  # a dialogue's voices and texts are its lines'
        if self.voice_id and item.get("voice_id") != self.voice_id \
                and all(line.get("voice_id") != self.voice_id for line in lines):
            return False
        if self.model_id and item.get("model_id") != self.model_id:
            return False
        date = int(item["date_unix"])
        if self.date_before_unix is not None and date >= self.date_before_unix:
            return False
        if self.date_after_unix is not None and date < self.date_after_unix:
            return False
        if self.source and item.get("source") != self.source:
            return False
        if self.search:
            words = [item.get("text") or "", item.get("voice_name") or ""]
            words += [f"{line.get('text') or ''} {line.get('voice_name') or ''}" for line in lines]
            haystack = " ".join(words).casefold()
            if self.search.casefold() not in haystack:
                return False
        return True


class HistoryStore:
    """Thread-safe: speech routes add from the event loop, the history routes read."""

    def __init__(self, max_items: int = DEFAULT_MAX_ITEMS, max_bytes: int = DEFAULT_MAX_BYTES,
                 clock: Callable[[], float] = time.time) -> None:
        self.max_items = max_items
        self.max_bytes = max_bytes
        #: Where ``date_unix`` comes from (a test may set its own to make dates apart).
        self.clock = clock
        self._lock = threading.Lock()
        self._records: OrderedDict[str, HistoryRecord] = OrderedDict()
        self._gone: OrderedDict[str, tuple[int, int]] = OrderedDict()
        self._bytes = 0
        self._seq = 0

    def __len__(self) -> int:
        with self._lock:
            return len(self._records)

    def add(self, item: dict[str, Any], audio: bytes) -> HistoryRecord:
        with self._lock:
            self._seq += 1
            item = {**item, "date_unix": int(item.get("date_unix") or self.clock())}
            record = HistoryRecord(item, audio, self._seq)
            self._records[record.id] = record
            self._bytes += len(audio)
            while self._records and (len(self._records) > self.max_items or self._bytes > self.max_bytes):
                _, oldest = self._records.popitem(last=False)
                self._forget(oldest)
            return record

    def get(self, history_item_id: str) -> HistoryRecord | None:
        with self._lock:
            return self._records.get(history_item_id)

    def delete(self, history_item_id: str) -> bool:
        with self._lock:
            record = self._records.pop(history_item_id, None)
            if record is None:
                return False
            self._forget(record)
            return True

    def drop_audio(self, history_item_id: str) -> None:
        """For tests: the item stays, its audio is gone (``/audio`` answers 404)."""
        with self._lock:
            record = self._records[history_item_id]
            self._bytes -= len(record.audio)
            record.audio, record.converted, record.has_audio = b"", {}, False

    def clear(self) -> None:
        with self._lock:
            self._records.clear()
            self._gone.clear()
            self._bytes = 0

    def _forget(self, record: HistoryRecord) -> None:
        self._bytes -= len(record.audio)
        self._gone[record.id] = record.sort_key
        while len(self._gone) > _TOMBSTONES:
            self._gone.popitem(last=False)

    def page(self, wanted: HistoryFilter, page_size: int,
             start_after: str | None = None) -> tuple[list[HistoryRecord], bool]:
        """One page of matching records and whether more follow. Raises UnknownCursor."""
        with self._lock:
            found = [r for r in self._records.values() if wanted.matches(r.item)]
            cursor = None
            if start_after:
                known = self._records.get(start_after)
                cursor = known.sort_key if known is not None else self._gone.get(start_after)
                if cursor is None:
                    raise UnknownCursor(start_after)
        found.sort(key=lambda r: r.sort_key, reverse=wanted.descending)
        if cursor is not None:
            found = [r for r in found if (r.sort_key < cursor if wanted.descending else r.sort_key > cursor)]
        return found[:page_size], len(found) > page_size


class HistoryRecorder:
    """Collects one generation's audio and alignment as it is sent; records it if it finishes."""

    def __init__(self, store: HistoryStore, item: dict[str, Any]) -> None:
        self._store = store
        self._item = item
        self._audio: list[bytes] = []
        self._alignment: dict[str, list[Any]] = {}
        self._normalized: dict[str, list[Any]] = {}

    def feed(self, audio: bytes, alignment: dict[str, list[Any]] | None,
             normalized: dict[str, list[Any]] | None) -> None:
        self._audio.append(audio)
        for target, part in ((self._alignment, alignment), (self._normalized, normalized)):
            for name, values in (part or {}).items():
                target.setdefault(name, []).extend(values)

    def finish(self) -> HistoryRecord:
        alignments = None
        if self._alignment and self._normalized:
            alignments = {"alignment": self._alignment, "normalized_alignment": self._normalized}
        return self._store.add({**self._item, "alignments": alignments}, b"".join(self._audio))
