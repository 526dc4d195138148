"""Read a script file: UTF-8 only, with an error that says how to fix the file."""

from __future__ import annotations

from pathlib import Path

from studio.errors import StudioError


class ScriptError(StudioError):
    """The script file cannot be used."""


def read_script(path: Path | str) -> str:
    """The script's text, exactly as stored (line endings kept, a UTF-8 BOM dropped)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ScriptError(f"The script “{path}” does not exist", "Check the file name and folder.") from None
    except IsADirectoryError:
        raise ScriptError(f"“{path}” is a folder, not a script", "Give the path of a text file.") from None
    except OSError as error:
        raise ScriptError(
            f"The script “{path}” could not be read ({error.strerror or error})",
            "Check that the file is readable.",
        ) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ScriptError(
            f"The script “{path.name}” is not UTF-8 text (the first bad byte is on line {line}, "
            f"byte {error.start + 1})",
            "Open it in a text editor and save it with the encoding UTF-8, then try again.",
        ) from None
    return text.removeprefix("\ufeff")
