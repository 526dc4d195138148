"""User preferences, declared once and typed (DESIGN.md §8).

Preferences are what a narrator chose and expects to find again: the engine, a custom API
address, the last voice, model and settings, favourite voices, recent projects, the
editor's zoom, the export dialog's last choices. They are a pydantic model saved as JSON in the platform's config folder.
Window geometry and splitter positions are *UI state* and live in QSettings instead (in
:mod:`studio.ui`), so this module stays Qt-free.

The API key is not a preference: it lives in the OS keyring (:mod:`studio.api.auth`).
Loading never fails: a missing or damaged file gives defaults (a damaged one is kept
beside it as ``preferences.json.bad`` so nothing is silently lost).
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any, Literal

import platformdirs
from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidatorFunctionWrapHandler, field_validator

from studio.api.models import VoiceSettings
from studio.core.files import write_atomically
from studio.core.project import APP_DIR_NAME

log = logging.getLogger(__name__)

MAX_RECENT_PROJECTS = 10
Engine = Literal["offline", "elevenlabs"]
#: The export dialog's audio formats, qualities and subtitle files (studio.core.audio_export and
#: studio.core.subtitles define what they mean; a test checks that the lists agree).
ExportFormat = Literal["wav", "flac", "ogg", "mp3", "m4b", "chapters", "epub"]  # chapters: a folder, one MP3 each
ExportQuality = Literal["low", "medium", "high", "best"]
SubtitleFormat = Literal["srt", "vtt", "karaoke", "lrc", "json"]


class ExportChoices(BaseModel):
    """What the export dialog was last set to, so the next export starts there."""

    model_config = ConfigDict(extra="ignore")

    audio_format: ExportFormat = "wav"
    quality: ExportQuality = "high"
    #: Subtitles are part of what people export for: SRT is ticked until they untick it.
    subtitles: list[SubtitleFormat] = Field(default_factory=lambda: ["srt"])
    #: Loudness target in LUFS; None = off (as spoken).
    loudness_lufs: float | None = Field(default=None, ge=-70.0, le=0.0)
    folder: str | None = None
    #: The audiobook tags last exported with (author, narrator, year, description, cover path).
    audiobook_tags: dict[str, str] = Field(default_factory=dict)
    #: The subtitle rule set (studio.core.subtitles.rule_sets: "netflix-en", "bbc", "custom")
    #: and the numbers of the custom one.
    subtitle_rules: str = "netflix-en"
    custom_subtitle_rules: dict[str, float] = Field(default_factory=dict)
    #: The main window's Quality when these were chosen: once it changes, the dialog's format
    #: follows the window again (it never shows WAV beside an MP3 choice it did not make).
    window_quality: str | None = None
    #: "acx": the ACX / Audible preset (studio.core.acx) was ticked.
    preset: Literal["acx"] | None = None


class Preferences(BaseModel):
    model_config = ConfigDict(extra="ignore", validate_assignment=True)

    version: int = 1
    #: Which engine to open with. "elevenlabs" still falls back to offline when no key exists.
    engine: Engine = "elevenlabs"
    #: A custom API address (for a proxy or the local `narration-studio serve`); None = default.
    base_url: str | None = None
    voice_id: str | None = None
    voice_name: str | None = None
    #: The last voice and model per engine ("elevenlabs" / "offline"), so switching engines
    #: and back finds them again: {"elevenlabs": {"voice_id": ..., "voice_name": ..., "model_id": ...}}.
    per_engine: dict[str, dict[str, str]] = Field(default_factory=dict)
    model_id: str | None = None
    language_code: str | None = None
    output_format: str | None = None
    seed: int | None = Field(default=None, ge=0, le=4294967295)
    voice_settings: VoiceSettings | None = None
    favourite_voice_ids: list[str] = Field(default_factory=list)
    recent_projects: list[str] = Field(default_factory=list)
    #: Editor zoom in points relative to the default font size.
    editor_zoom: int = Field(default=0, ge=-8, le=24)
    autosave_seconds: int = Field(default=30, ge=5, le=3600)
    #: Hear every new take with the offline recogniser and mark what differs from the script.
    listen_check: bool = True
    #: The export dialog's last choices (None until the first export).
    export: ExportChoices | None = None

    @field_validator("export", mode="wrap")
    @classmethod
    def _forget_unreadable_export(cls, value: Any, handler: ValidatorFunctionWrapHandler) -> ExportChoices | None:
        # A value from a newer version (another format) costs the export choices, not every preference.
        try:
            return handler(value)  # type: ignore[no-any-return]
        except ValidationError as error:
            log.warning("forgetting unreadable export choices: %s", error)
            return None

    @field_validator("base_url")
    @classmethod
    def _blank_is_default(cls, value: str | None) -> str | None:
        value = (value or "").strip()
        return value or None

    def is_favourite(self, voice_id: str) -> bool:
        return voice_id in self.favourite_voice_ids

    def toggle_favourite(self, voice_id: str) -> bool:
        """Flip a voice's favourite mark; returns the new state."""
        ids = list(self.favourite_voice_ids)
        if voice_id in ids:
            ids.remove(voice_id)
            state = False
        else:
            ids.append(voice_id)
            state = True
        self.favourite_voice_ids = ids
        return state

    def remember_for_engine(self, engine: str, **values: str | None) -> None:
        entry = dict(self.per_engine.get(engine, {}))
        entry.update({k: v for k, v in values.items() if v})
        self.per_engine = {**self.per_engine, engine: entry}

    def add_recent_project(self, path: str) -> None:
        path = os.path.abspath(path)
        recent = [p for p in self.recent_projects if p != path]
        self.recent_projects = [path, *recent][:MAX_RECENT_PROJECTS]

    def remove_recent_project(self, path: str) -> None:
        self.recent_projects = [p for p in self.recent_projects if p != os.path.abspath(path)]


def default_preferences_path() -> Path:
    return Path(platformdirs.user_config_dir(APP_DIR_NAME)) / "preferences.json"


class PreferencesStore:
    """Loads and saves :class:`Preferences` at one path. Both calls touch the disk."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_preferences_path()

    def load(self) -> Preferences:
        try:
            raw = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return Preferences()
        except OSError as error:
            log.warning("could not read preferences %s: %s", self.path, error)
            return Preferences()
        try:
            return Preferences.model_validate(json.loads(raw))
        except (ValueError, ValidationError) as error:
            log.warning("preferences %s are damaged (%s); starting from defaults", self.path, error)
            try:
                os.replace(self.path, self.path.with_name(self.path.name + ".bad"))
            except OSError:
                pass
            return Preferences()

    def save(self, preferences: Preferences) -> None:
        data = preferences.model_dump(mode="json", exclude_none=True)
        write_atomically(self.path, json.dumps(data, indent=2).encode("utf-8") + b"\n")
