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

compose_central lays out the window's panels; restore_layout and save_layout keep its
geometry and splitters between sessions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QEvent, QObject, QSettings, QSize, Qt
from PySide6.QtWidgets import QMainWindow, QScrollArea, QSplitter, QVBoxLayout, QWidget

if TYPE_CHECKING:
    from studio.ui.main_window import MainWindow


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


# == the window's central area ===================================================================
def compose_central(window: MainWindow) -> None:
    """Voice browser and details (left), script (centre), settings (right), banner above, the
    transport bar's slot below. Sets ``window.left``, ``window.splitter``, ``window.transport_slot``
    and ``window.window_minimum``."""
    window.left = QSplitter(Qt.Orientation.Vertical)
    window.left.setObjectName("leftSplitter")
    from studio.ui.library_panel import VoiceTabs

    window.voice_tabs = VoiceTabs(window.browser)  # "My voices" | "Library" (issue 14)
    window.left.addWidget(window.voice_tabs)
    details_scroll = side_scroll(window.details)  # a long description scrolls rather than being cut
    window.left.addWidget(details_scroll)
    window.left.setStretchFactor(0, 3)
    window.left.setStretchFactor(1, 1)
    window.left.setChildrenCollapsible(False)
    window.left.setSizes([460, 240])
    settings_scroll = side_scroll(window.settings_panel)
    window.splitter = QSplitter(Qt.Orientation.Horizontal)
    window.splitter.setObjectName("mainSplitter")
    window.splitter.addWidget(window.left)
    window.splitter.addWidget(window.script)
    window.splitter.addWidget(settings_scroll)
    window.splitter.setStretchFactor(0, 2)
    window.splitter.setStretchFactor(1, 4)
    window.splitter.setStretchFactor(2, 2)
    window.splitter.setChildrenCollapsible(False)
    window.splitter.setSizes([300, 560, 300])

    central = QWidget()
    window._central_layout = QVBoxLayout(central)
    window._central_layout.setContentsMargins(4, 4, 4, 0)
    window._central_layout.addWidget(window.banner)
    window._central_layout.addWidget(window.splitter, 1)
    window.transport_slot = QWidget()
    window.transport_slot.setObjectName("transportSlot")
    QVBoxLayout(window.transport_slot).setContentsMargins(0, 0, 0, 0)
    window._central_layout.addWidget(window.transport_slot)
    window.setCentralWidget(central)
    # The window's minimum: side panels as wide as their lists' text, room for a wrapped banner.
    window.window_minimum = WindowMinimum(window, window.banner, [settings_scroll, details_scroll])


def restore_layout(window: MainWindow, state: QSettings) -> None:
    """The window's geometry and splitters as the narrator left them (first run: a default size)."""
    geometry = state.value("window/geometry")
    if isinstance(geometry, QByteArray) and not geometry.isEmpty():
        window.restoreGeometry(geometry)
    else:
        window.resize(1280, 800)
    for splitter, key in ((window.splitter, "window/mainSplitter"), (window.left, "window/leftSplitter")):
        value = state.value(key)
        if isinstance(value, QByteArray) and not value.isEmpty():
            splitter.restoreState(value)
    docks = state.value("window/state")  # the docks (History, Cast; by object name): shown or not, and where
    if isinstance(docks, QByteArray) and not docks.isEmpty():
        window.restoreState(docks)


def save_layout(window: MainWindow, state: QSettings) -> None:
    state.setValue("window/geometry", window.saveGeometry())
    state.setValue("window/mainSplitter", window.splitter.saveState())
    state.setValue("window/leftSplitter", window.left.saveState())
    state.setValue("window/state", window.saveState())
    state.sync()
