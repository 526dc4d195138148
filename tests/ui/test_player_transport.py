"""The transport bar as a widget: what it shows and what it reports (no sound needed)."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt

from studio.ui.transport_bar import TransportBar, format_time


def test_format_time() -> None:
    assert format_time(0) == "0:00"
    assert format_time(65.4) == "1:05"
    assert format_time(3725) == "1:02:05"


def test_shows_position_received_and_estimated_total(qtbot) -> None:
    bar = TransportBar()
    qtbot.addWidget(bar)
    bar.set_times(3.0, 10.0, 42.0, complete=False)
    assert bar.time_label.text() == "0:03 / ~0:42"
    assert bar.time_bar.times == (3.0, 10.0, 42.0)
    bar.set_times(3.0, 40.0, 40.0, complete=True)
    assert bar.time_label.text() == "0:03 / 0:40"


def test_buttons_use_shipped_icons_and_report_clicks(qtbot) -> None:
    bar = TransportBar()
    qtbot.addWidget(bar)
    assert not bar.play_button.icon().isNull() and not bar.stop_button.icon().isNull()
    with qtbot.waitSignal(bar.play_pause_clicked, timeout=1000):
        qtbot.mouseClick(bar.play_button, Qt.MouseButton.LeftButton)
    bar.set_playing(True, active=True)
    assert bar.play_button.accessibleName() == "Pause" and bar.stop_button.isEnabled()
    with qtbot.waitSignal(bar.stop_clicked, timeout=1000):
        qtbot.mouseClick(bar.stop_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(bar.volume_changed, timeout=1000) as blocker:
        bar.volume_slider.setValue(25)
    assert blocker.args == [0.25]


def test_clicking_the_time_bar_seeks_only_within_what_arrived(qtbot) -> None:
    bar = TransportBar()
    qtbot.addWidget(bar)
    bar.resize(600, 30)
    bar.show()
    bar.set_times(0.0, 10.0, 40.0, complete=False)
    time_bar = bar.time_bar
    with qtbot.waitSignal(bar.seek_requested, timeout=1000) as blocker:
        qtbot.mouseClick(time_bar, Qt.MouseButton.LeftButton, pos=QPoint(time_bar.width() // 8, 5))
    assert abs(blocker.args[0] - 5.0) < 0.5  # an eighth of 40 s
    with qtbot.waitSignal(bar.seek_requested, timeout=1000) as blocker:
        qtbot.mouseClick(time_bar, Qt.MouseButton.LeftButton, pos=QPoint(time_bar.width() - 2, 5))
    assert blocker.args[0] == 10.0  # not past the audio received


def test_time_bar_moves_with_the_keyboard_within_what_was_received(qtbot) -> None:
    bar = TransportBar()
    qtbot.addWidget(bar)
    bar.set_times(10.0, 30.0, 60.0, complete=False)
    seeks: list[float] = []
    bar.seek_requested.connect(seeks.append)
    time_bar = bar.time_bar
    assert time_bar.focusPolicy() & Qt.FocusPolicy.TabFocus
    for key in (Qt.Key.Key_Right, Qt.Key.Key_Left, Qt.Key.Key_PageUp, Qt.Key.Key_End, Qt.Key.Key_Home):
        qtbot.keyClick(time_bar, key)
    # 10 + 5, 10 - 5, 10 + 20, the end of what arrived (30, not the 60 expected), the start.
    assert seeks == [15.0, 5.0, 30.0, 30.0, 0.0]


def test_play_selection_and_from_cursor_buttons_report_clicks(qtbot) -> None:
    bar = TransportBar()
    qtbot.addWidget(bar)
    assert not bar.selection_button.icon().isNull() and not bar.cursor_button.icon().isNull()
    with qtbot.waitSignal(bar.play_selection_clicked, timeout=1000):
        qtbot.mouseClick(bar.selection_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(bar.play_from_cursor_clicked, timeout=1000):
        qtbot.mouseClick(bar.cursor_button, Qt.MouseButton.LeftButton)
    assert bar.selection_button.accessibleName() and bar.cursor_button.accessibleName()
