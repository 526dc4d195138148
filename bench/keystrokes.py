"""Typing after playing a 200,000-character script: what each keystroke costs. Prints ONE JSON line.

The real window (offscreen) on the offline voice, a 200,000-character script of distinct
paragraphs. Play the whole script (the player's session then follows every edit of the
whole text: its edit map, the highlight), let it play a moment, stop, then type in the
middle of the script:

* ``key_ms_p50`` / ``key_ms_p99``: one typed letter through the window's whole key path —
  the window's key filters, the locked-paragraph guard, Qt's own editing and layout, and
  every handler the studio connects to the document's changes (the player's edit map,
  the takes gutter, the counter and document timers being restarted). Measured around
  ``QApplication.sendEvent`` with ``time.perf_counter``: wall time of the GUI thread.
* ``bare_editor_key_ms_p99``: the same keys in a plain ``QPlainTextEdit`` holding the same
  text, with none of the studio's handlers: what Qt alone costs, for comparison.
* ``played_chars``: characters the session covers (the whole script).

Target (issue 10 point 6): ≤ 2 ms p99 in the app's own handlers; the full key path
including Qt's own work is reported, which bounds the app's share from above.

Usage: ``.venv/bin/python bench/keystrokes.py [--keys N]`` (starts a private null sink if needed).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from window_setup import close_window, p99, private_home, type_keys  # noqa: E402 - bench/window_setup.py

_home = private_home("bench-typing-")
os.environ.pop("ELEVENLABS_API_KEY", None)

from PySide6.QtGui import QTextCursor  # noqa: E402
from PySide6.QtWidgets import QApplication, QPlainTextEdit  # noqa: E402

from player import hour_paragraphs, sound_server  # noqa: E402 - bench/player.py's prose and sink
from studio.core.preferences import Preferences, PreferencesStore  # noqa: E402
from studio.core.project import RecoveryStore  # noqa: E402


def wait_until(app: QApplication, predicate, timeout_s: float) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        app.processEvents()
        if predicate():
            return True
        time.sleep(0.005)
    return False


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--keys", type=int, default=400)
    args = parser.parse_args()
    from studio.offline.voices import bundled_voice
    from studio.ui.app import build_main_window, create_application

    text = hour_paragraphs(200_000)[:200_000].rsplit(" ", 1)[0]
    with sound_server():
        app = create_application([])
        voice = bundled_voice()
        store = PreferencesStore(Path(_home) / "prefs.json")
        store.save(Preferences(engine="offline", voice_id=voice.voice_id, voice_name=voice.name))
        window = build_main_window(store, RecoveryStore(Path(_home) / "state"))
        window.resize(1280, 800)
        window.show()
        window.start_engine()
        if not wait_until(app, lambda: window.session.backend is not None and window.voices.current_voice, 60):
            raise SystemExit("the offline voice did not start")
        editor = window.script.editor
        editor.setPlainText(text)
        window.document.sync()
        window.player.play()
        if not wait_until(app, lambda: window.player.highlighted_index is not None, 60):
            raise SystemExit("playback did not start: " + window.transport.status_label.text())
        wait_until(app, lambda: False, 1.0)  # a moment of listening
        window.player.stop()
        app.processEvents()
        cursor = editor.textCursor()
        cursor.setPosition(len(text) // 2)
        cursor.movePosition(QTextCursor.MoveOperation.EndOfWord)
        editor.setTextCursor(cursor)
        editor.setFocus()
        app.processEvents()
        window_keys = type_keys(app, editor, args.keys, settle_every=25)

        bare = QPlainTextEdit()
        bare.setPlainText(text)
        bare.resize(800, 600)
        bare.show()
        cursor = bare.textCursor()
        cursor.setPosition(len(text) // 2)
        bare.setTextCursor(cursor)
        bare.setFocus()
        app.processEvents()
        bare_keys = type_keys(app, bare, args.keys, settle_every=25)

        print(json.dumps({
            "script_chars": len(text),
            "played_chars": len(window.player.session.text) if getattr(window.player, "session", None) else None,
            "key_ms_p50": round(statistics.median(window_keys), 3),
            "key_ms_p99": round(p99(window_keys), 3),
            "bare_editor_key_ms_p50": round(statistics.median(bare_keys), 3),
            "bare_editor_key_ms_p99": round(p99(bare_keys), 3),
        }))
        close_window(window, 5000)


if __name__ == "__main__":
    main()
