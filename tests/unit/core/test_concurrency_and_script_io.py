"""The plan concurrency table and reading script files (and refusing files that are not scripts)."""

from __future__ import annotations

from pathlib import Path

import pytest

from studio.core.concurrency import plan_concurrency
from studio.core.script_io import HEAD_BYTES, REFUSED_KINDS, ScriptError, check_script_file, read_script

from .non_scripts import NON_SCRIPTS, utf16


@pytest.mark.parametrize(
    ("tier", "model", "group", "expected"),
    [
        ("free", "eleven_multilingual_v2", None, 2),
        ("free", "eleven_flash_v2_5", None, 4),
        ("starter", "eleven_multilingual_v2", None, 3),
        ("creator", "eleven_turbo_v2_5", None, 10),
        ("pro", "eleven_multilingual_v2", "standard", 10),
        ("pro", "some_model", "turbo", 20),
        ("scale", "eleven_flash_v2", None, 30),
        ("growing_business", "eleven_multilingual_v2", None, 15),
        (None, "eleven_multilingual_v2", None, 2),
        ("mystery", "eleven_flash_v2_5", None, 4),
    ],
)
def test_plan_table(tier: str | None, model: str, group: str | None, expected: int) -> None:
    assert plan_concurrency(tier, model, group) == expected


def test_reads_utf8_keeps_offsets_and_drops_bom(tmp_path: Path) -> None:
    path = tmp_path / "s.txt"
    path.write_bytes("\ufeffCafé — “quoted”\r\n\r\nNext.".encode())
    assert read_script(path) == "Café — “quoted”\r\n\r\nNext."


def test_not_utf8_names_line_and_remedy(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes("Line one\nCaf\xe9 two\n".encode("latin-1"))
    with pytest.raises(ScriptError) as caught:
        read_script(path)
    message = str(caught.value)
    assert "not UTF-8" in message and "line 2" in message and "save it with the encoding UTF-8" in message


def test_missing_and_folder(tmp_path: Path) -> None:
    with pytest.raises(ScriptError, match="does not exist"):
        read_script(tmp_path / "missing.txt")
    with pytest.raises(ScriptError, match="is a folder"):
        read_script(tmp_path)


@pytest.mark.parametrize("case", sorted(NON_SCRIPTS))
def test_files_that_are_not_scripts_are_refused_by_suffix_and_content(tmp_path: Path, case: str) -> None:
    name, build, kind, words = NON_SCRIPTS[case]
    path = build(tmp_path / name)
    with pytest.raises(ScriptError) as caught:
        read_script(path)
    error = caught.value
    assert words in error.cause and name in error.cause and "not a plain-text script" in error.cause
    assert error.remedy == REFUSED_KINDS[kind]
    # The same decision, asked first without reading the whole file.
    with pytest.raises(ScriptError):
        check_script_file(path, path.read_bytes()[:HEAD_BYTES])


def test_a_caller_can_accept_a_kind_it_handles(tmp_path: Path) -> None:
    """How the export command will take .narration projects: one word at its call site."""
    path = NON_SCRIPTS["project"][1](tmp_path / "story.narration")
    assert check_script_file(path, path.read_bytes()[:HEAD_BYTES], accept={"project"}) == "project"
    with pytest.raises(ScriptError):
        check_script_file(path, path.read_bytes()[:HEAD_BYTES], accept={"ebook"})


@pytest.mark.parametrize("text", [
    "Plain words.", "RIFFS of a guitar, FORMAL notes.", "ID3 is a tag format.", '{"a": "json is text"}',
    "# Chapter one\n\nMarkdown is text.", "\ufeffCafé",
])
def test_text_that_merely_looks_like_a_signature_is_a_script(tmp_path: Path, text: str) -> None:
    path = tmp_path / "notes.md"
    path.write_text(text, encoding="utf-8")
    assert read_script(path) == text.removeprefix("\ufeff")


def test_utf16_text_is_told_to_be_saved_as_utf8(tmp_path: Path) -> None:
    with pytest.raises(ScriptError) as caught:
        read_script(utf16(tmp_path / "wide.txt"))
    assert "UTF-16" in caught.value.cause and "UTF-8" in caught.value.remedy
