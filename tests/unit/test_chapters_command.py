"""``narration-studio chapters SCRIPT [--json]``: the chapters with their paragraph counts,
from the same Script.chapters() as the outline, for a text file, a book and a project."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from studio.core.project import Project, save_project
from studio.core.script import Block, Script

TEXT = "A note first.\n\nChapter 1\n\nThe sea.\n\nMore sea.\n\nChapter 2\n\nMorning.\n"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.environ.get("PYTHONPATH", str(Path(__file__).resolve().parents[2]))}
    return subprocess.run([sys.executable, "-m", "studio", "chapters", *args], capture_output=True, text=True,
                          env=env, timeout=60)


def test_a_text_file_lists_its_chapters_as_a_table_and_as_json(tmp_path: Path) -> None:
    path = tmp_path / "draft.txt"
    path.write_text(TEXT, encoding="utf-8")
    table = _run(str(path))
    assert table.returncode == 0, table.stderr
    assert [line.split() for line in table.stdout.splitlines()] == [
        ["1", "(opening)", "1", "paragraph"], ["2", "Chapter", "1", "3", "paragraphs"],
        ["3", "Chapter", "2", "2", "paragraphs"]]
    found = _run(str(path), "--json")
    assert found.returncode == 0 and len(found.stdout.splitlines()) == 1
    data = json.loads(found.stdout)
    assert [(c["title"], c["paragraphs"], c["first_paragraph"]) for c in data["chapters"]] == [
        ("", 1, 1), ("Chapter 1", 3, 2), ("Chapter 2", 2, 5)]
    assert data["paragraphs"] == 6


def test_a_project_lists_its_saved_chapters(tmp_path: Path) -> None:
    script = Script([Block("Chapter One", chapter="The Sea"), Block("Waves."), Block("Later.", chapter="Ashore")])
    path = tmp_path / "book.narration"
    save_project(path, Project(script=script.text).with_document(script))
    data = json.loads(_run(str(path), "--json").stdout)
    assert [(c["title"], c["paragraphs"]) for c in data["chapters"]] == [("The Sea", 2), ("Ashore", 1)]


def test_a_missing_file_names_itself(tmp_path: Path) -> None:
    found = _run(str(tmp_path / "nope.txt"))
    assert found.returncode == 1 and "nope.txt" in found.stderr and "does not exist" in found.stderr
