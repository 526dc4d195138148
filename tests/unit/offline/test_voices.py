"""Offline voice discovery: the bundled voice, user voices, broken files skipped by name."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from studio.api.models import Voice
from studio.offline.errors import VoiceLoadError
from studio.offline.voices import bundled_voice, discover_voices, user_voices_dir


def _install_copy(folder: Path, stem: str, **config_changes: object) -> Path:
    """A user voice made from the bundled model (symlinked: no 60 MB copy)."""
    bundled = bundled_voice()
    folder.mkdir(parents=True, exist_ok=True)
    onnx_path = folder / f"{stem}.onnx"
    os.symlink(bundled.onnx_path, onnx_path)
    config = json.loads(bundled.config_path.read_text(encoding="utf-8"))
    config.update(config_changes)
    (folder / f"{stem}.onnx.json").write_text(json.dumps(config), encoding="utf-8")
    return onnx_path


def test_bundled_voice_has_the_apis_fields() -> None:
    voice = bundled_voice()
    assert voice.voice_id == "offline-en_US-joe-medium"
    assert voice.sample_rate == 22050
    api = Voice.model_validate(voice.to_api_dict())
    assert api.voice_id == voice.voice_id
    assert api.category == "offline"
    assert api.labels["language"] == "en"
    assert api.labels["accent"] == "american"
    assert api.preview_url == "offline://offline-en_US-joe-medium"
    assert api.name and api.description


def test_user_voices_dir_honours_xdg_data_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert user_voices_dir() == tmp_path / "narration-studio" / "voices"


def test_no_voices_folder_means_just_the_bundled_voice(tmp_path: Path) -> None:
    voices, problems = discover_voices(tmp_path / "missing")
    # (and the voices derived from it, listed last: test_derived_voices.py)
    assert [v.voice_id for v in voices if not v.derived_from] == [bundled_voice().voice_id]
    assert problems == []


def test_a_dropped_in_voice_is_found_with_its_labels(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    language = {"code": "en_GB", "family": "en", "region": "GB", "name_english": "English",
                "country_english": "Great Britain"}
    _install_copy(user_voices_dir(), "en_GB-test-medium", language=language, dataset="test_voice", gender="female")
    voices, problems = discover_voices()  # the default folder, from XDG_DATA_HOME
    assert problems == []
    extra = voices[1]
    assert extra.voice_id == "offline-en_GB-test-medium"
    assert extra.name == "Test Voice"
    assert extra.labels() == {"language": "en", "accent": "british", "gender": "female", "use_case": "narration"}
    assert "Great Britain" in extra.description


def test_broken_voice_files_are_skipped_with_a_message_naming_them(tmp_path: Path) -> None:
    good = _install_copy(tmp_path, "en_US-good-medium")
    (tmp_path / "corrupt.onnx").write_bytes(b"this is not a model " * 200)
    (tmp_path / "corrupt.onnx.json").write_text(good.with_name(good.name + ".json").read_text())
    os.symlink(bundled_voice().onnx_path, tmp_path / "badjson.onnx")
    (tmp_path / "badjson.onnx.json").write_text("{ not json", encoding="utf-8")
    os.symlink(bundled_voice().onnx_path, tmp_path / "nojson.onnx")
    os.symlink(bundled_voice().onnx_path, tmp_path / "thai.onnx")
    config = json.loads(bundled_voice().config_path.read_text())
    config["phoneme_type"] = "thai"
    (tmp_path / "thai.onnx.json").write_text(json.dumps(config))
    os.symlink(bundled_voice().onnx_path, tmp_path / "incomplete.onnx")
    (tmp_path / "incomplete.onnx.json").write_text(json.dumps({"audio": {}}))

    voices, problems = discover_voices(tmp_path)

    assert [v.voice_id for v in voices if not v.derived_from] == ["offline-en_US-joe-medium", "offline-en_US-good-medium"]
    assert len(problems) == 5
    joined = "\n".join(problems)
    for name in ("corrupt.onnx", "badjson.onnx.json", "nojson.onnx", "thai.onnx", "incomplete.onnx.json"):
        assert f"file {name}:" in joined, name
    assert "not valid JSON" in joined and "missing" in joined and "damaged" in joined


def test_a_voice_named_like_the_bundled_one_is_reported(tmp_path: Path) -> None:
    _install_copy(tmp_path, "en_US-joe-medium")
    voices, problems = discover_voices(tmp_path)
    assert len([v for v in voices if not v.derived_from]) == 1
    assert "en_US-joe-medium.onnx" in problems[0]


def test_a_model_damaged_inside_fails_to_load_with_a_message_naming_it(tmp_path: Path) -> None:
    from studio.offline.engine import OfflineEngine

    bad = tmp_path / "deep.onnx"
    bad.write_bytes(b"\x08\x07" + bytes(range(256)) * 16)  # looks like ONNX at a glance only
    (tmp_path / "deep.onnx.json").write_text(bundled_voice().config_path.read_text())
    voices, problems = discover_voices(tmp_path)
    assert problems == [] and voices[1].voice_id == "offline-deep"
    with pytest.raises(VoiceLoadError) as caught:
        OfflineEngine(voices[1]).load()
    assert "deep.onnx" in str(caught.value)
    assert caught.value.remedy
