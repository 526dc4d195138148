"""A project keeps its own rules and attached shared dictionaries (issue 12, point 2); old files open."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from studio.core.project import PROJECT_VERSION, Project, load_project, save_project
from studio.core.pronunciation import (
    AliasRule, DictionaryError, PhonemeRule, ProjectPronunciation, PronunciationDictionary, dump_plain, resolve)

DATA = Path(__file__).resolve().parents[3] / "data"


def _pronunciation(shared: tuple[str, ...] = ()) -> ProjectPronunciation:
    own = PronunciationDictionary("project:abc", "Project", (
        AliasRule("Nguyen", "win"), PhonemeRule("Thailand", "ˈtaɪ.lænd", "ipa", case_sensitive=False)))
    return ProjectPronunciation.from_dictionary(own, shared=shared)


def test_project_round_trip_keeps_rules_and_shared_paths(tmp_path: Path) -> None:
    pls = str(DATA / "pronunciation" / "elevenlabs_style.pls")
    project = Project(script="Mr Nguyen.", pronunciation=_pronunciation((pls,)))
    saved = save_project(tmp_path / "p.narration", project)
    document = json.loads(saved.read_text(encoding="utf-8"))
    assert document["version"] == PROJECT_VERSION == 2 and document["minor"] >= 1  # 2 added the cast
    assert document["pronunciation"]["rules"][0] == {
        "string_to_replace": "Nguyen", "type": "alias", "alias": "win",
        "case_sensitive": True, "word_boundaries": True}
    loaded = load_project(saved)
    assert loaded == project
    assert loaded.pronunciation.dictionary().rules == project.pronunciation.dictionary().rules
    assert [d.name for d in resolve(loaded.pronunciation)] == ["Project pronunciation", "elevenlabs_style"]


def test_old_v2_file_without_pronunciation_still_opens(tmp_path: Path) -> None:
    old = tmp_path / "old.narration"
    old.write_text(json.dumps({"format": "narration-studio-project", "version": 2, "script": "Hi."}))
    assert load_project(old).pronunciation is None
    assert resolve(load_project(old).pronunciation) == ()
    v1 = load_project(DATA / "projects" / "lighthouse-v1.narration")
    assert v1.pronunciation is None


def test_fourth_dictionary_is_refused(tmp_path: Path) -> None:
    paths = []
    for n in range(3):
        path = tmp_path / f"d{n}.txt"
        dump_plain(PronunciationDictionary("x", "x", (AliasRule(f"w{n}", "x"),)), path)
        paths.append(str(path))
    pronunciation = _pronunciation(tuple(paths[:2]))  # own + 2 shared = 3
    with pytest.raises(DictionaryError) as caught:
        pronunciation.attach(paths[2])
    assert "d2.txt" in str(caught.value) and "at most 3" in str(caught.value) and caught.value.remedy
    with pytest.raises(DictionaryError, match="number 4"):
        resolve(pronunciation, extra=(paths[2],))
    assert len(resolve(ProjectPronunciation(shared=tuple(paths)))) == 3  # no own rules: 3 shared fit


def test_damaged_rules_in_a_project_name_the_rule(tmp_path: Path) -> None:
    bad = tmp_path / "bad.narration"
    bad.write_text(json.dumps({"format": "narration-studio-project", "version": 2, "script": "x",
                               "pronunciation": {"rules": [{"string_to_replace": "Nguyen", "type": "alias",
                                                            "alias": ""}]}}))
    with pytest.raises(DictionaryError, match="Nguyen"):
        load_project(bad)
