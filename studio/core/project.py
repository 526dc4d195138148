"""Project files (``.narration``) and the crash-recovery copy of unsaved work.

A project is what a narrator would lose if the studio vanished: the script, the voice, model
and settings chosen for it, and (from version 2) every paragraph's takes, lock and chosen take.
It is stored as versioned JSON::

    {"format": "narration-studio-project", "version": 2, "script": "...", "voice_id": "...", ...,
     "blocks": [{"id": "...", "text": "...", "locked": false, "chosen_take_id": "...",
                 "takes": [{"id": "...", "parts": [{"cache_key": "..."}], ...}]}, ...]}

``script`` stays the plain text the editor shows, and the fields of version 1 keep their names,
so everything that reads them keeps working. ``blocks`` (:mod:`studio.core.script.records`) is
optional: without it the paragraphs of ``script`` are the blocks, with no takes. A version-1
file is migrated on load: its script becomes blocks with fresh ids (:func:`migrate`), and it is
written back as version 2 at the next save. :meth:`Project.document` reconciles the saved
blocks with ``script``, so a caller that only changed the text still keeps every unchanged
paragraph's takes. Audio never goes in the file: takes name cache entries.

``"minor"`` counts additions within version 2 that an older studio may ignore: minor 1 adds
``pronunciation`` (:class:`~studio.core.pronunciation.ProjectPronunciation`: the project's own
rules and the paths of attached shared dictionaries). A file without it opens as before.
Minor 2 adds ``cast`` (:class:`~studio.core.cast.Cast`: speakers, their voices, and whether
``NAME: line`` sets the speaker); without it the project has the default cast (the narrator
with the project's voice, the convention on). Each block's ``speaker`` is in ``blocks``.

The file never holds the API key (the key lives only in the OS keyring): :class:`Project`
has no field for it and unknown keys in a file are dropped on load.

Every write goes to a temporary file in the same folder and is then moved over the target
with ``os.replace``, so a crash mid-write leaves either the old file or the new one, never
half of one. All functions here block on the disk: the UI calls them from a worker.
Qt-free.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import platformdirs
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from studio.api.models import VoiceSettings
from studio.core.cast import Cast, apply_speaker_prefixes
from studio.core.files import write_atomically
from studio.core.pronunciation.attached import ProjectPronunciation
from studio.core.script.document import Script
from studio.core.script.records import blocks_to_json, script_from_json
from studio.errors import StudioError

PROJECT_FORMAT = "narration-studio-project"
PROJECT_VERSION = 2
#: Additions within version 2 that older readers may safely ignore (they drop unknown keys):
#: 1 = ``pronunciation`` (the project's rules and attached dictionaries); 2 = ``cast``.
PROJECT_MINOR_VERSION = 2
PROJECT_SUFFIX = ".narration"
APP_DIR_NAME = "narration-studio"


class ProjectFileError(StudioError):
    """A project file could not be read or written."""


class ProjectMissingError(ProjectFileError):
    """The project file is not there any more (moved or deleted)."""


class Project(BaseModel):
    """Everything a narrator chose for one piece of narration. No secrets, ever."""

    model_config = ConfigDict(extra="ignore")

    script: str = ""
    engine: str | None = None
    voice_id: str | None = None
    voice_name: str | None = None
    model_id: str | None = None
    language_code: str | None = None
    output_format: str | None = None
    seed: int | None = Field(default=None, ge=0, le=4294967295)
    voice_settings: VoiceSettings | None = None
    #: The paragraphs with their takes as saved (version 2, :mod:`studio.core.script.records`);
    #: None: the paragraphs of ``script``, no takes. Read it through :meth:`document`.
    blocks: list[dict[str, Any]] | None = None
    #: The project's own pronunciation rules and attached shared dictionaries (minor version 1).
    pronunciation: ProjectPronunciation | None = None
    #: Speakers and their voices (minor version 2); None: the default cast. Read :attr:`the_cast`.
    cast: Cast | None = None

    @field_validator("blocks")
    @classmethod
    def _usable_blocks(cls, value: list[dict[str, Any]] | None) -> list[dict[str, Any]] | None:
        if value is not None:
            script_from_json(value)  # refuse at load what could not be used later
        return value

    def document(self) -> Script:
        """The script document (fresh objects each call): the saved blocks, following
        ``script`` where the text has changed since."""
        if self.blocks is None:
            document = Script.from_text(self.script)
            apply_speaker_prefixes(document, self.the_cast)
            return document
        document = script_from_json(self.blocks)
        result = document.reconcile(self.script)
        # Saved blocks keep their saved speaker; paragraphs new since (text edited outside) are read.
        apply_speaker_prefixes(document, self.the_cast, only={*result.added, *result.edited})
        return document

    @property
    def the_cast(self) -> Cast:
        """The project's cast (the default one when the file has none)."""
        return self.cast if self.cast is not None else Cast()

    def with_document(self, document: Script, text: str | None = None) -> Project:
        """A copy holding ``document``'s blocks, and ``text`` (default: the document's) as the script."""
        return self.model_copy(update={"blocks": blocks_to_json(document),
                                       "script": document.text if text is None else text})

    def to_document(self) -> dict[str, Any]:
        """The JSON document written to disk (format and version first, for people reading it)."""
        body = self.model_dump(mode="json", exclude_none=True)
        if self.voice_settings is not None:
            body["voice_settings"] = self.voice_settings.to_request()
        return {"format": PROJECT_FORMAT, "version": PROJECT_VERSION, "minor": PROJECT_MINOR_VERSION, **body}

    @classmethod
    def from_document(cls, document: Any, source: str = "The project file") -> Project:
        if not isinstance(document, dict) or document.get("format") != PROJECT_FORMAT:
            raise ProjectFileError(
                f"{source} is not a Narration Studio project",
                "Open a file that ends in .narration and was saved by Narration Studio.",
            )
        version = document.get("version")
        if not isinstance(version, int) or version < 1:
            raise ProjectFileError(f"{source} has no valid version number", "The file may be damaged.")
        if version > PROJECT_VERSION:
            raise ProjectFileError(
                f"{source} was saved by a newer Narration Studio (project version {version})",
                "Update Narration Studio to open it.",
            )
        body = {k: v for k, v in document.items() if k not in {"format", "version", "minor"}}
        if version < PROJECT_VERSION:
            body = migrate(body, version)
        try:
            return cls.model_validate(body)
        except ValidationError as error:
            fields = ", ".join(".".join(str(p) for p in e["loc"]) for e in error.errors())
            raise ProjectFileError(
                f"{source} has values Narration Studio cannot use ({fields})",
                "The file may be damaged or edited by hand; fix those values or start a new project.",
            ) from None


def migrate(body: dict[str, Any], version: int) -> dict[str, Any]:
    """Bring the body of a version-``version`` project up to :data:`PROJECT_VERSION`."""
    if version == 1:
        # Version 1 had only the text: its paragraphs become blocks (fresh ids, no takes yet).
        script = body.get("script")
        text = script if isinstance(script, str) else ""
        document = Script.from_text(text)
        apply_speaker_prefixes(document)  # opened as plain text: the convention (on by default) reads speakers
        body = {**body, "blocks": blocks_to_json(document)}
    return body


def save_project(path: str | os.PathLike[str], project: Project) -> Path:
    """Save ``project`` to ``path`` atomically. Raises ProjectFileError in plain words."""
    target = Path(path)
    if target.suffix != PROJECT_SUFFIX:
        target = target.with_name(target.name + PROJECT_SUFFIX)
    data = json.dumps(project.to_document(), indent=2, ensure_ascii=False).encode("utf-8") + b"\n"
    try:
        write_atomically(target, data)
    except OSError as error:
        raise ProjectFileError(
            f"Could not save the project to {target} ({error.strerror or error})",
            "Check that the folder exists, you may write to it and the disk is not full; "
            "then save again or use Save As to pick another place.",
        ) from None
    return target


def load_project(path: str | os.PathLike[str]) -> Project:
    """Read a project file. Raises ProjectFileError naming what is wrong with it."""
    source = Path(path)
    name = f"“{source.name}”"
    try:
        raw = source.read_bytes()
    except FileNotFoundError:
        raise ProjectMissingError(f"The project {name} no longer exists", "It may have been moved or deleted.") from None
    except OSError as error:
        raise ProjectFileError(
            f"Could not read the project {name} ({error.strerror or error})",
            "Check that you may read the file.",
        ) from None
    try:
        document = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ProjectFileError(
            f"The project {name} is damaged (it is not valid JSON)",
            "Open an earlier copy, or start a new project.",
        ) from None
    return Project.from_document(document, source=f"The file {name}")


def default_state_dir() -> Path:
    return Path(platformdirs.user_state_dir(APP_DIR_NAME))


class Recovery(BaseModel):
    """The autosaved copy of unsaved work found at start-up."""

    project: Project
    saved_at: float
    source_path: str | None = None


class RecoveryStore:
    """One recovery file in the state folder, written while there are unsaved changes.

    It is removed when the work is saved or deliberately discarded; finding it at the next
    start therefore means the studio did not close cleanly.
    """

    FILE_NAME = "recovery.narration.json"

    def __init__(self, state_dir: Path | None = None) -> None:
        self.path = (state_dir or default_state_dir()) / self.FILE_NAME

    def write(self, project: Project, source_path: str | None = None) -> None:
        document = {
            "format": "narration-studio-recovery",
            "version": 1,
            "saved_at": time.time(),
            "source_path": source_path,
            "project": project.to_document(),
        }
        write_atomically(self.path, json.dumps(document, ensure_ascii=False).encode("utf-8"))

    def read(self) -> Recovery | None:
        """The recovered work, or None if there is none (or it is unreadable).

        ``source_path`` is kept only if that project file still exists.
        """
        try:
            document = json.loads(self.path.read_text(encoding="utf-8"))
            project = Project.from_document(document.get("project"))
            source = document.get("source_path")
            return Recovery(
                project=project,
                saved_at=float(document.get("saved_at") or 0.0),
                source_path=source if isinstance(source, str) and os.path.exists(source) else None,
            )
        except (OSError, ValueError, AttributeError, StudioError):
            return None

    def clear(self) -> None:
        try:
            self.path.unlink()
        except FileNotFoundError:
            pass
