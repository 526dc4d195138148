"""The script editor view: plain text, a find bar, zoom, and the live counter line."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QFontDatabase, QKeySequence, QShortcut, QTextCursor, QTextDocument
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from studio.ui.inline_message import InlineMessage
from studio.ui.script_text_edit import ScriptTextEdit

MIN_ZOOM, MAX_ZOOM = -8, 24
#: Matches counted for "2 of 5"; beyond this the bar says "2 of 10,000+" (a book's "the").
MAX_COUNTED = 10_000


class FindBar(QWidget):
    """Find in the script: Enter / F3 for next, Shift+Enter / Shift+F3 for previous, Esc closes."""

    closed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = QLineEdit()
        self.field.setPlaceholderText("Find in script")
        self.field.setAccessibleName("Find in script")
        self.field.setClearButtonEnabled(True)
        self.previous = QToolButton()
        self.previous.setText("▲")
        self.previous.setAccessibleName("Find previous")
        self.previous.setToolTip("Find previous (Shift+F3)")
        self.next = QToolButton()
        self.next.setText("▼")
        self.next.setAccessibleName("Find next")
        self.next.setToolTip("Find next (F3)")
        self.match_case = QCheckBox("Match case")
        self.match_case.setAccessibleName("Match case")
        self.status = QLabel("")
        self.status.setAccessibleName("Find result")
        self.close_button = QToolButton()
        self.close_button.setText("✕")
        self.close_button.setAccessibleName("Close find bar")
        self.close_button.setToolTip("Close (Esc)")
        self.close_button.clicked.connect(self.close_bar)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.field, self.previous, self.next, self.match_case, self.status, self.close_button):
            layout.addWidget(widget, 1 if widget is self.field else 0)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.close_bar, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.hide()

    def close_bar(self) -> None:
        self.hide()
        self.closed.emit()


class ScriptEditor(QWidget):
    zoom_changed = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("scriptEditor")
        # Says what each edit will do before doing it (a locked paragraph asks first), and has
        # room on the left for the takes gutter (studio.ui.takes_view).
        self.editor = ScriptTextEdit()
        self.editor.setObjectName("scriptText")
        self.editor.setAccessibleName("Script")
        self.editor.setPlaceholderText(
            "Write or paste your script here.\n\nPick a voice on the left, tune it on the right, "
            "then press Ctrl+Enter to listen."
        )
        self.editor.setTabChangesFocus(True)  # keyboard users can leave the editor with Tab
        self.editor.document().setDocumentMargin(10)
        # Qt records the margin as an undo step: Undo would look available (and do nothing
        # visible) before the first keystroke, and its availability would never change.
        self.editor.document().clearUndoRedoStacks()
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont)
        font.setPointSizeF(max(font.pointSizeF(), 10.0) * 1.15)
        self.editor.setFont(font)
        self._base_point_size = font.pointSizeF()
        self.zoom = 0

        self.find_bar = FindBar(self)
        self.counter = QLabel("0 characters")
        self.counter.setObjectName("counter")
        self.counter.setAccessibleName("Character count")
        self.message = InlineMessage(self)

        self.zoom_label = QLabel("")
        self.zoom_label.setObjectName("zoomLevel")
        self.zoom_label.setAccessibleName("Zoom level")
        self.zoom_label.setToolTip("Ctrl++ / Ctrl+- zoom, Ctrl+0 resets")
        self.zoom_label.hide()

        self.find_bar.field.textChanged.connect(lambda _t: self.find(forward=True, from_start=True))
        self.find_bar.match_case.toggled.connect(lambda _on: self.find(forward=True, from_start=True))
        self.find_bar.field.returnPressed.connect(lambda: self.find(forward=True))
        self.find_bar.next.clicked.connect(lambda: self.find(forward=True))
        self.find_bar.previous.clicked.connect(lambda: self.find(forward=False))
        self.find_bar.closed.connect(lambda: self.editor.setFocus())
        QShortcut(QKeySequence.StandardKey.FindNext, self, lambda: self.find(forward=True),
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        QShortcut(QKeySequence.StandardKey.FindPrevious, self, lambda: self.find(forward=False),
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        title = QLabel("<b>Script</b>")
        title.setAccessibleName("Script panel")
        layout.addWidget(title)
        layout.addWidget(self.message)
        layout.addWidget(self.editor, 1)
        layout.addWidget(self.find_bar)
        footer = QHBoxLayout()
        footer.addWidget(self.counter, 1)
        footer.addWidget(self.zoom_label)
        layout.addLayout(footer)

    # -- find ------------------------------------------------------------------------------------
    def open_find(self) -> None:
        self.find_bar.show()
        selected = self.editor.textCursor().selectedText()
        if selected and "\u2029" not in selected:
            self.find_bar.field.setText(selected)
        self.find_bar.field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.find_bar.field.selectAll()

    def find(self, *, forward: bool = True, from_start: bool = False) -> bool:
        needle = self.find_bar.field.text()
        if not needle:
            self.find_bar.status.setText("")
            return False
        flags = self._flags()
        if not forward:
            flags |= QTextDocument.FindFlag.FindBackward
        if from_start:
            cursor = self.editor.textCursor()
            cursor.setPosition(cursor.selectionStart())
            self.editor.setTextCursor(cursor)
        found = self.editor.find(needle, flags)
        if not found:  # wrap around
            cursor = self.editor.textCursor()
            cursor.movePosition(QTextCursor.MoveOperation.Start if forward else QTextCursor.MoveOperation.End)
            self.editor.setTextCursor(cursor)
            found = self.editor.find(needle, flags)
        self.find_bar.status.setText(self._match_number() if found else "Not found")
        return found

    def _flags(self) -> QTextDocument.FindFlag:
        flags = QTextDocument.FindFlag(0)
        if self.find_bar.match_case.isChecked():
            flags |= QTextDocument.FindFlag.FindCaseSensitively
        return flags

    def _match_number(self) -> str:
        """ "2 of 5": which match is selected, of how many (the document's own search, so the
        count agrees with what Find selects)."""
        needle = self.find_bar.field.text()
        document = self.editor.document()
        selected = self.editor.textCursor().selectionStart()
        flags = self._flags()
        cursor = document.find(needle, 0, flags)
        count = number = 0
        while not cursor.isNull() and count < MAX_COUNTED:
            count += 1
            if cursor.selectionStart() == selected:
                number = count
            cursor = document.find(needle, cursor, flags)
        more = "+" if not cursor.isNull() else ""
        return f"{number:,} of {count:,}{more}" if number else f"{count:,}{more} found"

    # -- zoom ------------------------------------------------------------------------------------
    def set_zoom(self, steps: int) -> None:
        steps = max(MIN_ZOOM, min(MAX_ZOOM, steps))
        font = QFont(self.editor.font())
        font.setPointSizeF(max(4.0, self._base_point_size + steps))
        self.editor.setFont(font)
        percent = round(100 * font.pointSizeF() / self._base_point_size)
        self.zoom_label.setText(f"Zoom {percent} %")
        self.zoom_label.setVisible(steps != 0)  # at 100 % there is nothing to say
        if steps != self.zoom:
            self.zoom = steps
            self.zoom_changed.emit(steps)

    def zoom_in(self) -> None:
        self.set_zoom(self.zoom + 1)

    def zoom_out(self) -> None:
        self.set_zoom(self.zoom - 1)

    def reset_zoom(self) -> None:
        self.set_zoom(0)

    # -- counter ---------------------------------------------------------------------------------
    def show_counter(self, text: str, over_limit: bool, tooltip: str = "") -> None:
        self.counter.setText(text)
        self.counter.setToolTip(tooltip)
        name = "counterOverLimit" if over_limit else "counter"
        if self.counter.objectName() != name:
            self.counter.setObjectName(name)
            self.counter.style().unpolish(self.counter)
            self.counter.style().polish(self.counter)
