"""Speakers and the Cast panel (issue 11, points 1 and 2), driven with real keys and clicks.

The real window: Paragraph ▸ Speaker opened from the gutter mark and clicked, the cycle key
pressed in the editor, text pasted with Ctrl+V, the Cast panel's voice list picked with the
keyboard; speech from the real offline voice (and its derived voices), or over loopback from
the local ElevenLabs-compatible server, where text-to-speech requests are counted.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QContextMenuEvent, QGuiApplication, QImage
from PySide6.QtWidgets import QApplication, QMenu

from studio.core.project import load_project
from studio.markup import speaker_prefix
from studio.ui.take_marks import MarkKind, summary
from tests.fixtures.local_server import run_server
from tests.integration.export.conftest import tts_requests
from tests.ui.conftest import activate, wait_for_engine, wait_for_voices
from tests.ui.test_export_plan import connect, wait_counted

CTRL = Qt.KeyboardModifier.ControlModifier
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
DIALOGUE = "ANNA: Hello there, Ben.\n\nBEN: Hi, Anna. How was the trip?"


def put_cursor(window: Any, text: str, offset: int = 2) -> None:
    editor = window.script.editor
    cursor = editor.textCursor()
    cursor.setPosition(editor.toPlainText().index(text) + offset)
    editor.setTextCursor(cursor)


def paste(qtbot: Any, window: Any, text: str) -> None:
    """Ctrl+V of ``text`` at the end of the script, and the document has followed it."""
    QGuiApplication.clipboard().setText(text)
    activate(qtbot, window)
    editor = window.script.editor
    cursor = editor.textCursor()
    cursor.movePosition(cursor.MoveOperation.End)
    editor.setTextCursor(cursor)
    qtbot.keyClick(editor, Qt.Key.Key_V, CTRL)
    qtbot.waitUntil(lambda: text.split("\n\n")[-1] in editor.toPlainText(), timeout=5000)
    window.document.sync()


def speakers(window: Any) -> list[str | None]:
    return [b.speaker for b in window.document.script.blocks]


def click_action(qtbot: Any, menu: QMenu, text: str) -> None:
    """Click the entry of an open menu whose text (without &) is ``text``."""
    action = next(a for a in menu.actions() if a.text().replace("&", "") == text)
    qtbot.waitUntil(lambda: menu.isVisible() and not menu.actionGeometry(action).isEmpty(), timeout=5000)
    qtbot.mouseClick(menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(action).center())


def open_popup(qtbot: Any) -> QMenu:
    qtbot.waitUntil(lambda: isinstance(QApplication.activePopupWidget(), QMenu), timeout=5000)
    return QApplication.activePopupWidget()  # type: ignore[return-value]


def speaker_column(window: Any, index: int) -> QImage:
    """The gutter's speaker column on paragraph ``index``'s first line, as painted."""
    gutter = window.takes.gutter
    row = next(r for i, r in gutter.visible_marks() if i == index)
    width = gutter.fontMetrics().horizontalAdvance("MMMMMM")
    image = gutter.grab().toImage()
    ratio = image.devicePixelRatio()
    return image.copy(int((gutter.width() - width - 3) * ratio), int(row.top() * ratio),
                      int(width * ratio), int(row.height() * ratio))


def distinct_colours(image: QImage) -> int:
    return len({image.pixel(x, y) for x in range(image.width()) for y in range(image.height())})


def test_a_speaker_set_from_the_menu_and_by_the_cycle_key_shows_in_the_margin(qtbot: Any, make_window: Any) -> None:
    window = make_window()
    editor = window.script.editor
    gutter = window.takes.gutter
    paste(qtbot, window, DIALOGUE + "\n\nThe train pulled out.")
    assert speakers(window) == ["ANNA", "BEN", None]
    width_with_speakers = gutter.width()

    # The margin names the speaker of paragraph 2; the narrator's paragraph 3 shows nothing there.
    qtbot.waitUntil(lambda: any(i == 2 for i, _r in gutter.visible_marks()), timeout=5000)
    assert gutter.speaker_label(1) == "BEN" and gutter.speaker_label(2) is None
    assert distinct_colours(speaker_column(window, 1)) > 1 and distinct_colours(speaker_column(window, 2)) == 1

    # Paragraph ▸ Speaker ▸ BEN, clicked in the menu the gutter mark opens.
    row = next(r for i, r in gutter.visible_marks() if i == 2)
    qtbot.mouseClick(gutter, Qt.MouseButton.LeftButton, pos=QPoint(6, int(row.center().y())))
    menu = open_popup(qtbot)
    click_action(qtbot, menu, "Speaker")
    submenu = window.cast.speaker_menu.menu
    qtbot.waitUntil(submenu.isVisible, timeout=5000)
    assert [a.text() for a in submenu.actions() if a.isCheckable()] == ["Narrator", "ANNA", "BEN"]
    click_action(qtbot, submenu, "BEN")
    qtbot.waitUntil(lambda: speakers(window) == ["ANNA", "BEN", "BEN"], timeout=5000)
    qtbot.waitUntil(lambda: distinct_colours(speaker_column(window, 2)) > 1, timeout=5000)
    assert gutter.speaker_label(2) == "BEN"

    # The cycle key on paragraph 1: ANNA → BEN → Narrator → ANNA.
    activate(qtbot, window)
    put_cursor(window, "Hello there")
    seen = []
    for _ in range(3):
        qtbot.keyClick(editor, Qt.Key.Key_N, CTRL_SHIFT)
        seen.append(window.document.script.blocks[0].speaker)
        if seen[-1]:
            assert gutter.accessibleDescription().endswith(f"said by {seen[-1]}")
    assert seen == ["BEN", None, "ANNA"]
    assert editor.toPlainText().startswith("ANNA: Hello there")  # nothing typed by the key
    assert window.status.currentMessage() == "Paragraph 1 is said by ANNA."

    # Help lists the key under the Paragraph menu.
    from studio.ui.shortcuts_help import shortcut_table

    rows = dict(shortcut_table(window))
    assert ("Ctrl+Shift+N", "Next Speaker") in rows["Paragraph ▸ Speaker"]

    # The script's right-click menu has Paragraph ▸ Speaker too: paragraph 2 back to the narrator.
    put_cursor(window, "How was")
    viewport = editor.viewport()
    where = editor.cursorRect().center()
    QApplication.sendEvent(viewport, QContextMenuEvent(QContextMenuEvent.Reason.Mouse, where,
                                                       viewport.mapToGlobal(where)))
    click_action(qtbot, open_popup(qtbot), "Speaker")
    qtbot.waitUntil(submenu.isVisible, timeout=5000)
    click_action(qtbot, submenu, "Narrator")
    qtbot.waitUntil(lambda: speakers(window) == ["ANNA", None, "BEN"], timeout=5000)

    # With no speaker left, the column gives its room back.
    for index in range(3):
        window.cast.controller.set_speaker(window.document.script.blocks[index].id, None)
    qtbot.waitUntil(lambda: gutter.width() < width_with_speakers, timeout=5000)


def test_pasted_speaker_lines_make_two_speakers_whose_prefix_is_never_spoken_or_lit(
        qtbot: Any, offline_window: Any) -> None:
    window = offline_window
    editor = window.script.editor
    paste(qtbot, window, DIALOGUE)
    assert speakers(window) == ["ANNA", "BEN"]
    wait_counted(qtbot, window)

    # View ▸ Cast lists both, with the offline voices (Joe and the voices derived from it) to pick.
    activate(qtbot, window)
    qtbot.keyClick(editor, Qt.Key.Key_C, CTRL_SHIFT)
    panel = window.cast.panel
    qtbot.waitUntil(panel.isVisible, timeout=5000)
    assert window.cast.controller.speakers() == ["Narrator", "ANNA", "BEN"]
    combo = panel.combo("BEN")
    names = [combo.itemText(i) for i in range(combo.count())]
    assert len([n for n in names if "derived from" in n.lower() or n.startswith("Jo")]) >= 3, names

    # BEN gets another voice (a derived one), picked with the keyboard in his voice list.
    derived = next(i for i in range(combo.count()) if str(combo.itemData(i) or "").endswith("-highest"))
    combo.setFocus()
    qtbot.waitUntil(combo.hasFocus, timeout=5000)
    for _ in range(derived):
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert window.cast.controller.cast.member("BEN").voice_id == combo.itemData(derived)

    # Preview speaks BEN's line (not his name) in his new voice, through the preview player.
    preview = window.cast.preview
    button = panel.preview_button("BEN")
    with qtbot.waitSignal(preview.busy_changed, timeout=60000,
                          check_params_cb=lambda playing: not playing):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: button.text() == "Stop", timeout=5000)
    assert preview.last_line == "Hi, Anna. How was the trip?"
    assert preview.last_wav is not None and len(preview.last_wav) > 44 + 16000
    qtbot.waitUntil(lambda: button.text() == "Preview", timeout=5000)

    # Play across the speaker change: every word of both lines lights up, never a prefix.
    prefixes = [(start, start + speaker_prefix(text).end) for start, text in
                ((editor.toPlainText().index(t), t) for t in DIALOGUE.split("\n\n"))]
    lit: list[tuple[int, int]] = []
    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(lambda: (word := window.player.highlighter.current[1]) and lit.append(word))
    activate(qtbot, window)
    timer.start()
    try:
        with qtbot.waitSignal(window.player.player.finished, timeout=120000):
            qtbot.keyClick(editor, Qt.Key.Key_Return, CTRL)
    finally:
        timer.stop()
    text = editor.toPlainText()
    words = []
    for start, end in lit:
        if not words or words[-1] != text[start:end]:
            words.append(text[start:end])
    assert all(not (s < pe and ps < e) for s, e in lit for ps, pe in prefixes), "a NAME: prefix was lit"
    assert "Hello" in words and "trip" in words and words.index("Hello") < words.index("trip"), words
    assert not {"ANNA", "BEN", "ANNA:", "BEN:"} & set(words)
    blocks = window.document.script.blocks
    assert blocks[0].chosen_take.voice_id != blocks[1].chosen_take.voice_id == combo.itemData(derived)

    # BEN's own speed (from "Project" one step up, with the keyboard): only his line is to be made again.
    wait_counted(qtbot, window)
    assert window.counter.stats.requests == 0
    speed = panel.spin("BEN", 2)
    assert speed.text() == "Project"
    speed.setFocus()
    qtbot.keyClick(speed, Qt.Key.Key_Up)
    assert window.cast.controller.cast.member("BEN").voice_settings.speed == 0.7
    anna = window.cast.controller.cast.member("ANNA")
    assert anna is not None and anna.voice_settings is None
    qtbot.waitUntil(lambda: window.counter.busy or window.counter.stats.requests != 0, timeout=5000)
    wait_counted(qtbot, window)
    assert window.counter.stats.requests == 1


def test_a_voice_given_to_a_speaker_remakes_only_their_unlocked_paragraphs_and_the_cast_is_saved(
        qtbot: Any, make_window: Any, tmp_path: Path) -> None:
    with run_server(tier="creator") as server:
        window = connect(qtbot, make_window(), server)
        editor = window.script.editor
        script = ("ANNA: The lamp is lit.\n\nBEN: The sea is calm tonight.\n\nThe keeper wrote in his log.\n\n"
                  "BEN: A ship is near the rocks.\n\nANNA: Ring the bell.\n\nBEN: I am ringing it.")
        paste(qtbot, window, script)
        assert speakers(window) == ["ANNA", "BEN", None, "BEN", "ANNA", "BEN"]
        wait_counted(qtbot, window)
        activate(qtbot, window)
        with qtbot.waitSignal(window.player.player.finished, timeout=120000):
            qtbot.keyClick(editor, Qt.Key.Key_Return, CTRL)
        assert tts_requests(server) == 6
        blocks = window.document.script.blocks
        put_cursor(window, "I am ringing")
        qtbot.keyClick(editor, Qt.Key.Key_L, CTRL)  # BEN's last line is locked
        assert blocks[5].locked

        # The Cast panel: BEN speaks with another of the account's voices.
        activate(qtbot, window)
        qtbot.keyClick(editor, Qt.Key.Key_C, CTRL_SHIFT)
        panel = window.cast.panel
        qtbot.waitUntil(panel.isVisible, timeout=5000)
        combo = panel.combo("BEN")
        narrator_voice = window.voices.current_voice.voice_id
        other = next(i for i in range(1, combo.count()) if combo.itemData(i) != narrator_voice)
        combo.setFocus()
        for _ in range(other):
            qtbot.keyClick(combo, Qt.Key.Key_Down)
        ben_voice = combo.itemData(other)
        assert window.cast.controller.cast.member("BEN").voice_id == ben_voice

        # BEN's two unlocked paragraphs need generating; nobody else's does.
        gutter = window.takes.gutter
        kinds = [gutter.mark(i).kind for i in range(6)]
        assert kinds == [MarkKind.CURRENT, MarkKind.STALE, MarkKind.CURRENT, MarkKind.STALE, MarkKind.CURRENT,
                         MarkKind.CURRENT], kinds
        assert summary(gutter.mark(1), 1).startswith(
        "Paragraph 2: take 1 of 1, needs generating (its speaker's voice changed)")  # a listen-check may follow
        wait_counted(qtbot, window)
        assert window.counter.stats.requests == 2

        # The next Play asks the server for exactly those two, in BEN's new voice.
        server.clear_requests()
        activate(qtbot, window)
        with qtbot.waitSignal(window.player.player.finished, timeout=120000):
            qtbot.keyClick(editor, Qt.Key.Key_Return, CTRL)
        sent = [r for r in server.requests() if r["route"].startswith("tts_")]
        assert len(sent) == 2, sent
        assert all(ben_voice in str(r) for r in sent), sent
        assert [b.chosen_take.voice_id for b in blocks] == [narrator_voice, ben_voice, narrator_voice, ben_voice,
                                                             narrator_voice, narrator_voice]

        # A speaker set from the menu, the switch turned off: saved in the project, back on reopen.
        put_cursor(window, "The keeper")
        window.cast.speaker_menu.choose("ANNA")
        assert speakers(window) == ["ANNA", "BEN", "ANNA", "BEN", "ANNA", "BEN"]
        panel.prefix_box.click()  # "NAME:" is text now: the speakers it gave are the narrator again
        assert not window.cast.controller.cast.speaker_prefix
        assert speakers(window) == [None, None, "ANNA", None, None, None]
        panel.prefix_box.click()  # and back on: read again
        assert speakers(window) == ["ANNA", "BEN", "ANNA", "BEN", "ANNA", "BEN"]
        panel.prefix_box.click()
        path = tmp_path / "lighthouse.narration"
        with qtbot.waitSignal(window.project.saved, timeout=10000):
            window.project.save_as(str(path))
    saved = load_project(path)
    assert saved.the_cast.member("BEN").voice_id == ben_voice and not saved.the_cast.speaker_prefix

    reopened = make_window()
    with qtbot.waitSignal(reopened.project.title_changed, timeout=10000):
        reopened.open_project(str(path))
    qtbot.waitUntil(lambda: len(reopened.document.script.blocks) == 6, timeout=10000)
    assert speakers(reopened) == [None, None, "ANNA", None, None, None]
    assert reopened.cast.controller.cast.member("BEN").voice_id == ben_voice
    assert not reopened.cast.panel.prefix_box.isChecked()
    assert reopened.cast.panel.combo("BEN").currentData() == ben_voice
    assert not reopened.project.dirty
