"""``narration-studio export`` never reads the wrong file aloud: an e-book, a document, an
archive, audio, an image or binary data is refused, by its name or its content, before a
single request reaches the (local) server — and the message says why and what to do. A
Narration Studio project (by its name or its content) is not refused: it is rendered."""

from __future__ import annotations

from pathlib import Path

import pytest
import soundfile as sf

from studio.core.script_io import REFUSED_KINDS
from tests.fixtures.local_server import LocalServer
from tests.unit.core.non_scripts import NON_SCRIPTS

from .conftest import run_cli


# .epub and .docx are books now (issue 13 point 8: imported, see test_export_books.py), not refused.
@pytest.mark.parametrize("case", ["mobi renamed", "azw3", "pdf renamed", "zip", "wav renamed",
                                  "png renamed", "binary"])
def test_not_a_script_is_refused_before_anything_is_sent(
    server: LocalServer, tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str
) -> None:
    name, build, kind, words = NON_SCRIPTS[case]
    source = build(tmp_path / name)
    out = tmp_path / "out.wav"
    assert run_cli(str(source), "--out", str(out)) == 1
    err = capsys.readouterr().err
    assert server.requests() == []  # not one request: no models, no voices, no speech
    assert words in err and name in err  # the cause...
    assert REFUSED_KINDS[kind] in err  # ...and the remedy
    assert not out.exists()


@pytest.mark.parametrize("case", ["project", "project renamed"])
def test_a_project_is_rendered_not_refused(server: LocalServer, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str], case: str) -> None:
    name, build, _kind, _words = NON_SCRIPTS[case]
    source = build(tmp_path / name)  # saved by the studio's own writer (a .txt name: found by content)
    out = tmp_path / "out.wav"
    assert run_cli(str(source), "--out", str(out)) == 0, capsys.readouterr().err
    assert len([r for r in server.requests() if r["route"].startswith("tts_")]) == 1  # its one paragraph
    assert sf.info(str(out)).duration > 5  # "Call me Ishmael." twenty times, spoken
