"""The plan concurrency table and reading script files."""

from __future__ import annotations

from pathlib import Path

import pytest

from studio.core.concurrency import plan_concurrency
from studio.core.script_io import ScriptError, read_script


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
