"""Small helpers for the files the studio writes for people to keep.

``tempfile.mkstemp`` creates files readable only by their owner (0600), which is right for
a file being written but wrong for a finished export or project: once renamed into place
it should have the permissions any new file of the user's gets (0666 less the umask).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

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


def write_atomically(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and ``os.replace``.

    The temporary file lives beside the target so the rename stays on one file system
    (which is what makes it atomic); it is flushed and fsynced before the rename.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        give_default_permissions(tmp_name)
        os.replace(tmp_name, path)
    except BaseException:
        try:
            os.unlink(tmp_name)
        except FileNotFoundError:
            pass
        raise
