"""The cover image: checked before any speech is requested, so a wrong file costs nothing.

M4B (``covr``) and ID3 (``APIC``) covers are JPEG or PNG. :func:`read_cover` reads the file,
recognises the format by its signature and then decodes it with PyAV (FFmpeg's JPEG and PNG
decoders), so a truncated or corrupt image is refused too, not only a file with the wrong
name. Every refusal names the file and says what to do.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from studio.errors import StudioError

__all__ = ["Cover", "CoverError", "read_cover"]

#: Covers larger than this are refused: retailers ask for about 2400×2400 JPEG (a few MB).
MAX_COVER_BYTES = 20 * 1024 * 1024
_SIGNATURES = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png"}


class CoverError(StudioError):
    """The cover cannot be used (nothing has been requested or written yet)."""


@dataclass(frozen=True)
class Cover:
    path: Path
    data: bytes
    mime: str  # "image/jpeg" or "image/png"
    width: int
    height: int


def _refuse(path: Path, why: str) -> CoverError:
    return CoverError(f"The cover “{path}” {why}",
                      "Choose a JPEG or PNG picture as the cover (about 2400×2400 pixels suits audiobook shops), "
                      "or export without a cover. Nothing was requested or changed.")


def read_cover(path: Path | str) -> Cover:
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_COVER_BYTES:
            raise _refuse(path, f"is {size / 1048576:.0f} MB, too large for a cover")
        data = path.read_bytes()
    except FileNotFoundError:
        raise _refuse(path, "does not exist") from None
    except IsADirectoryError:
        raise _refuse(path, "is a folder, not a picture") from None
    except OSError as error:
        raise _refuse(path, f"cannot be read ({error.strerror or error})") from None
    mime = next((m for sig, m in _SIGNATURES.items() if data.startswith(sig)), None)
    if mime is None:
        raise _refuse(path, "is not a JPEG or PNG picture")
    width, height = _decode(path, data, mime)
    return Cover(path, data, mime, width, height)


def _decode(path: Path, data: bytes, mime: str) -> tuple[int, int]:
    import io

    import av

    # FFmpeg decodes the top of a cut-off JPEG without complaint; a whole one ends its scan
    # with the end-of-image marker (entropy-coded data cannot contain FF D9: FFs are stuffed).
    if mime == "image/jpeg" and data.rfind(b"\xff\xd9") < max(data.find(b"\xff\xda"), 0):
        raise _refuse(path, "is damaged: the JPEG data stops part way (the file is incomplete)")
    try:
        with av.open(io.BytesIO(data), format="png_pipe" if mime == "image/png" else "jpeg_pipe") as container:
            for frame in container.decode(video=0):
                return frame.width, frame.height
    except (av.FFmpegError, ValueError, OSError):
        pass
    raise _refuse(path, f"is damaged: its {'PNG' if mime == 'image/png' else 'JPEG'} data cannot be decoded")
