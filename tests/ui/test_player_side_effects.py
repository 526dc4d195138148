"""No global side effects: creating the player leaves the interpreter's settings alone.

It used to call ``gc.freeze()`` and lower ``sys.setswitchinterval`` for the whole process, on
the grounds of GUI stalls; bench/player.py now measures the collector's pauses
(``gc_pause_ms_max``, ``gc_full_collections``) and the stalls without either. Checked in a
fresh interpreter, so nothing another test did (or froze) can hide it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

CREATE_PLAYER = textwrap.dedent(
    """
    import gc, json, sys
    from PySide6.QtWidgets import QApplication, QPlainTextEdit

    app = QApplication([])
    from studio.ui.player_controller import PlayerController
    from studio.ui.script_document import ScriptDocumentController
    from studio.ui.transport_bar import TransportBar
    from studio.ui.worker import WorkerPool

    def settings():
        return [gc.get_freeze_count(), sys.getswitchinterval(), gc.isenabled(), list(gc.get_threshold())]

    before = settings()
    pool = WorkerPool(max_threads=1)
    editor = QPlainTextEdit()
    controller = PlayerController(editor, TransportBar(), pool, lambda: None, ScriptDocumentController(editor), None)
    after = settings()
    controller.shutdown()
    print(json.dumps({"before": before, "after": after}))
    """
)


def test_creating_the_player_changes_no_interpreter_wide_setting() -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run([sys.executable, "-c", CREATE_PLAYER], capture_output=True, text=True, timeout=60,
                          env=env, cwd=Path(__file__).resolve().parents[2])
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["after"] == result["before"]
