"""Benchmark of the takes UI on a long script. Prints ONE JSON line.

A 200,000-character script (about 2,300 paragraphs), every third paragraph with takes and
every tenth locked, in the real window (offscreen):

* ``key_ms_p50`` / ``key_ms_p99``: one typed letter in an open paragraph, through the whole
  key path (the window's filters, the locked-paragraph guard, Qt's own editing and layout,
  the takes gutter, the Paragraph actions following the cursor) — no repaint.
* ``key_beside_locked_ms_p99``: the same, typed in the paragraph right before a locked one
  (the guard's exact check runs on every key there).
* ``guard_ms_p99``: the guard's decision alone for such a key (what the take UI adds).
* ``gutter_paint_ms_p99``: repainting the gutter with the script scrolled to the middle.
* ``sync_ms``: the document following an edit (once typing pauses; not per key).

Usage: ``QT_QPA_PLATFORM=offscreen .venv/bin/python bench/takes_editor.py [--keys N]``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from window_setup import close_window, p99, private_home, type_keys  # noqa: E402 - bench/window_setup.py

_home = private_home("bench-takes-")


from studio.core.preferences import PreferencesStore  # noqa: E402
from studio.core.project import RecoveryStore  # noqa: E402
from studio.core.script import Take  # noqa: E402
from studio.core.script.document import TakePart  # noqa: E402
from studio.ui.app import build_main_window, create_application  # noqa: E402
from studio.ui.script_text_edit import EditIntent  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--keys", type=int, default=300)
    args = parser.parse_args()
    app = create_application([])
    window = build_main_window(PreferencesStore(Path(_home) / "prefs.json"), RecoveryStore(Path(_home) / "state"))
    window.resize(1280, 800)
    window.show()
    app.processEvents()
    editor = window.script.editor
    paragraphs = [f"Paragraph {i}: " + "the keeper counted ships out loud every evening " * 2 for i in range(2300)]
    text = "\n\n".join(paragraphs)
    editor.setPlainText(text)
    document = window.document
    document.sync()
    for i, block in enumerate(document.script.blocks):
        if i % 3 == 0:
            key = f"{i:08x}"
            document.add_take(block.id, Take(id=key, text=block.text, parts=(TakePart(key, 0, len(block.text)),),
                                             spoken_key=key, voice_id="v", model_id="m", engine_id="offline",
                                             output_format="pcm_22050"))
        if i % 10 == 0:
            document.set_locked(block.id, True)
    app.processEvents()

    def put_cursor(position: int) -> None:
        cursor = editor.textCursor()
        cursor.setPosition(position)
        editor.setTextCursor(cursor)
        editor.centerCursor()
        app.processEvents()

    editor.setFocus()
    put_cursor(text.index(paragraphs[1155]) + 20)  # 1155: open, far from 1150 and 1160
    open_keys = type_keys(app, editor, args.keys)
    document.sync()
    put_cursor(editor.toPlainText().index(paragraphs[1159]) + len(paragraphs[1159]))  # just before locked 1160
    beside_keys = type_keys(app, editor, args.keys)

    guard = window.takes.guard
    at = editor.textCursor().position()
    guard_ms = []
    for _ in range(args.keys):
        start = time.perf_counter()
        assert not guard.touched_by([EditIntent(at, at, "x")])
        guard_ms.append((time.perf_counter() - start) * 1000)

    gutter = window.takes.gutter
    paints = []
    for _ in range(50):
        start = time.perf_counter()
        gutter.repaint()
        paints.append((time.perf_counter() - start) * 1000)

    editor.textCursor().insertText("x")
    start = time.perf_counter()
    document.sync()
    sync_ms = (time.perf_counter() - start) * 1000

    print(json.dumps({
        "script_chars": len(text),
        "paragraphs": len(paragraphs),
        "key_ms_p50": round(statistics.median(open_keys), 3),
        "key_ms_p99": round(p99(open_keys), 3),
        "key_beside_locked_ms_p99": round(p99(beside_keys), 3),
        "guard_ms_p99": round(p99(guard_ms), 3),
        "gutter_paint_ms_p99": round(p99(paints), 3),
        "sync_ms": round(sync_ms, 2),
    }))
    close_window(window, 5000)


if __name__ == "__main__":
    main()
