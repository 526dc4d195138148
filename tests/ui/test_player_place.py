"""Play starts where the person put it (issue 17, point 3), with real clicks on the real widgets.

A click on the time bar after playback ended, or while stopped, moves the play position; ▶
then plays from there — from the audio already made when the text is unchanged. The
highlight stays on the paused word while paused, and playing a selection keeps the word
highlight visible inside the selection colour.

The engine is the in-test tone engine (character i of a request sounds from i × 50 ms), so
"where playback is" can be checked against the text exactly; the sound goes through a real
QAudioSink on the null sink (tests/run.sh).
"""

from __future__ import annotations

from collections import Counter

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCursor

from studio.playback.pcm_player import PlayerState
from tests.integration.player.rig import Rig, make_rig, needs_audio, rigs  # noqa: F401 - rigs is a fixture
from tests.integration.player.tone_backend import ToneBackend

pytestmark = needs_audio

PARAGRAPHS = "A first paragraph here.\n\nThe quick brown fox jumps.\n\nAnd a last one."
FIRST, SECOND, THIRD = PARAGRAPHS.split("\n\n")
CHAR_S = 0.05


def _click_time_bar_at(qtbot, rig: Rig, seconds: float) -> None:  # type: ignore[no-untyped-def]
    bar = rig.transport.time_bar
    _position, _received, total = bar.times
    x = round(bar.width() * seconds / total)
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=QPoint(x, bar.height() // 2))


def _first_lit_after_play(qtbot, rig: Rig) -> int:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: rig.controller.player.state is PlayerState.PLAYING
                    and rig.controller.highlighted_index is not None, timeout=10000)
    index = rig.controller.highlighted_index
    assert index is not None
    return index


def test_after_playback_ended_a_click_on_the_time_bar_moves_where_play_starts(qtbot, tmp_path, rigs) -> None:
    rig = make_rig(qtbot, tmp_path, ToneBackend(realtime_factor=0.05), PARAGRAPHS)
    rigs.append(rig)
    with qtbot.waitSignal(rig.controller.player.finished, timeout=20000):
        qtbot.mouseClick(rig.transport.play_button, Qt.MouseButton.LeftButton)
    assert len(rig.backend.requests) == 3
    total = rig.controller.player.received_seconds()

    target = 1.52  # in the second paragraph, inside "quick" (the first paragraph lasts 1.15 s)
    _click_time_bar_at(qtbot, rig, target)
    assert abs(rig.controller.player.played_seconds() - target) < 0.02
    assert rig.transport.time_bar.times[0] == rig.controller.player.played_seconds()
    char_range, word_range = rig.controller.highlighter.current  # the word ▶ will start at is shown
    assert word_range is not None and PARAGRAPHS[word_range[0] : word_range[1]] == "quick"

    qtbot.mouseClick(rig.transport.play_button, Qt.MouseButton.LeftButton)
    index = _first_lit_after_play(qtbot, rig)
    expected = PARAGRAPHS.index(SECOND) + round((target - len(FIRST) * CHAR_S) / CHAR_S)
    assert abs(index - expected) <= 2, (index, expected)
    assert PARAGRAPHS[index - 2 : index + 3] in "The quick brown"
    assert len(rig.backend.requests) == 3, "the text is unchanged: the audio already made plays"
    assert rig.controller.player.received_seconds() == total
    rig.controller.stop()


def test_while_stopped_a_click_moves_the_position_and_play_goes_on_from_the_takes(qtbot, tmp_path, rigs) -> None:
    # The engine makes speech only a little faster than it plays: Stop comes while it streams.
    backend = ToneBackend(realtime_factor=0.6)
    rig = make_rig(qtbot, tmp_path, backend, PARAGRAPHS)
    rigs.append(rig)
    qtbot.mouseClick(rig.transport.play_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(rig.takes) >= 1 and len(backend.requests) == 2, timeout=10000)
    qtbot.mouseClick(rig.transport.stop_button, Qt.MouseButton.LeftButton)
    assert rig.controller.player.state is PlayerState.STOPPED
    assert rig.controller.player.played_seconds() == 0.0
    received = rig.controller.player.received_seconds()
    assert len(FIRST) * CHAR_S - 0.01 <= received < len(PARAGRAPHS) * CHAR_S  # the second paragraph was cut off

    target = 0.6  # in the first paragraph, inside "paragraph"
    _click_time_bar_at(qtbot, rig, target)
    assert abs(rig.controller.player.played_seconds() - target) < 0.02

    qtbot.mouseClick(rig.transport.play_button, Qt.MouseButton.LeftButton)
    index = _first_lit_after_play(qtbot, rig)
    assert abs(index - round(target / CHAR_S)) <= 2, index
    assert rig.controller.player.played_seconds() >= target - 0.02  # not from the start
    with qtbot.waitSignal(rig.controller.player.finished, timeout=20000):
        pass
    # The first paragraph came from its take; only the cut-off one and the rest were asked for.
    assert [r.text for r in backend.requests] == [FIRST, SECOND, SECOND, THIRD]


def test_paused_the_word_stays_lit(qtbot, tmp_path, rigs) -> None:
    rig = make_rig(qtbot, tmp_path, ToneBackend(realtime_factor=0.05), PARAGRAPHS)
    rigs.append(rig)
    qtbot.mouseClick(rig.transport.play_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: (rig.controller.highlighted_index or 0) >= PARAGRAPHS.index("brown"), timeout=10000)
    qtbot.mouseClick(rig.transport.play_button, Qt.MouseButton.LeftButton)  # ▶ is Pause while playing
    assert rig.controller.player.state is PlayerState.PAUSED
    lit = rig.controller.highlighter.current
    index = rig.controller.highlighted_index
    assert lit[0] is not None and lit[1] is not None
    qtbot.wait(400)
    assert rig.controller.highlighter.current == lit
    assert rig.controller.highlighted_index == index
    assert [s.cursor.selectedText() for s in rig.editor.extraSelections()][-2:] == [
        PARAGRAPHS[lit[1][0] : lit[1][1]], PARAGRAPHS[lit[0][0] : lit[0][1]]]
    rig.controller.stop()


def _background(rig: Rig, start: int, end: int) -> tuple[int, int, int]:
    """The commonest colour behind document range [start, end) on screen (the background)."""
    editor = rig.editor
    first, last = QTextCursor(editor.document()), QTextCursor(editor.document())
    first.setPosition(start)
    last.setPosition(end)
    a, b = editor.cursorRect(first), editor.cursorRect(last)
    image = editor.viewport().grab().toImage()
    colours: Counter[tuple[int, int, int]] = Counter()
    for x in range(a.left() + 1, b.left() - 1):
        for y in range(a.top() + 1, a.bottom() - 1):
            c = image.pixelColor(x, y)
            colours[(c.red(), c.green(), c.blue())] += 1
    return colours.most_common(1)[0][0]


def test_playing_a_selection_keeps_the_word_visible_inside_the_selection(qtbot, tmp_path, rigs) -> None:
    rig = make_rig(qtbot, tmp_path, ToneBackend(realtime_factor=0.05), PARAGRAPHS)
    rigs.append(rig)
    rig.editor.setFocus()
    start, end = PARAGRAPHS.index("The quick"), PARAGRAPHS.index("jumps") + len("jumps")
    cursor = rig.editor.textCursor()
    cursor.setPosition(start)
    cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
    rig.editor.setTextCursor(cursor)
    selected_only = _background(rig, PARAGRAPHS.index("fox"), PARAGRAPHS.index("fox") + 3)

    qtbot.mouseClick(rig.transport.selection_button, Qt.MouseButton.LeftButton)
    brown = PARAGRAPHS.index("brown")
    qtbot.waitUntil(lambda: (rig.controller.highlighted_index or 0) >= brown + 1, timeout=10000)
    qtbot.mouseClick(rig.transport.play_button, Qt.MouseButton.LeftButton)  # pause: a steady picture
    char_range, word_range = rig.controller.highlighter.current
    assert word_range == (brown, brown + len("brown")), word_range
    assert rig.editor.textCursor().selectionStart() == start and rig.editor.textCursor().selectionEnd() == end

    word = _background(rig, *word_range)
    assert word != selected_only, "the spoken word is hidden by the selection colour"
    assert _background(rig, PARAGRAPHS.index("fox"), PARAGRAPHS.index("fox") + 3) == selected_only  # still selected
    outside = PARAGRAPHS.index("first")
    assert _background(rig, outside, outside + 5) != selected_only  # and only the selection is
    rig.controller.stop()
    assert _background(rig, *word_range) == selected_only  # stopped: a plain selection again


def test_after_the_end_with_the_text_edited_play_starts_again_from_the_top(qtbot, tmp_path, rigs) -> None:
    rig = make_rig(qtbot, tmp_path, ToneBackend(realtime_factor=0.05), PARAGRAPHS)
    rigs.append(rig)
    with qtbot.waitSignal(rig.controller.player.finished, timeout=20000):
        qtbot.mouseClick(rig.transport.play_button, Qt.MouseButton.LeftButton)
    cursor = rig.editor.textCursor()
    cursor.setPosition(PARAGRAPHS.index("last"))
    rig.editor.setTextCursor(cursor)
    rig.editor.setFocus()
    qtbot.keyClicks(rig.editor, "very ")
    qtbot.mouseClick(rig.transport.play_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: rig.controller.player.state is PlayerState.PLAYING, timeout=5000)
    assert [b.index for b in rig.controller.session.blocks] == [0, 1, 2]
    with qtbot.waitSignal(rig.controller.player.finished, timeout=20000):
        pass
    assert [r.text for r in rig.backend.requests] == [FIRST, SECOND, THIRD, "And a very last one."]
