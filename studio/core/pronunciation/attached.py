"""Where a project keeps its pronunciation: its own rules, and the shared dictionaries it attaches.

Stored in the project file as ``"pronunciation": {"id": "...", "rules": [...], "shared": [...]}``:

* ``rules``: the project's own rules in the API's JSON form (``string_to_replace``, ``type``,
  ``alias`` / ``phoneme`` + ``alphabet``, the two flags), so nothing is lost and the file reads
  like the API's documentation.
* ``shared``: paths of shared dictionary files (.pls or .txt) a person attaches to several
  projects, in the order they apply. The files stay where the person keeps them; editing one
  changes every project that attaches it.
* ``id``: the project dictionary's own id (random, made once), so the account sync can find the
  remote copy it made of it again. Nothing account-specific is stored here (see
  :mod:`studio.core.pronunciation.sync_state`).

The project's own dictionary comes first, then the shared ones: at most
:data:`~studio.api.requests.MAX_DICTIONARIES` in all (the API's limit per request), checked by
:func:`resolve` before anything is synthesized.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from studio.api.requests import MAX_DICTIONARIES
from studio.core.pronunciation.errors import DictionaryError
from studio.core.pronunciation.rules import PronunciationDictionary, Rule, rule_from_api

PROJECT_DICTIONARY_NAME = "Project pronunciation"


def _new_id() -> str:
    return f"project:{uuid.uuid4().hex}"


class ProjectPronunciation(BaseModel):
    """The project file's ``pronunciation`` field."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    id: str = Field(default_factory=_new_id, min_length=1)
    rules: tuple[dict[str, Any], ...] = ()
    shared: tuple[str, ...] = Field(default=(), max_length=MAX_DICTIONARIES)

    @field_validator("rules")
    @classmethod
    def _usable_rules(cls, value: tuple[dict[str, Any], ...]) -> tuple[dict[str, Any], ...]:
        PronunciationDictionary("check", "check", tuple(rule_from_api(r) for r in value))
        return value

    @classmethod
    def from_dictionary(cls, dictionary: PronunciationDictionary, shared: tuple[str, ...] = (),
                        ) -> ProjectPronunciation:
        return cls(id=dictionary.id or _new_id(), rules=tuple(dictionary.rules_to_api()),
                   shared=tuple(shared))

    def dictionary(self) -> PronunciationDictionary:
        """The project's own rules as a dictionary (id: :attr:`id`)."""
        rules: tuple[Rule, ...] = tuple(rule_from_api(r) for r in self.rules)
        return PronunciationDictionary(self.id, PROJECT_DICTIONARY_NAME, rules)

    def with_dictionary(self, dictionary: PronunciationDictionary) -> ProjectPronunciation:
        return self.model_copy(update={"rules": tuple(dictionary.rules_to_api())})

    def attach(self, path: str) -> ProjectPronunciation:
        """Attach a shared dictionary at the end. A fourth dictionary in all is refused."""
        if path in self.shared:
            return self
        check_count(len(self.shared) + 1 + (1 if self.rules else 0), adding=Path(path).name)
        return self.model_copy(update={"shared": (*self.shared, path)})

    def detach(self, path: str) -> ProjectPronunciation:
        return self.model_copy(update={"shared": tuple(p for p in self.shared if p != path)})


def check_count(count: int, adding: str | None = None) -> None:
    """Refuse more than :data:`MAX_DICTIONARIES` dictionaries for one request, naming the extra one."""
    if count > MAX_DICTIONARIES:
        which = f"“{adding}” would be dictionary number {count}" if adding else f"{count} dictionaries are attached"
        raise DictionaryError(
            f"Too many pronunciation dictionaries: {which}, and ElevenLabs takes at most {MAX_DICTIONARIES} per request",
            "Merge two of them into one file, or detach one you no longer need.")


#: The one rule of which files are PLS lexicons; every other dictionary file is “word = alias” text.
PLS_SUFFIXES = (".pls", ".xml")


def is_pls(path: str | Path) -> bool:
    return Path(path).suffix.lower() in PLS_SUFFIXES


def load_dictionary(path: str | Path) -> PronunciationDictionary:
    """A shared dictionary file: PLS by its suffix (:func:`is_pls`), otherwise “word = alias” text."""
    from studio.core.pronunciation.plain import load_plain
    from studio.core.pronunciation.pls import load_pls

    return load_pls(path) if is_pls(path) else load_plain(path)


def save_dictionary(dictionary: PronunciationDictionary, path: str | Path) -> Path:
    """Write ``dictionary`` to ``path`` (atomically) in the format its suffix names."""
    from studio.core.pronunciation.plain import dump_plain
    from studio.core.pronunciation.pls import dump_pls

    return dump_pls(dictionary, path) if is_pls(path) else dump_plain(dictionary, path)


def resolve(pronunciation: ProjectPronunciation | None, extra: tuple[str | Path, ...] = ()
            ) -> tuple[PronunciationDictionary, ...]:
    """The dictionaries that apply, in order: the project's own (if it has rules), its shared
    files, then ``extra`` files (the CLI's ``--dictionary``). Reads the files; refuses a bad
    file or a fourth dictionary with a :class:`DictionaryError` before anything is spent."""
    paths: list[str | Path] = list(pronunciation.shared) if pronunciation else []
    paths += [p for p in extra if str(p) not in {str(q) for q in paths}]
    own = pronunciation.dictionary() if pronunciation and pronunciation.rules else None
    total = len(paths) + (1 if own else 0)
    check_count(total, adding=Path(paths[-1]).name if paths and total > MAX_DICTIONARIES else None)
    return ((own,) if own else ()) + tuple(load_dictionary(p) for p in paths)
