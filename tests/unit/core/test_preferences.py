"""Typed preferences: defaults, round trip, damaged files, favourites and recents."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from pydantic import ValidationError

from studio.api.models import VoiceSettings
from studio.core.preferences import MAX_RECENT_PROJECTS, Preferences, PreferencesStore


def test_missing_file_gives_defaults(tmp_path: Path) -> None:
    prefs = PreferencesStore(tmp_path / "none.json").load()
    assert prefs == Preferences()
    assert prefs.engine == "elevenlabs"
    assert prefs.autosave_seconds == 30


def test_round_trip(tmp_path: Path) -> None:
    store = PreferencesStore(tmp_path / "cfg" / "preferences.json")
    prefs = Preferences(engine="offline", base_url="http://127.0.0.1:9999", voice_id="v1",
                        model_id="eleven_flash_v2_5", seed=7,
                        voice_settings=VoiceSettings(stability=0.2, speed=0.9))
    prefs.toggle_favourite("v1")
    store.save(prefs)
    assert store.load() == prefs
    raw = json.loads(store.path.read_text())
    assert "api_key" not in json.dumps(raw)


def test_damaged_file_is_kept_aside(tmp_path: Path) -> None:
    path = tmp_path / "preferences.json"
    path.write_text("{ broken", encoding="utf-8")
    assert PreferencesStore(path).load() == Preferences()
    assert (tmp_path / "preferences.json.bad").read_text() == "{ broken"


def test_invalid_values_fall_back_to_defaults(tmp_path: Path) -> None:
    path = tmp_path / "preferences.json"
    path.write_text(json.dumps({"engine": "martian", "seed": -1}), encoding="utf-8")
    assert PreferencesStore(path).load() == Preferences()


def test_validation_on_assignment() -> None:
    prefs = Preferences()
    with pytest.raises(ValidationError):
        prefs.engine = "martian"  # type: ignore[assignment]
    prefs.base_url = "   "
    assert prefs.base_url is None


def test_favourites_toggle() -> None:
    prefs = Preferences()
    assert prefs.toggle_favourite("a") is True
    assert prefs.is_favourite("a")
    assert prefs.toggle_favourite("a") is False
    assert not prefs.is_favourite("a")


def test_recent_projects_are_unique_newest_first_and_capped(tmp_path: Path) -> None:
    prefs = Preferences()
    for i in range(MAX_RECENT_PROJECTS + 3):
        prefs.add_recent_project(str(tmp_path / f"p{i}.narration"))
    prefs.add_recent_project(str(tmp_path / "p5.narration"))
    assert len(prefs.recent_projects) == MAX_RECENT_PROJECTS
    assert prefs.recent_projects[0] == os.path.abspath(tmp_path / "p5.narration")
    assert len(set(prefs.recent_projects)) == MAX_RECENT_PROJECTS
    prefs.remove_recent_project(str(tmp_path / "p5.narration"))
    assert os.path.abspath(tmp_path / "p5.narration") not in prefs.recent_projects


def test_default_location_is_the_config_dir() -> None:
    assert str(PreferencesStore().path).startswith(os.environ["XDG_CONFIG_HOME"])


def test_export_choices_round_trip_and_an_unknown_one_costs_only_them(tmp_path: Path) -> None:
    from studio.core.preferences import ExportChoices

    store = PreferencesStore(tmp_path / "preferences.json")
    prefs = Preferences(voice_id="v1", export=ExportChoices(audio_format="flac", subtitles=["srt", "vtt"],
                                                            loudness_lufs=-16.0, folder="/books"))
    store.save(prefs)
    assert store.load().export == prefs.export
    assert Preferences().export is None  # first use: the dialog decides (SRT ticked)
    # A format from a newer version: the export choices are forgotten, nothing else is.
    raw = json.loads(store.path.read_text())
    raw["export"]["audio_format"] = "opus"
    store.path.write_text(json.dumps(raw))
    loaded = store.load()
    assert loaded.export is None and loaded.voice_id == "v1"
    assert not (tmp_path / "preferences.json.bad").exists()
