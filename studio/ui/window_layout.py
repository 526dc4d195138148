"""The window's minimum size: what the panels need, so nothing overlaps or is cut off.

Qt computes a main window's minimum from its layout, which misses two things here:

* Wrapped text (the notice banner) needs more height the narrower the window is; the layout
  counts the banner at its widest. At the minimum width the panels below were squeezed under
  their own minimum, and their controls were cut.
* A side panel in a scroll area has a fixed minimum width, set before its lists were filled
  (the Quality choices, the model names), so their text was cut.

:class:`WindowMinimum` keeps the side panels as wide as their content needs and the window's
minimum size at the layout's minimum plus the banner's wrapped height at that width. It
follows every change of layout (a banner shown or hidden, a list refilled).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSize, Qt
from PySide6.QtWidgets import QMainWindow, QScrollArea, QWidget


def side_scroll(panel: QWidget) -> QScrollArea:
    """``panel`` in a frameless area that scrolls up and down when the window is short."""
    scroll = QScrollArea()
    scroll.setWidget(panel)
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QScrollArea.Shape.NoFrame)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to its controls, never to a blank frame
    return scroll


def content_width(scroll: QScrollArea) -> int:
    """The width a scroll area (scrolling only vertically) needs to show its content uncut."""
    content = scroll.widget()
    needed = content.minimumSizeHint().width() if content is not None else 0
    return needed + scroll.verticalScrollBar().sizeHint().width() + 2 * scroll.frameWidth()


class WindowMinimum(QObject):
    def __init__(self, window: QMainWindow, banner: QWidget, side_panels: list[QScrollArea]) -> None:
        super().__init__(window)
        self._window = window
        self._banner = banner
        self._side_panels = side_panels
        self._updating = False
        for scroll in side_panels:
            if scroll.widget() is not None:
                scroll.widget().installEventFilter(self)
        window.installEventFilter(self)
        banner.installEventFilter(self)
        self.update()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() in (QEvent.Type.LayoutRequest, QEvent.Type.Show, QEvent.Type.Hide):
            self.update()
        return False

    def update(self) -> None:
        if self._updating:  # setting a minimum below can post another layout request
            return
        self._updating = True
        try:
            for scroll in self._side_panels:
                width = content_width(scroll)
                if scroll.minimumWidth() != width:
                    scroll.setMinimumWidth(width)
            minimum = self.minimum_size()
            if self._window.minimumSize() != minimum:
                self._window.setMinimumSize(minimum)
        finally:
            self._updating = False

    def minimum_size(self) -> QSize:
        layout_minimum = self._window.layout().totalMinimumSize()
        banner = self._banner
        extra = 0
        if banner.isVisibleTo(self._window) and banner.hasHeightForWidth():
            # The banner spans the central widget, less its margins.
            central = self._window.centralWidget()
            margins = central.layout().contentsMargins() if central is not None and central.layout() else None
            width = layout_minimum.width() - (margins.left() + margins.right() if margins else 0)
            extra = max(0, banner.heightForWidth(width) - banner.minimumSizeHint().height())
        return QSize(layout_minimum.width(), layout_minimum.height() + extra)
