"""Shared pronunciation dictionaries: PLS files in the studio's data folder, usable by any project.

A person keeps the names of a series' characters, or a brand's products, in one shared
dictionary and attaches it to every project that needs it; a project refers to the file (its
id is the file's path, see :func:`~studio.core.pronunciation.load_pls`), so a rule fixed in it is
fixed for all of them. Each dictionary is one ``<name>.pls`` file, written atomically.

Qt-free and blocking (it reads and writes files): the UI calls it in a worker.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import platformdirs

from studio.core.project import APP_DIR_NAME
from studio.core.pronunciation import DictionaryError, PronunciationDictionary, dump_pls, load_pls

SUFFIX = ".pls"


def shared_dictionaries_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_DIR_NAME)) / "dictionaries"


def _file_name(name: str) -> str:
    cleaned = re.sub(r"[\\/:*?\"<>|\x00-\x1f]+", " ", name).strip().strip(".")
    if not cleaned:
        raise DictionaryError("A shared dictionary needs a name", "Type a name, for example “Characters”.")
    return cleaned[:80] + SUFFIX


def list_shared(folder: str | os.PathLike[str] | None = None) -> tuple[list[PronunciationDictionary], list[DictionaryError]]:
    """Every shared dictionary, by name; and the files that could not be read (each names its line)."""
    root = Path(folder) if folder is not None else shared_dictionaries_dir()
    found: list[PronunciationDictionary] = []
    problems: list[DictionaryError] = []
    if not root.is_dir():
        return found, problems
    for path in sorted(root.glob(f"*{SUFFIX}"), key=lambda p: p.stem.casefold()):
        try:
            found.append(load_pls(path))
        except DictionaryError as error:
            problems.append(error)
    return found, problems


def create_shared(name: str, folder: str | os.PathLike[str] | None = None,
                  rules: PronunciationDictionary | None = None) -> PronunciationDictionary:
    """A new shared dictionary called ``name`` (with ``rules``' rules, if given), written to its file."""
    root = Path(folder) if folder is not None else shared_dictionaries_dir()
    path = root / _file_name(name)
    if path.exists():
        raise DictionaryError(f"There is already a shared dictionary called “{path.stem}”",
                              "Choose another name, or attach the one that exists.")
    root.mkdir(parents=True, exist_ok=True)
    empty = PronunciationDictionary(id="", name=path.stem, rules=rules.rules if rules is not None else ())
    dump_pls(empty, path)
    return load_pls(path)


def save_shared(dictionary: PronunciationDictionary) -> None:
    """Write a shared dictionary's rules back to its file (atomically)."""
    if not dictionary.path:
        raise DictionaryError(f"“{dictionary.name}” is not a shared dictionary", "Its rules are saved with the project.")
    dump_pls(dictionary, dictionary.path)
