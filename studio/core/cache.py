"""A content-addressed on-disk cache of synthesized speech: never pay twice for the same audio.

An entry is keyed by everything that shapes the audio (text, voice, model, settings, seed,
output format, engine, plus optional extras such as a language code) and holds the PCM and the
alignments. One file per entry, ``<root>/<k[:2]>/<k>.speech``::

    magic "NSC1" | u32 header length | header JSON | PCM bytes

The header carries a SHA-256 of everything after it, so a torn or bit-rotted entry is found,
deleted and reported as a miss (the caller regenerates it). Writes go to a temporary file in
the same folder and are renamed into place, so a reader never sees half an entry, even across
processes (the GUI and a CLI export may share the cache). Reads touch the file's mtime, which
orders least-recently-used eviction when the cache grows past ``max_bytes``.

The neighbouring text sent for continuity (previous/next text, request ids) is deliberately not
part of the key: it only nudges intonation, and keying on it would re-bill every neighbour of
an edited paragraph.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import struct
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from studio.api.models import CharacterAlignment, VoiceSettings
from studio.core.files import write_atomically

if TYPE_CHECKING:
    from studio.api.requests import TextToSpeechRequest

log = logging.getLogger(__name__)

_MAGIC = b"NSC1"
_SUFFIX = ".speech"
_KEY_VERSION = 1
DEFAULT_MAX_BYTES = 2 * 1024**3


def default_cache_dir() -> Path:
    """``<user cache dir>/narration-studio/speech`` (honours XDG_CACHE_HOME on Linux)."""
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("narration-studio", appauthor=False)) / "speech"


@dataclass
class CachedSpeech:
    pcm: bytes
    sample_rate: int
    alignment: CharacterAlignment | None = None
    normalized_alignment: CharacterAlignment | None = None
    #: The ``request-id`` the engine gave (for request stitching) and when it was made.
    request_id: str | None = None
    created_unix: float = field(default_factory=time.time)
    #: Credits the generation cost (the ``character-cost`` header, or an estimate).
    character_cost: float | None = None

    @property
    def n_samples(self) -> int:
        return len(self.pcm) // 2


@dataclass
class CacheStats:
    hits: int = 0
    misses: int = 0
    puts: int = 0
    evictions: int = 0
    corrupt: int = 0
    write_failures: int = 0


def _alignment_dict(alignment: CharacterAlignment | None) -> dict[str, Any] | None:
    if alignment is None:
        return None
    return {
        "characters": list(alignment.characters),
        "character_start_times_seconds": list(alignment.character_start_times_seconds),
        "character_end_times_seconds": list(alignment.character_end_times_seconds),
    }


def _checksum(meta_blob: bytes, pcm: bytes) -> str:
    # Fed in two parts: joining them first would copy the whole audio once more.
    digest = hashlib.sha256(meta_blob)
    digest.update(pcm)
    return digest.hexdigest()


class SpeechCache:
    """Thread-safe: parallel generation and playback may share one instance."""

    def __init__(self, root: Path | str | None = None, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.root = Path(root) if root is not None else default_cache_dir()
        self.max_bytes = max_bytes
        self.stats = CacheStats()
        self._lock = threading.RLock()
        self._total: int | None = None  # bytes on disk, learned lazily by one scan
        self._seconds: dict[str, float] = {}  # key -> length of its audio (see seconds())

    # -- keys -----------------------------------------------------------------------------

    @staticmethod
    def key_for(
        text: str,
        voice_id: str,
        model_id: str,
        settings: VoiceSettings | Mapping[str, Any] | None,
        seed: int | None,
        output_format: str,
        engine_id: str,
        extra: Mapping[str, Any] | None = None,
        *,
        language_code: str | None = None,
        variant: str | None = None,
    ) -> str:
        """The key of speaking ``text`` this way: the one choice of what goes into a key.

        ``variant`` tells apart several takes of the same text and settings (a regenerated
        paragraph): None for the first, so its key is the one every render path computes.
        """
        if isinstance(settings, VoiceSettings):
            settings_dict: Mapping[str, Any] = settings.to_request()
        else:
            settings_dict = {k: v for k, v in (settings or {}).items() if v is not None}
        extras = dict(extra or {})
        for name, value in (("language_code", language_code), ("take", variant)):
            if value is not None:
                extras[name] = value
        material = {
            "v": _KEY_VERSION,
            "text": text,
            "voice": voice_id,
            "model": model_id,
            # Floats as repr so 0.5 and 0.50 agree but 0.5 and 0.51 never collide.
            "settings": {k: repr(float(v)) if isinstance(v, float) else v for k, v in settings_dict.items()},
            "seed": seed,
            "format": output_format,
            "engine": engine_id,
            # Unset extras are left out, so adding one never changes the keys made without it.
            "extra": {k: v for k, v in extras.items() if v is not None},
        }
        blob = json.dumps(material, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()

    @staticmethod
    def key_for_request(request: TextToSpeechRequest, engine_id: str, variant: str | None = None) -> str:
        """The key of what ``request`` would make. Neighbouring text and request ids are left
        out on purpose: they shape intonation, not which audio this is, so editing one
        paragraph never re-bills its neighbours."""
        return SpeechCache.key_for(
            request.text,
            request.voice_id,
            request.model_id,
            request.voice_settings,
            request.seed,
            request.output_format,
            engine_id,
            language_code=request.language_code,
            variant=variant,
        )

    def path_for(self, key: str) -> Path:
        if len(key) < 8 or not all(c in "0123456789abcdef" for c in key):
            raise ValueError("not a cache key")
        return self.root / key[:2] / f"{key}{_SUFFIX}"

    # -- reading --------------------------------------------------------------------------

    def __contains__(self, key: str) -> bool:
        return self.path_for(key).is_file()

    def get(self, key: str) -> CachedSpeech | None:
        path = self.path_for(key)
        try:
            with open(path, "rb") as handle:
                # Which file was read: a put() renames a new one over the path (a new inode).
                read_inode = os.fstat(handle.fileno()).st_ino
                blob = handle.read()
        except FileNotFoundError:
            with self._lock:
                self.stats.misses += 1
            return None
        except OSError as error:
            log.warning("could not read cache entry %s: %s", path.name, error)
            with self._lock:
                self.stats.misses += 1
            return None
        entry = self._decode(blob)
        with self._lock:
            if entry is None:
                self.stats.corrupt += 1
                self.stats.misses += 1
                log.warning("cache entry %s is damaged; it will be generated again", path.name)
                # Another thread may have stored a good entry since the read: keep that one.
                with contextlib.suppress(OSError):
                    if path.stat().st_ino == read_inode:
                        self._remove(path, len(blob))
                return None
            self.stats.hits += 1
        with contextlib.suppress(OSError):
            os.utime(path)  # most recently used
        return entry

    def seconds(self, key: str) -> float | None:
        """How long entry ``key``'s audio lasts (None: not in the cache, or unreadable), from
        its header alone: the outline sums a book's thousands of entries after every edit, so
        it must not read (and checksum) their audio. Entries are content-addressed and never
        change under a key, so each answer is remembered."""
        with self._lock:
            known = self._seconds.get(key)
        if known is not None:
            return known
        try:
            with open(self.path_for(key), "rb") as handle:
                head = handle.read(8)
                if head[:4] != _MAGIC or len(head) < 8:
                    return None
                (header_len,) = struct.unpack("<I", head[4:8])
                header = json.loads(handle.read(header_len).decode("utf-8"))
            seconds = int(header["pcm_bytes"]) / 2 / int(header["meta"]["sample_rate"])
        except (OSError, ValueError, KeyError, TypeError, ZeroDivisionError, struct.error, UnicodeDecodeError):
            return None
        with self._lock:
            self._seconds[key] = seconds
        return seconds

    @staticmethod
    def _decode(blob: bytes) -> CachedSpeech | None:
        try:
            if blob[:4] != _MAGIC:
                return None
            (header_len,) = struct.unpack("<I", blob[4:8])
            header = json.loads(blob[8 : 8 + header_len].decode("utf-8"))
            pcm = blob[8 + header_len :]
            meta_blob = json.dumps(header["meta"], sort_keys=True).encode("utf-8")
            if _checksum(meta_blob, pcm) != header["sha256"] or len(pcm) != header["pcm_bytes"]:
                return None
            meta = header["meta"]
            return CachedSpeech(
                pcm=pcm,
                sample_rate=int(meta["sample_rate"]),
                alignment=CharacterAlignment(**meta["alignment"]) if meta.get("alignment") else None,
                normalized_alignment=(
                    CharacterAlignment(**meta["normalized_alignment"]) if meta.get("normalized_alignment") else None
                ),
                request_id=meta.get("request_id"),
                created_unix=float(meta.get("created_unix", 0.0)),
                character_cost=meta.get("character_cost"),
            )
        except (ValueError, KeyError, TypeError, struct.error, UnicodeDecodeError):
            return None

    # -- writing --------------------------------------------------------------------------

    def put(self, key: str, speech: CachedSpeech) -> bool:
        """Store ``speech``; returns False (and logs) if the disk refused. Never raises for I/O."""
        meta = {
            "sample_rate": speech.sample_rate,
            "alignment": _alignment_dict(speech.alignment),
            "normalized_alignment": _alignment_dict(speech.normalized_alignment),
            "request_id": speech.request_id,
            "created_unix": speech.created_unix,
            "character_cost": speech.character_cost,
        }
        meta_blob = json.dumps(meta, sort_keys=True).encode("utf-8")
        header = json.dumps(
            {"meta": meta, "sha256": _checksum(meta_blob, speech.pcm), "pcm_bytes": len(speech.pcm)}
        ).encode("utf-8")
        path = self.path_for(key)
        size = 8 + len(header) + len(speech.pcm)
        try:
            write_atomically(path, b"".join((_MAGIC, struct.pack("<I", len(header)), header, speech.pcm)))
        except OSError as error:
            log.warning("could not store speech in the cache (%s); it will be generated again next time", error)
            with self._lock:
                self.stats.write_failures += 1
            return False
        with self._lock:
            self.stats.puts += 1
            if self._total is not None:
                self._total += size
            self._evict_if_needed(keep=path)
        return True

    def discard(self, key: str) -> None:
        path = self.path_for(key)
        with self._lock:
            try:
                size = path.stat().st_size
            except OSError:
                return
            self._remove(path, size)

    # -- size and eviction ----------------------------------------------------------------

    def _entries(self) -> list[tuple[float, int, Path]]:
        found = []
        if not self.root.is_dir():
            return found
        for sub in os.scandir(self.root):
            if not sub.is_dir():
                continue
            for entry in os.scandir(sub.path):
                # Entries being written are hidden temporary files (see write_atomically).
                if entry.name.endswith(_SUFFIX) and not entry.name.startswith("."):
                    with contextlib.suppress(OSError):
                        st = entry.stat()
                        found.append((st.st_mtime, st.st_size, Path(entry.path)))
        return found

    def size_bytes(self) -> int:
        with self._lock:
            if self._total is None:
                self._total = sum(size for _, size, _ in self._entries())
            return self._total

    def _evict_if_needed(self, keep: Path | None = None) -> None:
        if self.size_bytes() <= self.max_bytes:
            return
        # Rescan: another process may have added or removed entries.
        entries = sorted(self._entries())
        total = sum(size for _, size, _ in entries)
        for _, size, path in entries:
            if total <= self.max_bytes:
                break
            if path == keep:
                continue
            self._remove(path, size, count_total=False)
            total -= size
            self.stats.evictions += 1
        self._total = total

    def _remove(self, path: Path, size: int, *, count_total: bool = True) -> None:
        try:
            path.unlink()
        except FileNotFoundError:
            return
        except OSError as error:
            log.warning("could not remove cache entry %s: %s", path.name, error)
            return
        if count_total and self._total is not None:
            self._total = max(0, self._total - size)

    def verify(self) -> tuple[int, int]:
        """(good, damaged) entries on disk, without changing anything. For tests and diagnostics."""
        good = damaged = 0
        for _, _, path in self._entries():
            try:
                ok = self._decode(path.read_bytes()) is not None
            except OSError:
                ok = False
            good += ok
            damaged += not ok
        return good, damaged
