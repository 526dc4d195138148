"""The one widget that shows a problem (or a notice) where it happened.

Every panel owns an :class:`InlineMessage`; errors from any call are shown in it as
``str(StudioError)`` — the cause and the remedy in plain words — never a transport code or a
traceback. An optional action button ("Retry", "Restore", "Connect account…") runs a callback.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QStyle, QToolButton, QWidget

from studio.errors import StudioError


class Tone(Enum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


def describe_error(error: BaseException) -> str:
    """Words for a person. A StudioError already has them; anything else gets a generic line."""
    if isinstance(error, StudioError):
        return str(error)
    return (
        "Something unexpected went wrong. Try again; if it keeps happening, "
        "restart Narration Studio."
    )


class InlineMessage(QFrame):
    """A dismissable strip with a message and up to two actions. Hidden until used."""

    dismissed = Signal()

    def __init__(self, parent: QWidget | None = None, *, closable: bool = True) -> None:
        super().__init__(parent)
        self.setObjectName("inlineMessage")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName("Message")
        self._actions: list[Callable[[], None] | None] = [None, None]

        self._icon = QLabel(self)
        self._icon.setAccessibleName("Message icon")
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.label.setAccessibleName("Message text")
        self.action_button = QPushButton(self)
        self.action_button.setAccessibleName("Message action")
        self.action_button.clicked.connect(lambda: self._run(0))
        self.second_button = QPushButton(self)
        self.second_button.setAccessibleName("Second message action")
        self.second_button.clicked.connect(lambda: self._run(1))
        self.close_button = QToolButton(self)
        self.close_button.setText("✕")
        self.close_button.setAutoRaise(True)
        self.close_button.setAccessibleName("Dismiss message")
        self.close_button.setToolTip("Dismiss")
        self.close_button.clicked.connect(self.dismiss)
        self.close_button.setVisible(closable)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 6, 6, 6)
        layout.addWidget(self._icon, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.action_button, 0, Qt.AlignmentFlag.AlignVCenter)
        layout.addWidget(self.second_button, 0, Qt.AlignmentFlag.AlignVCenter)
        layout.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        self.tone = Tone.INFO
        self.hide()

    # -- showing ------------------------------------------------------------------------
    def show_message(
        self,
        text: str,
        tone: Tone = Tone.INFO,
        *,
        action: tuple[str, Callable[[], None]] | None = None,
        second_action: tuple[str, Callable[[], None]] | None = None,
    ) -> None:
        self.tone = tone
        self.label.setText(text)
        self.setAccessibleDescription(text)
        # Colours come from the theme's stylesheet (QFrame#inlineMessage[severity=...]).
        self.setProperty("severity", tone.value)
        self.style().unpolish(self)
        self.style().polish(self)
        icon = {
            Tone.INFO: QStyle.StandardPixmap.SP_MessageBoxInformation,
            Tone.WARNING: QStyle.StandardPixmap.SP_MessageBoxWarning,
            Tone.ERROR: QStyle.StandardPixmap.SP_MessageBoxCritical,
        }[tone]
        size = self.fontMetrics().height()
        self._icon.setPixmap(self.style().standardIcon(icon).pixmap(size, size))
        for index, (button, spec) in enumerate(((self.action_button, action), (self.second_button, second_action))):
            if spec is None:
                button.hide()
                self._actions[index] = None
            else:
                button.setText(spec[0])
                button.setAccessibleName(spec[0].rstrip("…"))
                self._actions[index] = spec[1]
                button.show()
        self.show()

    def show_error(self, error: BaseException, retry: Callable[[], None] | None = None) -> None:
        """Show ``error`` in a narrator's words, with a Retry button when it may help."""
        action = ("Retry", retry) if retry is not None else None
        self.show_message(describe_error(error), Tone.ERROR, action=action)

    def dismiss(self) -> None:
        self.hide()
        self.dismissed.emit()

    @property
    def text(self) -> str:
        return self.label.text()

    def _run(self, index: int) -> None:
        callback = self._actions[index]
        self.hide()
        if callback is not None:
            callback()
