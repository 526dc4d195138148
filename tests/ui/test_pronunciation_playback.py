"""What you see is what you wrote (issue 12, point 4), and "Pronounce as…" while the script plays (point 5).

The real window on the real offline voice (Piper): a rule "Nguyen → win" is spoken as "win",
yet the highlight lights the script's own word "Nguyen" while that sound plays (judged against
the engine's own timing of the "win" it was sent, kept in the speech cache), and the exported
SRT (read back with ``srt``) shows "Nguyen". Real keys and a real right-click; the real
QAudioSink on the null sink (tests/run.sh).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import srt
from PySide6.QtCore import Qt, QTimer

from studio.core.pronunciation import AliasRule
from tests.integration.player.rig import needs_audio
from tests.ui.conftest import activate
from tests.ui.pronunciation_support import pronounce_as, spy_texts
from tests.ui.test_export_plan import close, export_from, wait_counted

pytestmark = needs_audio

CTRL = Qt.KeyboardModifier.ControlModifier
SCRIPT = "Please call Nguyen tomorrow morning."
#: The highlight follows the sink's clock in steps of its refresh timer; the sink reports in periods.
SLACK_S = 0.12


def highlighted_word(window: Any) -> str | None:
    _char, word = window.player.highlighter.current
    return None if word is None else window.script.editor.toPlainText()[word[0]:word[1]]


class Watch:
    """Samples (seconds heard at the sink, the highlighted word) every few milliseconds while it runs."""

    def __init__(self, window: Any) -> None:
        self.samples: list[tuple[float, str | None]] = []
        self._timer = QTimer()
        self._timer.setInterval(5)
        self._timer.timeout.connect(lambda: self.samples.append(
            (window.player.player.played_seconds(), highlighted_word(window))))
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def words(self) -> list[str]:
        order: list[str] = []
        for _t, word in self.samples:
            if word and (not order or order[-1] != word):
                order.append(word)
        return order


def test_the_script_s_word_lights_up_while_its_alias_is_heard_and_the_subtitles_show_it(
        qtbot: Any, offline_window: Any, tmp_path: Path) -> None:
    window = offline_window
    editor = window.script.editor
    editor.setPlainText(SCRIPT)
    wait_counted(qtbot, window)
    activate(qtbot, window)
    pronounce_as(qtbot, window, SCRIPT.index("Nguyen"), "win")
    assert window.pronunciation.dictionaries()[0].rules == (AliasRule("Nguyen", "win"),)
    sent = spy_texts(window)

    activate(qtbot, window)
    watch = Watch(window)
    try:
        with qtbot.waitSignal(window.player.player.finished, timeout=60000):
            qtbot.keyClick(editor, Qt.Key.Key_Return, CTRL)  # Play Script
    finally:
        watch.stop()
    assert sent == ["Please call win tomorrow morning."]  # the voice was given the alias ...
    assert watch.words() == ["Please", "call", "Nguyen", "tomorrow", "morning"]  # ... the script's words lit up

    # When "Nguyen" was lit, the sink was playing the engine's "win" (its own timing, from the cache).
    take = window.document.script.blocks[0].chosen_take
    speech = window._cache.get(take.parts[0].cache_key)
    alignment = speech.alignment or speech.normalized_alignment
    spoken = "".join(alignment.characters)
    at = spoken.index("win")
    start = alignment.character_start_times_seconds[at]
    end = alignment.character_end_times_seconds[at + 2]
    lit = [t for t, word in watch.samples if word == "Nguyen"]
    assert lit and start - SLACK_S <= min(lit) and max(lit) <= end + SLACK_S, (start, end, min(lit), max(lit))
    mid = (start + end) / 2  # and while the middle of "win" was heard, "Nguyen" alone was lit
    middle = [word for t, word in watch.samples if abs(t - mid) < 0.04]
    assert middle and set(middle) == {"Nguyen"}, (start, end, [(round(t, 3), w) for t, w in watch.samples if start - 0.3 < t < end + 0.3])

    # The subtitles of an export show (and time) the script's words too.
    close(qtbot, export_from(qtbot, window, tmp_path / "call.wav"))
    cues = list(srt.parse((tmp_path / "call.srt").read_text(encoding="utf-8")))
    text = " ".join(cue.content for cue in cues)
    assert "Nguyen" in text and "win" not in text.split()


def test_pronounce_as_works_from_the_context_menu_while_the_script_plays_and_does_not_stop_it(
        qtbot: Any, offline_window: Any) -> None:
    window = offline_window
    editor = window.script.editor
    script = ("Mr Nguyen opened the shop at nine, and the street was still quiet. "
              "A bus went by without stopping, and the gulls argued on the roof.")
    editor.setPlainText(script)
    activate(qtbot, window)
    stops: list[object] = []
    window.player.player.state_changed.connect(stops.append)
    said: list[str] = []
    window.pronunciation.status.connect(said.append)
    with qtbot.waitSignal(window.player.player.finished, timeout=90000):
        qtbot.keyClick(editor, Qt.Key.Key_Return, CTRL)
        qtbot.waitUntil(lambda: window.player.player.played_seconds() > 0.3, timeout=60000)
        heard = len(stops)
        pronounce_as(qtbot, window, script.index("Nguyen"), "win")
        assert window.pronunciation.controller.own.rules == (AliasRule("Nguyen", "win"),)
        assert window.player.is_active and len(stops) == heard  # the player was not stopped or paused
        assert window.player.player.played_seconds() > 0.3
    assert window.player.player.played_seconds() > 3.0  # it played on to the end
    assert said and "makes 1 paragraph again" in said[-1]
