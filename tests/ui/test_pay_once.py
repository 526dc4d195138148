"""Pay once across Play and Export (issue 10, point 2), counted at the server.

The real window on the local ElevenLabs-compatible server (Piper behind it), real keys, the
real sound output (the null sink): Play the script, then Export it from the dialog → no
text-to-speech request; edit one paragraph and Export → exactly that paragraph; Play again →
nothing (Export made it). Then the project the studio saves goes to ``narration-studio
export`` → nothing. The other directions (Export then Export, the command line after the
dialog) are in test_export_plan.py; Play then Play is in tests/integration/player.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from studio.core.project import save_project
from tests.fixtures.local_server import LocalServer
from tests.integration.export.conftest import run_cli, tts_requests
from tests.integration.player.rig import needs_audio
from tests.ui.conftest import activate
from tests.ui.test_export_plan import (  # noqa: F401 - fixtures
    CTRL,
    account,
    cli_env,
    close,
    connect,
    export_from,
    takes,
    type_script,
    wait_counted,
)

PARAGRAPHS = [
    "The ferry left at six with nobody aboard.",
    "Rain came in sideways off the grey water.",
    "Marguerite counted the lights along the quay.",
    "A dog barked twice, then thought better of it.",
    "The harbour master closed his ledger for the night.",
]
SCRIPT = "\n\n".join(PARAGRAPHS)


def _play(qtbot: Any, window: Any) -> None:
    activate(qtbot, window)
    with qtbot.waitSignal(window.player.player.finished, timeout=180000):
        qtbot.keyClick(window.script.editor, Qt.Key.Key_Return, CTRL)  # Playback ▸ Play Script


@needs_audio
def test_play_then_export_then_edit_then_play_then_the_command_line(
    qtbot: Any, make_window: Any, cli_env: LocalServer, tmp_path: Path
) -> None:
    window = connect(qtbot, make_window(), cli_env)
    type_script(qtbot, window, SCRIPT)
    assert window.counter.stats.requests == len(PARAGRAPHS)

    _play(qtbot, window)
    assert tts_requests(cli_env) == len(PARAGRAPHS)
    qtbot.waitUntil(lambda: takes(window) == [1] * len(PARAGRAPHS), timeout=5000)
    wait_counted(qtbot, window)
    assert window.counter.stats.requests == 0  # the counter knows Play made everything

    cli_env.clear_requests()
    close(qtbot, export_from(qtbot, window, tmp_path / "after-play.wav"))
    assert tts_requests(cli_env) == 0  # Play paid; Export pays nothing

    # Paragraph 3 changes, by the keyboard; Export makes exactly it.
    editor = window.script.editor
    activate(qtbot, window)
    cursor = editor.textCursor()
    cursor.setPosition(SCRIPT.index("lights"))
    editor.setTextCursor(cursor)
    qtbot.keyClicks(editor, "yellow ")
    wait_counted(qtbot, window)
    assert window.counter.stats.requests == 1
    cli_env.clear_requests()
    close(qtbot, export_from(qtbot, window, tmp_path / "edited.wav"))
    assert [r["route"] for r in cli_env.requests() if r["route"].startswith("tts_")] != []
    assert tts_requests(cli_env) == 1

    # Export made the edited paragraph: Play now costs nothing.
    cli_env.clear_requests()
    _play(qtbot, window)
    assert tts_requests(cli_env) == 0

    # The project as the studio saves it, exported by the command line: nothing more to pay.
    window.document.sync()
    path = save_project(tmp_path / "ferry.narration", window._snapshot())
    cli_env.clear_requests()
    assert run_cli(str(path), "--out", str(tmp_path / "cli.wav")) == 0
    assert tts_requests(cli_env) == 0
