"""Write narration to WAV, FLAC or OGG (Vorbis), incrementally and all-or-nothing.

Audio is written piece by piece (a two-hour book never sits in memory) into a temporary file
in the destination folder, then renamed over the destination in one step; on any failure the
temporary file is removed, so the destination is either the old file, the complete new file,
or absent. Never half a file.

Tags (checked by writing and reading back with the bundled libsndfile 1.2.2):

- WAV: title and artist in a RIFF LIST/INFO chunk (INAM, IART).
- FLAC and OGG: Vorbis comments TITLE and ARTIST, full UTF-8.

MP3 and M4B are :mod:`studio.core.audiobook`'s (PyAV encodes, mutagen tags: ID3v2.4 in full
UTF-8 with chapter frames; libsndfile could only write a 30-byte, Latin-1 ID3v1 tag).

Quality presets (``low``/``medium``/``high``/``best``) set libsndfile's compression level:
the VBR quality for Vorbis, the effort for FLAC (which is lossless at every level); WAV has none.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from pathlib import Path
from types import TracebackType

import numpy as np

from studio.core.files import give_default_permissions
from studio.errors import StudioError

#: suffix → (libsndfile format, subtype)
FORMATS: dict[str, tuple[str, str]] = {
    ".wav": ("WAV", "PCM_16"),
    ".flac": ("FLAC", "PCM_16"),
    ".ogg": ("OGG", "VORBIS"),
}
QUALITIES = ("low", "medium", "high", "best")
# compression_level per quality for lossy formats (0 = best quality) and for FLAC (1 = smallest).
_LOSSY_LEVEL = {"low": 0.7, "medium": 0.45, "high": 0.2, "best": 0.0}
_FLAC_LEVEL = {"low": 0.0, "medium": 0.5, "high": 0.6, "best": 1.0}


class ExportError(StudioError):
    """Export failed; nothing was left half-written."""


def format_for(path: Path) -> tuple[str, str]:
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise ExportError(
            f"Cannot export to “{path.name}”: the file type {suffix or '(none)'} is not supported",
            "End the file name with .wav, .flac, .ogg, .mp3 or .m4b, or give a folder for one file per chapter.",
        )
    return FORMATS[suffix]


def _libsndfile_detail(handle: object) -> str:
    """libsndfile's own message for a failed file (it names the OS error; the exception does not)."""
    try:
        import soundfile as sf

        return sf._ffi.string(sf._snd.sf_strerror(handle._file)).decode("utf-8", "replace")  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001 - a diagnosis only
        return ""


def check_destination(path: Path, *, overwrite: bool) -> None:
    """Refuse early (before any credits are spent) if the file cannot be written."""
    format_for(path)
    folder = path.parent
    if not folder.is_dir():
        raise ExportError(
            f"The folder “{folder}” does not exist", "Create it first or choose another place to save."
        )
    if path.is_dir():
        raise ExportError(f"“{path}” is a folder", "Give a file name ending in .wav, .flac, .ogg, .mp3 or .m4b.")
    if path.exists() and not overwrite:
        raise ExportError(
            f"“{path.name}” already exists", "Choose another name, or allow replacing it (--overwrite)."
        )
    if not os.access(folder, os.W_OK):
        raise write_error(folder, PermissionError(errno.EACCES, "Permission denied"))


def write_error(folder: Path, error: BaseException) -> ExportError:
    """A narrator's explanation of a failed write, by errno."""
    code = getattr(error, "errno", None)
    text = str(error).lower()
    if code in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG) or "space" in text or "too large" in text:
        return ExportError(
            f"There is not enough room to save the export in “{folder}”",
            "Free some disk space or choose another place to save, then export again. "
            "Nothing was changed there, and the speech already made is kept for next time.",
        )
    if code in (errno.EROFS, errno.EACCES, errno.EPERM) or "read-only" in text or "permission" in text:
        return ExportError(
            f"The folder “{folder}” cannot be written to (it is read-only or not yours)",
            "Choose another place to save, then export again. The speech already made is kept for next time.",
        )
    return ExportError(
        f"Could not save the export in “{folder}” ({error})",
        "Check the disk and the folder, then export again. The speech already made is kept for next time.",
    )


class AudioFileWriter:
    """Mono 16-bit audio to ``destination``; use as a context manager or call commit()/abort()."""

    def __init__(
        self,
        destination: Path | str,
        sample_rate: int,
        *,
        quality: str = "high",
        title: str | None = None,
        artist: str | None = None,
        overwrite: bool = False,
    ) -> None:
        self.destination = Path(destination)
        self.sample_rate = sample_rate
        if quality not in QUALITIES:
            raise ExportError(f"Unknown quality “{quality}”", "Use one of: " + ", ".join(QUALITIES) + ".")
        self.quality = quality
        self.title, self.artist = title, artist
        self.overwrite = overwrite
        self.frames_written = 0
        self._file = None  # soundfile.SoundFile
        self._tmp: Path | None = None

    def open(self) -> AudioFileWriter:
        import soundfile as sf

        check_destination(self.destination, overwrite=self.overwrite)
        fmt, subtype = format_for(self.destination)
        folder = self.destination.parent
        try:
            fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{self.destination.stem}.", suffix=".partial")
            os.close(fd)
        except OSError as error:
            raise write_error(folder, error) from error
        self._tmp = Path(tmp)
        options: dict[str, object] = {}
        if fmt == "OGG":
            options["compression_level"] = _LOSSY_LEVEL[self.quality]
        if fmt == "FLAC":
            options["compression_level"] = _FLAC_LEVEL[self.quality]
        try:
            self._file = sf.SoundFile(
                str(self._tmp), "w", self.sample_rate, 1, subtype, format=fmt, **options  # type: ignore[arg-type]
            )
            # Vorbis comments must be set before the first audio is written.
            if self.title:
                self._file.title = self.title
            if self.artist:
                self._file.artist = self.artist
        except Exception as error:  # libsndfile reports I/O failures as its own error type
            self.abort()
            raise write_error(folder, error) from error
        return self

    def write(self, samples: np.ndarray | bytes) -> None:
        """Append int16 samples (an array, or s16le PCM bytes)."""
        if self._file is None:
            raise RuntimeError("writer is not open")
        data = np.frombuffer(samples, dtype="<i2") if isinstance(samples, (bytes, bytearray, memoryview)) else samples
        if data.size == 0:
            return
        try:
            self._file.write(data)
        except Exception as error:
            detail = _libsndfile_detail(self._file)
            self.abort()
            raise write_error(self.destination.parent, OSError(detail) if detail else error) from error
        self.frames_written += int(data.size)

    def write_silence(self, n_samples: int) -> None:
        step = 1 << 16
        while n_samples > 0:
            count = min(step, n_samples)
            self.write(np.zeros(count, dtype=np.int16))
            n_samples -= count

    def commit(self) -> Path:
        if self._file is None or self._tmp is None:
            raise RuntimeError("writer is not open")
        folder = self.destination.parent
        try:
            self._file.close()
            self._file = None
            with open(self._tmp, "rb+") as handle:
                os.fsync(handle.fileno())
            if self.destination.exists() and not self.overwrite:
                raise FileExistsError(errno.EEXIST, "exists")
            give_default_permissions(self._tmp)
            os.replace(self._tmp, self.destination)
            self._tmp = None
        except FileExistsError:
            self.abort()
            raise ExportError(
                f"“{self.destination.name}” appeared while exporting", "Choose another name or allow replacing it."
            ) from None
        except Exception as error:
            self.abort()
            raise write_error(folder, error) from error
        return self.destination

    def abort(self) -> None:
        if self._file is not None:
            with contextlib.suppress(Exception):
                self._file.close()
            self._file = None
        if self._tmp is not None:
            with contextlib.suppress(OSError):
                self._tmp.unlink()
            self._tmp = None

    def __enter__(self) -> AudioFileWriter:
        return self.open()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if exc_type is not None:
            self.abort()
        elif self._file is not None:
            self.commit()

