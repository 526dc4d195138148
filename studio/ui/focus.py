"""Focus comes back to where it was after a menu or a dialog closes.

Two gaps in what Qt does by itself, both of which left typing and shortcuts (Ctrl+E) dead:

* A menu closed with Esc leaves the keyboard focus on the menu bar (Qt's "keyboard mode"),
  so the next letters go to the menu bar, not the script.
* When a dialog of this window closes, nothing is active until the window system
  reactivates the window (some never do, offscreen included).

The keeper remembers the last widget in the window that had the focus (the script unless
the person moved elsewhere) and gives the focus back to it in both cases. A window that
loses the focus to another application is left alone: only a closed dialog or menu counts.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QWindow
from PySide6.QtWidgets import QApplication, QMainWindow, QMenu, QMenuBar, QWidget
from shiboken6 import isValid


class FocusKeeper(QObject):
    def __init__(self, window: QMainWindow, home: QWidget) -> None:
        super().__init__(window)
        self._window = window
        self._home = home
        self._last: QWidget = home
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        app.focusChanged.connect(self._on_focus_changed)
        app.focusWindowChanged.connect(self._on_focus_window_changed)
        for menu in window.findChildren(QMenu):
            menu.aboutToHide.connect(lambda: QTimer.singleShot(0, self, self._after_menu))

    @property
    def last_focus(self) -> QWidget:
        """The widget the focus goes back to."""
        last = self._last
        if isValid(last) and last.isVisible() and last.isEnabled() and last.window() is self._window:
            return last
        return self._home

    def restore(self) -> None:
        window = self._window
        if not isValid(window) or not window.isVisible() or window.isMinimized():
            return
        if QApplication.activePopupWidget() is not None or QApplication.activeModalWidget() is not None:
            return  # another menu or dialog took over in the meantime
        if QApplication.activeWindow() is not window:
            window.activateWindow()
        self.last_focus.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- reactions -----------------------------------------------------------------------------
    def _on_focus_changed(self, old: QWidget | None, new: QWidget | None) -> None:
        if not isValid(self._window):
            return
        if new is not None:
            if new.window() is self._window and not isinstance(new, (QMenuBar, QMenu)):
                self._last = new
        elif old is not None and isValid(old):
            # The focus left with a window that is gone: one of our dialogs closed (platforms
            # that report no focus window change, offscreen included, end up here).
            dialog = old.window()
            if dialog is not self._window and self._owns(dialog):
                QTimer.singleShot(0, self, lambda: self._after_dialog(dialog))

    def _after_dialog(self, dialog: QWidget) -> None:
        # Checked once the event that took the focus is over: hidden by now, or still open
        # (the person switched to another application: not ours to change).
        if QApplication.focusWidget() is None and not (isValid(dialog) and dialog.isVisible()):
            self.restore()

    def _after_menu(self) -> None:
        # Moving from one menu to the next closes one first: only act once no menu is open.
        if QApplication.activePopupWidget() is None and isinstance(QApplication.focusWidget(), QMenuBar):
            self.restore()

    def _on_focus_window_changed(self, focus_window: QWindow | None) -> None:
        # A menu closed before its window was activated gets the activation late, when it is
        # already hidden: then nothing visible has the keyboard.
        if (
            focus_window is not None and isValid(self._window) and focus_window is not self._window.windowHandle()
            and not focus_window.isVisible() and self._belongs_here(focus_window)
        ):
            QTimer.singleShot(0, self, self.restore)

    def _owns(self, widget: QWidget) -> bool:
        # QWidget.isAncestorOf stops at window borders; a dialog's parent is this window.
        parent = widget.parentWidget()
        while parent is not None:
            if parent is self._window:
                return True
            parent = parent.parentWidget()
        return False

    def _belongs_here(self, window: QWindow) -> bool:
        ours = self._window.windowHandle()
        parent = window.transientParent()
        while parent is not None:
            if parent is ours:
                return True
            parent = parent.transientParent()
        return False

