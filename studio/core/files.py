"""Small helpers for the files the studio writes for people to keep.

``tempfile.mkstemp`` creates files readable only by their owner (0600), which is right for
a file being written but wrong for a finished export or project: once renamed into place
it should have the permissions any new file of the user's gets (0666 less the umask).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

_DEFAULT_UMASK = 0o022


def current_umask() -> int:
    # os.umask() can only be read by setting it, which races with other threads; Linux
    # reports it in /proc instead.
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    return _DEFAULT_UMASK


def give_default_permissions(path: str | os.PathLike[str]) -> None:
    """Make a finished file readable as any new file of the user's would be."""
    os.chmod(path, 0o666 & ~current_umask())


def stage_beside(
    path: str | os.PathLike[str], write: Callable[[IO[Any]], object], *, encoding: str | None = None
) -> Path:
    """Write a new temporary file beside ``path`` with ``write(handle)`` and return its path.

    The file is flushed, fsynced and given the default permissions, ready to be renamed over
    ``path`` by the caller (who removes it instead if something else fails first). If writing
    fails the temporary file is removed and the error re-raised. ``encoding`` opens the file
    as text with ``\n`` line endings; without it the handle takes bytes.
    """
    path = Path(path)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        mode = "w" if encoding else "wb"
        with os.fdopen(fd, mode, encoding=encoding, newline="\n" if encoding else None) as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        give_default_permissions(tmp_name)
    except BaseException:
        _remove_quietly(tmp_name)
        raise
    return Path(tmp_name)


def write_atomically(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and ``os.replace``.

    The temporary file lives beside the target so the rename stays on one file system
    (which is what makes it atomic); it is flushed and fsynced before the rename.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp_name = stage_beside(path, lambda handle: handle.write(data))
    try:
        os.replace(tmp_name, path)
    except BaseException:
        _remove_quietly(tmp_name)
        raise


def _remove_quietly(path: str | os.PathLike[str]) -> None:
    # A failure to clean up must not hide the error that made it necessary.
    with contextlib.suppress(OSError):
        os.unlink(path)
