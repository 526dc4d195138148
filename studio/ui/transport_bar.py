"""The transport: play/pause, stop, a time bar that fills as audio arrives, volume.

A view only (DESIGN.md §7): it lays out widgets and reports what the person did through
signals; :class:`~studio.ui.player_controller.PlayerController` decides what happens.
Icons are the SVGs shipped in resources/icons, tinted for the palette (DejaVu has no
media glyphs, and standard style icons differ between desktops).
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent, QMouseEvent, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QSlider, QToolButton, QWidget

from studio.ui.icons import icon

#: Seconds the arrow keys move the time bar (Page Up/Down: four times as far).
KEY_STEP_SECONDS = 5.0


def format_time(seconds: float) -> str:
    seconds = max(0, int(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class TimeBar(QWidget):
    """Shows the whole expected length, the part received, and the position; click to seek."""

    #: Seconds the person clicked or dragged to (only within what was received).
    seek_requested = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumSize(120, 20)  # never squeezed away; room for the focus ring around the handle
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName("Playback position")
        # Also while stopped or after the end: ▶ then plays from the place chosen.
        self.setToolTip("Click, or use the arrow keys, to move within the audio received so far; "
                        "▶ plays from there")
        self._position = 0.0
        self._received = 0.0
        self._total = 0.0
        self._dragging = False

    def sizeHint(self) -> QSize:
        return QSize(300, 20)

    def set_times(self, position: float, received: float, total: float) -> None:
        total = max(total, received, 0.0)
        if self._dragging:
            position = self._position  # the person is choosing a place: do not pull the handle away
        values = (position, received, total)
        if values != (self._position, self._received, self._total):
            self._position, self._received, self._total = values
            self.update()

    @property
    def times(self) -> tuple[float, float, float]:
        return self._position, self._received, self._total

    def _x_for(self, seconds: float) -> float:
        if self._total <= 0:
            return 0.0
        return self.width() * min(1.0, seconds / self._total)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        track = QRectF(0, self.height() / 2 - 3, self.width(), 6)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(palette.color(QPalette.ColorRole.Mid))
        painter.drawRoundedRect(track, 3, 3)
        received = QColor(palette.color(QPalette.ColorRole.Highlight))
        received.setAlpha(90)
        painter.setBrush(received)
        painter.drawRoundedRect(QRectF(track.left(), track.top(), self._x_for(self._received), track.height()), 3, 3)
        painter.setBrush(palette.color(QPalette.ColorRole.Highlight))
        played_x = self._x_for(self._position)
        painter.drawRoundedRect(QRectF(track.left(), track.top(), played_x, track.height()), 3, 3)
        painter.setBrush(palette.color(QPalette.ColorRole.Text))
        handle = QPointF(max(5.0, min(played_x, self.width() - 5.0)), self.height() / 2)
        painter.drawEllipse(handle, 5, 5)
        if self.hasFocus():  # a Tab stop must show that it has the keyboard
            painter.setPen(QPen(palette.color(QPalette.ColorRole.Highlight), 2))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawEllipse(handle, 8, 8)
        painter.end()

    def _seconds_at(self, event: QMouseEvent) -> float | None:
        if self._total <= 0 or self.width() <= 0:
            return None
        seconds = self._total * max(0.0, min(1.0, event.position().x() / self.width()))
        return min(seconds, self._received)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        steps = {
            Qt.Key.Key_Left: -KEY_STEP_SECONDS, Qt.Key.Key_Right: KEY_STEP_SECONDS,
            Qt.Key.Key_PageDown: -4 * KEY_STEP_SECONDS, Qt.Key.Key_PageUp: 4 * KEY_STEP_SECONDS,
        }
        if event.key() in steps:
            target = self._position + steps[event.key()]
        elif event.key() == Qt.Key.Key_Home:
            target = 0.0
        elif event.key() == Qt.Key.Key_End:
            target = self._received
        else:
            super().keyPressEvent(event)
            return
        if self._received > 0:
            self.seek_requested.emit(max(0.0, min(target, self._received)))
        event.accept()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._dragging = True
            self.mouseMoveEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        # While dragging only the handle moves; the audio jumps once, on release.
        if self._dragging:
            seconds = self._seconds_at(event)
            if seconds is not None:
                self._position = seconds
                self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._dragging and event.button() == Qt.MouseButton.LeftButton:
            self._dragging = False
            seconds = self._seconds_at(event)
            if seconds is not None:
                self.seek_requested.emit(seconds)


class StatusText(QLabel):
    """One line of fixed width: a longer status ends in "…" instead of pushing the time bar
    aside (the whole text is in the tooltip)."""

    #: Room for an everyday status ("Playing — Offline voice", "Paused").
    WIDTH_CHARS = 24

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFixedWidth(self.fontMetrics().averageCharWidth() * self.WIDTH_CHARS)

    def sizeHint(self) -> QSize:
        return QSize(self.width(), super().sizeHint().height())

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        rect = self.contentsRect()
        text = self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, rect.width())
        self.style().drawItemText(painter, rect, int(self.alignment()), self.palette(), self.isEnabled(), text,
                                  self.foregroundRole())
        painter.end()


class TransportBar(QWidget):
    play_pause_clicked = Signal()
    play_selection_clicked = Signal()
    play_from_cursor_clicked = Signal()
    stop_clicked = Signal()
    seek_requested = Signal(float)
    #: Linear volume 0..1.
    volume_changed = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._play_icon = icon("play")
        self._pause_icon = icon("pause")

        self.play_button = QToolButton(self)
        self.play_button.setIcon(self._play_icon)
        self.play_button.setToolTip("Play (Ctrl+Enter) / Pause (Space)")
        self.play_button.setAccessibleName("Play")
        self.play_button.clicked.connect(self.play_pause_clicked)

        self.selection_button = QToolButton(self)
        self.selection_button.setIcon(icon("play-selection"))
        # The paragraph is the unit of listening (and of takes): a selection plays whole paragraphs.
        self.selection_button.setToolTip("Play the paragraphs the selection touches (Ctrl+Shift+Enter)")
        self.selection_button.setAccessibleName("Play the selected paragraphs")
        self.selection_button.clicked.connect(self.play_selection_clicked)

        self.cursor_button = QToolButton(self)
        self.cursor_button.setIcon(icon("play-from-cursor"))
        self.cursor_button.setToolTip("Play from the paragraph at the cursor (Ctrl+Alt+Enter)")
        self.cursor_button.setAccessibleName("Play from the cursor's paragraph")
        self.cursor_button.clicked.connect(self.play_from_cursor_clicked)

        self.stop_button = QToolButton(self)
        self.stop_button.setIcon(icon("stop"))
        self.stop_button.setToolTip("Stop")
        self.stop_button.setAccessibleName("Stop")
        self.stop_button.setEnabled(False)
        self.stop_button.clicked.connect(self.stop_clicked)

        self.time_bar = TimeBar(self)
        self.time_bar.seek_requested.connect(self.seek_requested)

        self.time_label = QLabel(self)
        self.time_label.setAccessibleName("Position and duration")
        # Wide enough for the longest time it shows ("~" while the length is an estimate), so a
        # changing time never moves the time bar.
        self.time_label.setMinimumWidth(self.time_label.fontMetrics().horizontalAdvance("0:00:00 / ~0:00:00"))

        volume_icon = QLabel(self)
        volume_icon.setPixmap(icon("volume").pixmap(16, 16))
        self.volume_slider = QSlider(Qt.Orientation.Horizontal, self)
        self.volume_slider.setRange(0, 100)
        self.volume_slider.setValue(100)
        self.volume_slider.setFixedWidth(90)
        self.volume_slider.setToolTip("Volume")
        self.volume_slider.setAccessibleName("Volume")
        self.volume_slider.valueChanged.connect(lambda value: self.volume_changed.emit(value / 100.0))

        self.status_label = StatusText(self)
        self.status_label.setAccessibleName("Playback status")

        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 2, 6, 2)
        layout.addWidget(self.play_button)
        layout.addWidget(self.selection_button)
        layout.addWidget(self.cursor_button)
        layout.addWidget(self.stop_button)
        layout.addWidget(self.time_bar, 1)
        layout.addWidget(self.time_label)
        layout.addWidget(volume_icon)
        layout.addWidget(self.volume_slider)
        layout.addWidget(self.status_label)
        self.set_times(0.0, 0.0, 0.0, complete=True)

    def set_playing(self, playing: bool, active: bool) -> None:
        """``playing``: the button offers Pause; ``active``: there is something to stop."""
        self.play_button.setIcon(self._pause_icon if playing else self._play_icon)
        self.play_button.setAccessibleName("Pause" if playing else "Play")
        self.stop_button.setEnabled(active)

    def set_times(self, position: float, received: float, total: float, *, complete: bool) -> None:
        self.time_bar.set_times(position, received, total)
        shown_total = format_time(received if complete else max(total, received))
        prefix = "" if complete else "~"
        text = f"{format_time(position)} / {prefix}{shown_total}"
        if self.time_label.text() != text:
            self.time_label.setText(text)

    def set_status(self, text: str) -> None:
        self.status_label.setText(text)
        self.status_label.setToolTip(text)

    def set_volume(self, volume: float) -> None:
        self.volume_slider.setValue(round(volume * 100))
