"""Project files: versioned JSON, atomic writes, friendly errors, recovery copies."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from studio.api.models import VoiceSettings
from studio.core import project as project_module
from studio.core.project import (
    PROJECT_FORMAT,
    PROJECT_VERSION,
    Project,
    ProjectFileError,
    RecoveryStore,
    load_project,
    save_project,
)


def _project() -> Project:
    return Project(
        script="Once upon a time.\n\nThe end — «fin».",
        engine="elevenlabs",
        voice_id="JBFqnCBsd6RMkjVDRZzb",
        voice_name="George",
        model_id="eleven_multilingual_v2",
        output_format="mp3_44100_128",
        seed=4294967295,
        voice_settings=VoiceSettings(stability=0.3, similarity_boost=0.8, speed=1.1),
    )


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    saved = save_project(tmp_path / "story.narration", _project())
    document = json.loads(saved.read_text(encoding="utf-8"))
    assert document["format"] == PROJECT_FORMAT
    assert document["version"] == PROJECT_VERSION == 2
    # unset settings are omitted, never written as null
    assert document["voice_settings"] == {"stability": 0.3, "similarity_boost": 0.8, "speed": 1.1}
    assert load_project(saved) == _project()


def test_extension_is_added_and_no_temp_files_remain(tmp_path: Path) -> None:
    saved = save_project(tmp_path / "chapter one", _project())
    assert saved.name == "chapter one.narration"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["chapter one.narration"]


def test_project_never_holds_an_api_key(tmp_path: Path) -> None:
    secret = "sk_live_0123456789abcdef"
    document = {"format": PROJECT_FORMAT, "version": 1, "script": "hi", "api_key": secret,
                "xi-api-key": secret}
    path = tmp_path / "p.narration"
    path.write_text(json.dumps(document), encoding="utf-8")
    loaded = load_project(path)
    resaved = save_project(tmp_path / "q.narration", loaded)
    assert secret not in resaved.read_text(encoding="utf-8")
    assert "api_key" not in Project.model_fields


def test_failed_write_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = save_project(tmp_path / "keep.narration", _project())
    before = path.read_bytes()

    def broken_replace(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(project_module.os, "replace", broken_replace)
    with pytest.raises(ProjectFileError) as caught:
        save_project(path, Project(script="new words"))
    assert "No space left on device" in str(caught.value)
    assert "Save As" in str(caught.value)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["keep.narration"]  # temp file cleaned up


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"{not json", "damaged"),
        (json.dumps({"format": "something-else", "version": 1}).encode(), "not a Narration Studio project"),
        (json.dumps({"format": PROJECT_FORMAT, "version": 99}).encode(), "newer Narration Studio"),
        (json.dumps({"format": PROJECT_FORMAT, "version": 1, "seed": -4}).encode(), "seed"),
    ],
)
def test_bad_files_give_plain_errors(tmp_path: Path, content: bytes, words: str) -> None:
    path = tmp_path / "bad.narration"
    path.write_bytes(content)
    with pytest.raises(ProjectFileError) as caught:
        load_project(path)
    assert words in str(caught.value)
    assert "Traceback" not in str(caught.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ProjectFileError, match="no longer exists"):
        load_project(tmp_path / "gone.narration")


def test_recovery_store_round_trip(tmp_path: Path) -> None:
    store = RecoveryStore(tmp_path / "state")
    assert store.read() is None
    source = save_project(tmp_path / "story.narration", Project(script="older"))
    store.write(_project(), source_path=str(source))
    recovered = store.read()
    assert recovered is not None
    assert recovered.project == _project()
    assert recovered.source_path == str(source)
    assert recovered.saved_at > 0
    source.unlink()  # the file it came from is gone: the recovered work becomes untitled
    gone = store.read()
    assert gone is not None and gone.source_path is None
    store.clear()
    assert store.read() is None
    store.clear()  # clearing twice is fine


def test_damaged_recovery_file_is_ignored(tmp_path: Path) -> None:
    store = RecoveryStore(tmp_path)
    store.path.write_text("{", encoding="utf-8")
    assert store.read() is None


def test_default_recovery_dir_is_the_state_dir() -> None:
    # conftest points XDG_STATE_HOME at a temporary folder
    assert str(RecoveryStore().path).startswith(os.environ["XDG_STATE_HOME"])
