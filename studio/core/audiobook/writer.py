"""Audiobook writers with the interface of :class:`studio.core.audio_export.AudioFileWriter`
(``open``/``write``/``commit``/``abort``) plus chapter marks: ``mark(title, at_sample)``.

* :class:`BookFileWriter`: one ``.m4b`` or ``.mp3`` with a chapter list, tags and cover.
* :class:`ChapterFolderWriter`: one MP3 per chapter (``01 Title.mp3``…, tagged with track
  n/N) in a folder, or zipped.

All or nothing, as :mod:`studio.core.audio_export`: a single file is encoded into a temporary
file beside the destination, tagged there and renamed over it at ``commit``; a folder is built
as a hidden staging folder beside the destination and renamed into place (the old folder,
when replacing, is moved aside first and removed only after the rename). ``abort`` (a failure,
a cancel) removes whatever was staged, so the destination is the old one, or the new one, never
half of one.

Marks may lie ahead of what is written (an export with loudness normalisation knows every
chapter start before it writes the first sample): ``write`` cuts a block at each mark.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from studio.core.audio_export import ExportError, write_error
from studio.core.audiobook.encoder import ChapterMark, EncoderSettings, PcmEncoder, int16_samples
from studio.core.audiobook.formats import BookKind
from studio.core.audiobook.tags import BookTags, tag_mp3, tag_mp4
from studio.core.files import current_umask, give_default_permissions

__all__ = ["BookFileWriter", "ChapterFolderWriter", "check_book_destination", "chapter_file_stem"]

_UNSAFE = re.compile(r'[\x00-\x1f/\\:*?"<>|]+')


def chapter_file_stem(number: int, total: int, title: str) -> str:
    """``07 The Storm``: numbered so any file list sorts in reading order."""
    clean = _UNSAFE.sub(" ", title).strip(" .") or "Chapter"
    return f"{number:0{max(2, len(str(total)))}d} {' '.join(clean.split())[:80]}"


def check_book_destination(destination: Path, kind: BookKind, *, overwrite: bool) -> None:
    """Refuse early (before anything is requested) what could not be written."""
    folder = destination.parent
    if not folder.is_dir():
        raise ExportError(f"The folder “{folder}” does not exist", "Create it first or choose another place to save.")
    if kind == "folder":
        if destination.exists() and not destination.is_dir():
            raise ExportError(f"“{destination}” is a file, not a folder",
                              "Give a folder name for one file per chapter, or a name ending in .m4b or .mp3.")
        if destination.is_dir() and any(destination.iterdir()) and not overwrite:
            raise ExportError(f"The folder “{destination.name}” is not empty",
                              "Choose a new or empty folder, or allow replacing it (--overwrite).")
    else:
        if destination.is_dir():
            raise ExportError(f"“{destination}” is a folder", "Give a file name ending in .m4b or .mp3.")
        if destination.exists() and not overwrite:
            raise ExportError(f"“{destination.name}” already exists",
                              "Choose another name, or allow replacing it (--overwrite).")
    if not os.access(folder, os.W_OK):
        raise write_error(folder, PermissionError(13, "Permission denied"))


@dataclass
class _Marks:
    """Chapter starts (sample, title) in order, and where the audio ends."""

    starts: list[tuple[int, str]]

    def chapters(self, total: int, rate: int) -> list[ChapterMark]:
        kept = [(s, t) for s, t in self.starts if s < total]
        if not kept or kept[0][0] > 0:  # audio before the first mark opens the book untitled
            kept.insert(0, (0, ""))
        ends = [s for s, _ in kept[1:]] + [total]
        return [ChapterMark(t, s * 1000 // rate, e * 1000 // rate) for (s, t), e in zip(kept, ends, strict=True)]


class _BookWriter:
    """What both writers share: where, how, the tags, and the chapter marks so far."""

    def __init__(self, destination: Path, sample_rate: int, kind: BookKind, settings: EncoderSettings,
                 tags: BookTags, *, overwrite: bool = False) -> None:
        self.destination = Path(destination)
        self.sample_rate = sample_rate
        self.kind = kind
        self.settings = settings
        self.tags = tags
        self.overwrite = overwrite
        self.frames_written = 0
        self.marks = _Marks([])
        self._encoder: PcmEncoder | None = None

    def mark(self, title: str, at_sample: int) -> None:
        """Chapter ``title`` starts at sample ``at_sample`` (now, or later in the audio)."""
        self.marks.starts.append((at_sample, title))

    def commit(self) -> Path:
        """Finish, tag and move everything into place; on any failure nothing is left behind."""
        try:
            self._commit()
        except ExportError:
            self.abort()
            raise
        except Exception as error:
            self.abort()
            raise write_error(self.destination.parent, error) from error
        return self.destination

    def abort(self) -> None:
        if self._encoder is not None:
            self._encoder.abort()
            self._encoder = None
        self._discard()

    def _commit(self) -> None:
        raise NotImplementedError

    def _discard(self) -> None:
        """Remove whatever was staged."""
        raise NotImplementedError


class BookFileWriter(_BookWriter):
    """One ``.m4b`` (AAC, chapters by PyAV, tags and cover by mutagen) or ``.mp3`` (all by mutagen)."""

    def __init__(self, destination: Path, sample_rate: int, kind: BookKind, settings: EncoderSettings,
                 tags: BookTags, *, overwrite: bool = False) -> None:
        super().__init__(destination, sample_rate, kind, settings, tags, overwrite=overwrite)
        self._tmp: Path | None = None

    def open(self) -> BookFileWriter:
        check_book_destination(self.destination, self.kind, overwrite=self.overwrite)
        folder = self.destination.parent
        try:
            # The real suffix last: FFmpeg and mutagen both go by it.
            fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{self.destination.stem}.",
                                       suffix=f".partial{self.destination.suffix.lower()}")
            os.close(fd)
            self._tmp = Path(tmp)
            options = {"brand": "M4B "} if self.destination.suffix.lower() == ".m4b" else {}
            self._encoder = PcmEncoder(self._tmp, self.sample_rate, self.settings, container_options=options)
        except Exception as error:
            self.abort()
            raise write_error(folder, error) from error
        return self

    def write(self, samples: np.ndarray | bytes) -> None:
        if self._encoder is None:
            raise RuntimeError("writer is not open")
        data = int16_samples(samples)
        try:
            self._encoder.write(data)
        except Exception as error:
            self.abort()
            raise write_error(self.destination.parent, error) from error
        self.frames_written += int(data.size)

    def chapters(self) -> list[ChapterMark]:
        return self.marks.chapters(self.frames_written, self.sample_rate)

    def _commit(self) -> None:
        if self._encoder is None or self._tmp is None:
            raise RuntimeError("writer is not open")
        chapters = self.chapters()
        self._encoder.finish(chapters if self.kind == "m4b" else ())
        self._encoder = None
        if self.kind == "m4b":
            tag_mp4(self._tmp, self.tags)
        else:
            tag_mp3(self._tmp, self.tags, chapters)
        _fsync(self._tmp)
        if self.destination.exists() and not self.overwrite:
            raise ExportError(f"“{self.destination.name}” appeared while exporting",
                              "Choose another name or allow replacing it.")
        give_default_permissions(self._tmp)
        os.replace(self._tmp, self.destination)
        self._tmp = None

    def _discard(self) -> None:
        if self._tmp is not None:
            with contextlib.suppress(OSError):
                self._tmp.unlink()
            self._tmp = None


class ChapterFolderWriter(_BookWriter):
    """One MP3 per chapter in a folder (``kind="folder"``) or in a ZIP (``kind="zip"``)."""

    def __init__(self, destination: Path, sample_rate: int, kind: BookKind, settings: EncoderSettings,
                 tags: BookTags, *, overwrite: bool = False, suffix: str = ".mp3") -> None:
        super().__init__(destination, sample_rate, kind, settings, tags, overwrite=overwrite)
        self.suffix = suffix
        self._staging: Path | None = None
        self._parts: list[tuple[Path, str]] = []  # staged file, chapter title
        self._next_mark = 0

    def open(self) -> ChapterFolderWriter:
        check_book_destination(self.destination, self.kind, overwrite=self.overwrite)
        try:
            self._staging = Path(tempfile.mkdtemp(dir=self.destination.parent, prefix=f".{self.destination.name}.",
                                                  suffix=".partial"))
        except OSError as error:
            raise write_error(self.destination.parent, error) from error
        return self

    def _start_part(self, title: str) -> None:
        assert self._staging is not None
        if self._encoder is not None:
            self._encoder.finish()
        path = self._staging / f"part-{len(self._parts) + 1}{self.suffix}"
        self._encoder = PcmEncoder(path, self.sample_rate, self.settings)
        self._parts.append((path, title))

    def write(self, samples: np.ndarray | bytes) -> None:
        if self._staging is None:
            raise RuntimeError("writer is not open")
        data = int16_samples(samples)
        try:
            while data.size:
                starts = self.marks.starts
                if self._next_mark < len(starts) and starts[self._next_mark][0] <= self.frames_written:
                    self._start_part(starts[self._next_mark][1])
                    self._next_mark += 1
                    continue
                if self._encoder is None:  # audio before any mark: an untitled opening part
                    self._start_part("")
                cut = starts[self._next_mark][0] - self.frames_written if self._next_mark < len(starts) else data.size
                piece, data = data[:cut], data[cut:]
                self._encoder.write(piece)  # type: ignore[union-attr]
                self.frames_written += int(piece.size)
        except Exception as error:
            self.abort()
            raise write_error(self.destination.parent, error) from error

    def names(self) -> list[str]:
        """The finished files' stems (``01 Title``…), in order: known once all audio is written."""
        total = len(self._parts)
        return [chapter_file_stem(n, total, title or f"Chapter {n}") for n, (_, title) in enumerate(self._parts, 1)]

    def stage_text(self, name: str, text: str) -> None:
        """Put a small text file (a chapter's subtitles) into the folder being built."""
        assert self._staging is not None
        (self._staging / name).write_text(text, encoding="utf-8", newline="\n")

    def _commit(self) -> None:
        if self._staging is None:
            raise RuntimeError("writer is not open")
        if self._encoder is not None:
            self._encoder.finish()
            self._encoder = None
        total = len(self._parts)
        for n, ((path, title), stem) in enumerate(zip(self._parts, self.names(), strict=True), 1):
            tag_mp3(path, self.tags, chapter_title=title or f"Chapter {n}", track=(n, total))
            _fsync(path)
            path.rename(self._staging / f"{stem}{self.suffix}")
        for item in self._staging.iterdir():
            give_default_permissions(item)
        if self.kind == "zip":
            self._commit_zip()
        else:
            self._commit_folder()

    def _commit_folder(self) -> None:
        assert self._staging is not None
        os.chmod(self._staging, 0o777 & ~current_umask())  # mkdtemp made it 0700
        old: Path | None = None
        if self.destination.exists():
            if not self.overwrite and any(self.destination.iterdir()):
                raise ExportError(f"“{self.destination.name}” filled up while exporting",
                                  "Choose another folder or allow replacing it.")
            old = Path(tempfile.mkdtemp(dir=self.destination.parent, prefix=f".{self.destination.name}.", suffix=".old"))
            os.replace(self.destination, old / "previous")
        try:
            os.replace(self._staging, self.destination)
        except BaseException:
            if old is not None:  # put the old folder back
                os.replace(old / "previous", self.destination)
            raise
        self._staging = None
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)

    def _commit_zip(self) -> None:
        assert self._staging is not None
        if self.destination.exists() and not self.overwrite:
            raise ExportError(f"“{self.destination.name}” appeared while exporting",
                              "Choose another name or allow replacing it.")
        archive = self._staging / ".archive.zip"
        # MP3 does not compress: stored, so zipping costs one copy and no CPU.
        with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_STORED) as bundle:
            for item in sorted(self._staging.iterdir()):
                if item != archive:
                    bundle.write(item, item.name)
        _fsync(archive)
        give_default_permissions(archive)
        os.replace(archive, self.destination)
        shutil.rmtree(self._staging, ignore_errors=True)
        self._staging = None

    def _discard(self) -> None:
        if self._staging is not None:
            shutil.rmtree(self._staging, ignore_errors=True)
            self._staging = None


def _fsync(path: Path) -> None:
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())
