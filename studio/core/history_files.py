"""History downloads to disk: streamed, checked, and only then put in place.

:func:`save_download` writes an open :class:`~studio.api.downloads.DownloadStream` to a
temporary file beside the target (:func:`studio.core.files.stage_beside`: flushed, fsynced),
checks it, and renames it into place. A body that breaks off, a cancel, or a ZIP that fails
``zipfile``'s test (one that ended cleanly but short) leaves **nothing** behind: no partial
file, and an existing file of that name untouched.

:func:`download_history_items` is the whole job for the CLI and the history panel:
``out`` ending in ``.zip`` gets a ZIP (the API's own for several items; one made here around a
single item's file), any other ``out`` is a folder that gets one audio file per item
(``<history_item_id>.mp3``; several are fetched as one ZIP and unpacked).
"""

from __future__ import annotations

import contextlib
import os
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from studio.core.files import stage_beside, write_atomically
from studio.errors import StudioError

if TYPE_CHECKING:
    from studio.api.client import ElevenLabsClient
    from studio.api.downloads import DownloadStream

__all__ = ["BrokenDownloadError", "download_history_items", "save_download"]

_EXTENSIONS = {"audio/mpeg": ".mp3", "audio/mp3": ".mp3", "audio/wav": ".wav", "audio/x-wav": ".wav",
               "audio/ogg": ".ogg", "audio/basic": ".ulaw", "audio/x-alaw-basic": ".alaw"}
_AGAIN = "Download it again: downloading costs no credits. Nothing was saved."


class BrokenDownloadError(StudioError):
    """A download arrived complete in form but not in content (a ZIP cut short)."""


def _check_zip(path: Path, received: int) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            bad = archive.testzip()
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise BrokenDownloadError(
            f"The ZIP of history items arrived cut short or damaged ({received} bytes; {error})", _AGAIN) from None
    if bad is not None:
        raise BrokenDownloadError(f"The ZIP of history items is damaged (its file {bad!r} does not check out)",
                                  _AGAIN)


def save_download(stream: DownloadStream, path: Path, *, expect_zip: bool | None = None) -> Path:
    """Write ``stream`` to ``path`` atomically (see the module notes) and close it. Returns ``path``.

    ``expect_zip`` None: a ZIP when the server says so or ``path`` ends in ``.zip``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    is_zip = expect_zip if expect_zip is not None else (stream.is_zip or path.suffix.lower() == ".zip")

    def write(handle: Any) -> None:
        for piece in stream:
            handle.write(piece)

    try:
        staged = stage_beside(path, write)  # removes its file itself if the download fails
    finally:
        stream.close()
    try:
        if is_zip:
            _check_zip(staged, stream.received_bytes)
        os.replace(staged, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(staged)
        raise
    return path


def _safe_member_name(name: str) -> str | None:
    """The bare file name of a ZIP member, or None for one that is not a plain file name."""
    base = Path(name.replace("\\", "/")).name
    return base if base and not base.startswith(".") and base not in ("..",) else None


def _audio_name(history_item_id: str, stream: DownloadStream) -> str:
    suggested = _safe_member_name(stream.filename or "")
    return suggested or history_item_id + _EXTENSIONS.get(stream.content_type, ".mp3")


def download_history_items(client: ElevenLabsClient, history_item_ids: Sequence[str], out: Path, *,
                           output_format: str | None = None, cancel: object | None = None) -> list[Path]:
    """Download ``history_item_ids`` to ``out`` (a ``.zip`` file or a folder). Returns the files written."""
    ids = list(dict.fromkeys(history_item_ids))
    if not ids:
        raise StudioError("No history items were given", "Name at least one history item id.")
    out = Path(out)
    if out.exists() and not out.is_dir() and out.suffix.lower() != ".zip":
        raise StudioError(f"{out} is a file, not a folder", "Give a folder, or a file name ending in .zip.")
    stream = client.download_history(ids, output_format=output_format, cancel=cancel)  # type: ignore[arg-type]
    if out.suffix.lower() == ".zip":
        if len(ids) > 1:
            return [save_download(stream, out, expect_zip=True)]
        # One id: the API sends the audio itself; wrap it so the .zip asked for is one.
        name = _audio_name(ids[0], stream)
        single = save_download(stream, out.with_name(f".{out.name}.{name}"), expect_zip=False)
        try:
            def write(handle: Any) -> None:
                with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_STORED) as archive:
                    archive.write(single, name)
            os.replace(stage_beside(out, write), out)
        finally:
            single.unlink(missing_ok=True)
        return [out]
    out.mkdir(parents=True, exist_ok=True)
    if len(ids) == 1:
        return [save_download(stream, out / _audio_name(ids[0], stream), expect_zip=False)]
    archive_path = save_download(stream, out / ".history-download.zip", expect_zip=True)
    written: list[Path] = []
    try:
        with zipfile.ZipFile(archive_path) as archive:
            for member in archive.infolist():
                name = _safe_member_name(member.filename)
                if member.is_dir() or name is None:
                    continue
                target = out / name
                write_atomically(target, archive.read(member))
                written.append(target)
    finally:
        archive_path.unlink(missing_ok=True)
    return written
