"""Space and F5 play and pause, without ever typing into the script by surprise.

After Ctrl+Enter the cursor is still in the script, so a plain text editor would take Space
as a space (saved into the project) while the narrator meant "pause". The rules:

* While the script is being heard (playing or paused), Space in the script pauses and
  resumes; the script is not changed. Stopped, Space types a space as usual.
* Elsewhere, Space plays and pauses, except where it has a meaning of its own: a focused
  button is pressed, a list of choices opens, a text field gets its space.
* F5 (the Play/Pause menu item) always plays and pauses, wherever the focus is.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QAbstractButton, QApplication, QComboBox, QPlainTextEdit, QWidget

#: The dedicated play/pause key (Ctrl+Space is taken by input methods on many desktops).
PLAY_PAUSE_KEY = QKeySequence(Qt.Key.Key_F5)


class PlaybackKeys(QObject):
    def __init__(self, window: QWidget, editor: QPlainTextEdit, is_active: Callable[[], bool],
                 toggle: Callable[[], None]) -> None:
        super().__init__(window)
        self._window = window
        self._editor = editor
        self._is_active = is_active
        self._toggle = toggle
        # Not in a menu (the menu shows F5), but listed in the shortcut help like every action.
        self.space_action = QAction("Play/pause (when not typing; in the script while listening)", window)
        self.space_action.setShortcut(QKeySequence(Qt.Key.Key_Space))
        self.space_action.triggered.connect(lambda _checked=False: self.space_pressed())
        window.addAction(self.space_action)
        editor.installEventFilter(self)

    def space_pressed(self) -> None:
        """Space outside the text fields (they claim printable keys via ShortcutOverride)."""
        focus = QApplication.focusWidget()
        if isinstance(focus, QAbstractButton) and self._window.isAncestorOf(focus):
            focus.animateClick()  # Space still presses a focused button
        elif isinstance(focus, QComboBox) and self._window.isAncestorOf(focus):
            focus.showPopup()
        else:
            self._toggle()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if (
            watched is self._editor
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Space
            and not (event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier)
            and self._is_active()
        ):
            if not event.isAutoRepeat():  # holding Space must not flicker between play and pause
                self._toggle()
            return True  # the script is not changed
        return False
