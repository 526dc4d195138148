"""The Render Queue dock (issue 13, point 6) in the real window, counted at the local server.

View ▸ Render Queue (Ctrl+Shift+J) shows the dock; File ▸ Export Chapters… (Ctrl+Shift+E)
queues the open project's three chapters; Start exports them with one overall bar; Pause
lets the request in flight finish and starts no other; Cancel stops the chapter in progress.
The window is closed and a new one opened: the queue is still there, Resume finishes it, and
every paragraph has been requested exactly once over both windows.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from studio.core.exporter import RunTuning
from studio.core.render_queue import QueueState
from tests.fixtures.local_server import LocalServer
from tests.integration.export.conftest import tts_requests
from tests.ui.conftest import activate
from tests.ui.test_export_plan import account, cli_env, connect, type_script  # noqa: F401 - fixtures

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
CHAPTERS = [
    ["Chapter One", "The keeper climbed the stairs at dusk.", "He lit the lamp and wound the clock."],
    ["Chapter Two", "Morning came over the restless bay.", "The gulls were quiet on the rocks."],
    ["Chapter Three", "A ship's bell answered from the fog.", "The keeper went down to meet it."],
]
PARAGRAPHS = sum(len(c) for c in CHAPTERS)


def _chaptered(qtbot: Any, window: Any) -> None:
    type_script(qtbot, window, "\n\n".join(p for chapter in CHAPTERS for p in chapter))
    script = window.document.script
    # The typed headings start the chapters (the outline's rule: a "Chapter One" paragraph).
    assert [c.title for c in script.chapters()] == ["Chapter One", "Chapter Two", "Chapter Three"]


def _states(controller: Any) -> list[QueueState]:
    return [i.state for i in controller.items()]


def _click(qtbot: Any, button: Any) -> None:
    assert button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_export_chapters_pause_cancel_close_reopen_resume(qtbot: Any, make_window: Any, cli_env: LocalServer,
                                                          tmp_path: Path) -> None:
    server = cli_env
    out = tmp_path / "out"
    out.mkdir()
    window = connect(qtbot, make_window(), server)
    _chaptered(qtbot, window)
    queue = window.render_queue
    queue.controller.tuning = RunTuning(concurrency=1)  # one request at a time: pause is exact
    qtbot.waitUntil(lambda: queue.controller.loaded, timeout=5000)

    activate(qtbot, window)
    qtbot.keyClick(window.script.editor, Qt.Key.Key_J, CTRL_SHIFT)  # View ▸ Render Queue
    qtbot.waitUntil(queue.dock.isVisible, timeout=5000)
    assert queue.panel.summary.text().startswith("Nothing queued")

    activate(qtbot, window)
    qtbot.keyClick(window.script.editor, Qt.Key.Key_E, CTRL_SHIFT)  # File ▸ Export Chapters…
    dialog = queue.dialog
    assert dialog is not None and dialog.list.count() == 3
    dialog.folder_edit.setText(str(out))
    with qtbot.waitSignal(queue.controller.changed, timeout=10000):
        qtbot.keyClick(dialog.list, Qt.Key.Key_Return)  # Enter: Add to Queue
    qtbot.waitUntil(lambda: len(queue.controller.items()) == 3, timeout=10000)
    panel = queue.panel
    assert panel.items.topLevelItemCount() == 3 and panel.overall.value() == 0
    assert [panel.items.topLevelItem(k).text(1) for k in range(3)] == ["Waiting"] * 3
    assert tts_requests(server) == 0  # queuing costs nothing

    server.inject({"kind": "delay", "delay": 0.5, "count": 1000})
    bar: list[int] = []
    panel.overall.valueChanged.connect(bar.append)
    _click(qtbot, panel.start_button)
    controller = queue.controller
    qtbot.waitUntil(lambda: _states(controller)[0] is QueueState.DONE, timeout=60000)
    first = controller.items()[0]
    assert bar and bar == sorted(bar)  # one bar, only ever forwards
    qtbot.waitUntil(lambda: panel.overall.value() >= round(1000 * first.characters / controller.queue.characters_total),
                    timeout=5000)

    # Pause in chapter two: the request in flight finishes, no new one starts.
    qtbot.waitUntil(lambda: tts_requests(server) >= 4, timeout=30000)
    _click(qtbot, panel.pause_button)
    at_pause = tts_requests(server)
    qtbot.waitUntil(lambda: panel.items.topLevelItem(1).text(1) == "Paused", timeout=5000)
    assert panel.start_button.text().replace("&", "") == "Resume" and not panel.pause_button.isEnabled()
    settled = time.monotonic() + 2.0
    while time.monotonic() < settled:
        QApplication.processEvents()
        time.sleep(0.05)
    paused_count = tts_requests(server)
    assert paused_count <= at_pause + 1  # at most the one that was being sent as Pause was clicked
    for _ in range(10):
        qtbot.wait(100)
        assert tts_requests(server) == paused_count

    # Cancel while paused: chapter two stops; what it made stays in the cache.
    with qtbot.waitSignal(controller.running_changed, timeout=30000):
        _click(qtbot, panel.cancel_button)
    assert _states(controller) == [QueueState.DONE, QueueState.STOPPED, QueueState.WAITING]
    assert 0 < panel.overall.value() < 1000
    assert sorted(p.name for p in out.iterdir()) == [f"{window.files.file_stem()} - 01 Chapter One.wav"]
    first_window = tts_requests(server)
    assert first_window == paused_count < PARAGRAPHS

    # Closed and opened again: the queue is as it was left.
    window._closing = True
    window.close()
    server.clear_faults()
    again = connect(qtbot, make_window(), server)
    reopened = again.render_queue
    reopened.controller.tuning = RunTuning(concurrency=1)
    qtbot.waitUntil(lambda: reopened.controller.loaded, timeout=5000)
    assert _states(reopened.controller) == [QueueState.DONE, QueueState.STOPPED, QueueState.WAITING]
    assert reopened.dock.isVisible()  # the dock is remembered with the window's layout
    panel = reopened.panel
    assert panel.start_button.text().replace("&", "") == "Resume"
    with qtbot.waitSignal(reopened.controller.running_changed, timeout=10000):
        _click(qtbot, panel.start_button)
    qtbot.waitUntil(lambda: not reopened.controller.is_running, timeout=120000)
    assert _states(reopened.controller) == [QueueState.DONE] * 3, panel.message.text
    # Every paragraph once over both windows: the finished ones were never requested again.
    assert tts_requests(server) == PARAGRAPHS
    assert len(list(out.glob("*.wav"))) == 3 and panel.overall.value() == 1000


def test_add_files_to_the_queue_whole_and_per_chapter_offline(qtbot: Any, offline_window: Any, tmp_path: Path) -> None:
    window = offline_window
    book = tmp_path / "book.md"
    book.write_text("# Chapter One\n\nThe keeper climbed.\n\n# Chapter Two\n\nThe lamp was lit.\n", encoding="utf-8")
    script = tmp_path / "note.txt"
    script.write_text("A short note to read.", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    queue = window.render_queue
    qtbot.waitUntil(lambda: queue.controller.loaded, timeout=5000)

    window.add_to_queue_action.trigger()  # File ▸ Add to Render Queue…
    dialog = queue.dialog
    ok = dialog.buttons.buttons()[0]
    assert not ok.isEnabled()  # nothing chosen yet
    dialog.choose_files = lambda: [str(book)]
    qtbot.mouseClick(dialog.add_files_button, Qt.MouseButton.LeftButton)
    qtbot.keyClick(dialog.per_chapter, Qt.Key.Key_Space)  # ticks One file per chapter
    assert dialog.one_per_chapter
    dialog.folder_edit.setText(str(out))
    with qtbot.waitSignal(queue.controller.changed, timeout=10000):
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(queue.controller.items()) == 2, timeout=10000)
    assert queue.dock.isVisible()  # queuing shows the dock

    window.add_to_queue_action.trigger()
    dialog = queue.dialog
    dialog.choose_files = lambda: [str(script)]
    qtbot.mouseClick(dialog.add_files_button, Qt.MouseButton.LeftButton)
    dialog.format_box.setCurrentIndex(dialog.format_box.findData(".flac"))
    dialog.folder_edit.setText(str(out))
    qtbot.mouseClick(dialog.buttons.buttons()[0], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(queue.controller.items()) == 3, timeout=10000)
    panel = queue.panel
    assert [panel.items.topLevelItem(k).text(0) for k in range(3)] == [
        "book.md ▸ Chapter One", "book.md ▸ Chapter Two", "note.txt"]

    with qtbot.waitSignal(queue.controller.running_changed, timeout=10000):
        qtbot.mouseClick(panel.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not queue.controller.is_running, timeout=120000)
    assert _states(queue.controller) == [QueueState.DONE] * 3, panel.message.text
    assert sorted(p.name for p in out.iterdir()) == ["book - 01 Chapter One.wav", "book - 02 Chapter Two.wav",
                                                      "note.flac"]
    assert panel.overall.value() == 1000 and panel.summary.text() == "3 of 3 done"
    qtbot.mouseClick(panel.clear_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.items.topLevelItemCount() == 0, timeout=5000)
