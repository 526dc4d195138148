"""The window holds together (issue 17, point 6): a minimum size at which nothing overlaps or
is cut, a time bar that stays put, File ▸ New without the last take's time, and start-up
words that say what is really happening.

Overlap is measured on the panels' geometries mapped to the window; a cut control is one
smaller than it asks to be (its size hint for text that does not wrap, its height for its
width for text that does).
"""

from __future__ import annotations

from itertools import combinations
from typing import Any

from PySide6.QtCore import QPoint, QRect, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QScrollBar,
    QWidget,
)

from studio.playback.pcm_player import PlayerState
from tests.integration.player.rig import needs_audio
from tests.ui.conftest import activate, wait_for_engine

CTRL = Qt.KeyboardModifier.ControlModifier


def _in_window(widget: QWidget, window: QWidget) -> QRect:
    return QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())


def overlaps(window: Any) -> list[str]:
    panels = {
        "menu bar": window.menuBar(), "banner": window.banner, "voices": window.browser,
        "voice details": window.left.widget(1), "script": window.script, "settings": window.splitter.widget(2),
        "transport": window.transport, "status bar": window.statusBar(),
    }
    shown = {name: _in_window(w, window) for name, w in panels.items() if w.isVisible()}
    found = [f"{a} overlaps {b}" for (a, ra), (b, rb) in combinations(shown.items(), 2) if ra.intersects(rb)]
    found += [f"{name} sticks out of the window" for name, r in shown.items() if not window.rect().contains(r)]
    return found


def cut_controls(window: Any) -> list[str]:
    found = []
    for w in window.findChildren(QWidget):
        if not w.isVisible() or w.window() is not window or isinstance(w, QScrollBar):
            continue
        if isinstance(w.parentWidget(), (QComboBox, QAbstractSpinBox)):
            continue  # the inner parts of a control are sized by the control
        if isinstance(w, QLabel) and w.wordWrap():
            needed = (w.minimumSizeHint().width(), w.heightForWidth(w.width()))
        elif isinstance(w, (QLabel, QComboBox, QAbstractButton)):
            needed = (w.sizeHint().width(), w.minimumSizeHint().height())  # the whole text shows
        elif isinstance(w, (QLineEdit, QAbstractSpinBox)):
            needed = (w.minimumSizeHint().width(), w.minimumSizeHint().height())
        else:
            continue
        if w.width() < needed[0] or w.height() < needed[1]:
            name = w.accessibleName() or w.objectName() or getattr(w, "text", lambda: "")()[:30]
            found.append(f"{type(w).__name__} {name!r}: {w.width()}×{w.height()} < {needed[0]}×{needed[1]}")
    return found


def settle(qtbot: Any) -> None:
    for _ in range(3):
        QApplication.processEvents()
        qtbot.wait(20)


def test_nothing_overlaps_or_is_cut_at_the_minimum_size(qtbot: Any, offline_window: Any) -> None:
    window = offline_window
    assert window.banner.isVisible()  # the no-keyring notice: three lines when narrow
    window.resize(1, 1)  # smaller than the studio can be: it stops at its minimum
    settle(qtbot)
    minimum = window.minimumSize()
    assert window.size() == minimum
    # Small enough for a 1366×768 laptop, and for 1920×1080 at 200 % (960×540 logical).
    assert minimum.width() <= 960 and minimum.height() <= 540, minimum
    assert overlaps(window) == []
    assert cut_controls(window) == []

    for size in ((640, 480), (900, 600)):  # the voice list overlapped the script; the Quality list was cut
        window.resize(*size)
        settle(qtbot)
        assert overlaps(window) == [], size
        assert cut_controls(window) == [], size

    # The banner gone, the window may get smaller still, and still nothing is cut.
    qtbot.mouseClick(window.banner.close_button, Qt.MouseButton.LeftButton)
    settle(qtbot)
    window.resize(1, 1)
    settle(qtbot)
    assert window.size() == window.minimumSize()
    assert window.minimumSize().height() < minimum.height()
    assert overlaps(window) == [] and cut_controls(window) == []


@needs_audio
def test_the_time_bar_stays_put_and_file_new_clears_the_last_take(qtbot: Any, offline_window: Any) -> None:
    window = offline_window
    transport = window.transport
    editor = window.script.editor
    editor.setPlainText("The keeper lit the lamp.")
    activate(qtbot, window)
    settle(qtbot)
    where = transport.time_bar.geometry()
    statuses: list[str] = []
    geometries: set[tuple[int, int, int, int]] = set()

    def record(text: str) -> None:
        settle(qtbot)
        statuses.append(text)
        geometries.add(transport.time_bar.geometry().getRect())

    window.player.status.connect(lambda text: QTimer.singleShot(0, lambda: record(text)))
    with qtbot.waitSignal(window.player.player.finished, timeout=60000):
        qtbot.keyClick(editor, Qt.Key.Key_Return, CTRL)
    settle(qtbot)
    assert len(set(statuses)) >= 3, statuses  # generating, playing, finished
    assert geometries == {where.getRect()}, "the status text moved the time bar"
    assert transport.time_label.text() != "0:00 / 0:00"
    assert transport.time_bar.times[1] > 0

    # File ▸ New (answering Discard to "Save the changes?") starts from an empty time bar.
    def discard() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            box.button(QMessageBox.StandardButton.Discard).click()
        else:
            QTimer.singleShot(20, discard)

    QTimer.singleShot(0, discard)
    qtbot.keyClick(editor, Qt.Key.Key_N, CTRL)
    qtbot.waitUntil(lambda: editor.toPlainText() == "", timeout=5000)
    assert transport.time_label.text() == "0:00 / 0:00"
    assert transport.time_bar.times == (0.0, 0.0, 0.0)
    activate(qtbot, window)
    qtbot.keyClicks(editor, "A new story")  # editing the new script brings nothing back
    settle(qtbot)
    assert transport.time_label.text() == "0:00 / 0:00"
    assert window.player.player.state is PlayerState.STOPPED


def test_starting_without_a_key_never_says_connecting_and_the_banner_is_plain(qtbot: Any, make_window: Any) -> None:
    window = make_window()  # first start: ElevenLabs asked for, no key anywhere (null keyring)
    messages: list[str] = []
    window.status.messageChanged.connect(lambda text: messages.append(text) if text else None)
    window.start_engine()
    wait_for_engine(qtbot, window, "offline", timeout=60000)
    assert "Loading the offline voice…" in messages
    assert not [m for m in messages if "ElevenLabs" in m], messages
    text = window.banner.text
    assert "could not find a place to keep your key safely" in text
    assert "password store" not in text
