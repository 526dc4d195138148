"""Lights up the word and the character being spoken in the script editor.

Two shades of one colour as ``QTextEdit.ExtraSelection``s (the word softly, the character
strongly), so the document itself is never touched: no undo entries, no contentsChange.
The highlight is kept in view, but never against the person: after they scroll (wheel,
scroll bar, keyboard) it does not scroll for :attr:`USER_SCROLL_GRACE_S` seconds.

Inside the person's own selection (Play Selection keeps it), the editor would paint the
selection over every extra selection and hide the word being spoken. While a highlight is
shown inside a selection, the editor's own selection painting is made transparent and the
selection is drawn as an extra selection underneath, in its usual colours, with the word and
character in deeper shades of that colour on top; the selection itself is untouched (copy,
Shift+arrows and the next Play Selection still use it).
"""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QColor, QPalette, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit


class SpeechHighlighter(QObject):
    USER_SCROLL_GRACE_S = 4.0

    def __init__(self, editor: QPlainTextEdit, parent: QObject | None = None) -> None:
        super().__init__(parent or editor)
        self._editor = editor
        self._word_format = QTextCharFormat()
        self._char_format = QTextCharFormat()
        self._apply_palette()
        self._current: tuple[tuple[int, int] | None, tuple[int, int] | None] = (None, None)
        self._other: list[QTextEdit.ExtraSelection] = []
        self._scrolling_ourselves = False
        self._last_user_scroll = -1e9
        #: The editor's palette while its own selection painting is made transparent.
        self._saved_palette: QPalette | None = None
        self._had_own_palette = False
        editor.verticalScrollBar().valueChanged.connect(self._on_scrolled)
        editor.horizontalScrollBar().valueChanged.connect(self._on_scrolled)
        editor.selectionChanged.connect(self._on_selection_changed)

    def _apply_palette(self) -> None:
        base = self._editor.palette().color(QPalette.ColorRole.Highlight)
        word = QColor(base)
        word.setAlpha(60)
        char = QColor(base)
        char.setAlpha(150)
        self._word_format.setBackground(word)
        self._char_format.setBackground(char)
        self._char_format.setForeground(self._editor.palette().color(QPalette.ColorRole.HighlightedText))
        # Within the selection (solid Highlight): the same hue, clearly deeper (or lighter on a
        # dark highlight), so the word still stands out from the selected text around it.
        deeper = (lambda c, f: c.lighter(f)) if base.lightnessF() < 0.35 else (lambda c, f: c.darker(f))
        self._selected_word_format = QTextCharFormat()
        self._selected_word_format.setBackground(deeper(base, 150))
        self._selected_word_format.setForeground(self._editor.palette().color(QPalette.ColorRole.HighlightedText))
        self._selected_char_format = QTextCharFormat()
        self._selected_char_format.setBackground(deeper(base, 230))
        self._selected_char_format.setForeground(self._editor.palette().color(QPalette.ColorRole.HighlightedText))

    def set_other_selections(self, selections: list[QTextEdit.ExtraSelection]) -> None:
        """Extra selections owned by someone else (kept under the speech highlight)."""
        self._other = list(selections)
        self._render()

    @property
    def current(self) -> tuple[tuple[int, int] | None, tuple[int, int] | None]:
        """(character range, word range) in document positions, as last shown."""
        return self._current

    def show(self, char_range: tuple[int, int] | None, word_range: tuple[int, int] | None) -> None:
        if (char_range, word_range) == self._current:
            return
        self._current = (char_range, word_range)
        self._render()
        if char_range is not None:
            self._keep_in_view(char_range[0])

    def clear(self) -> None:
        if self._current == (None, None):
            return
        self._current = (None, None)
        self._render()

    def user_scrolled_recently(self) -> bool:
        return time.monotonic() - self._last_user_scroll < self.USER_SCROLL_GRACE_S

    def _selection(self, span: tuple[int, int], fmt: QTextCharFormat) -> QTextEdit.ExtraSelection | None:
        doc_end = self._editor.document().characterCount() - 1
        start, end = max(0, span[0]), min(span[1], doc_end)
        if start >= end:
            return None
        cursor = QTextCursor(self._editor.document())
        cursor.setPosition(start)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        selection = QTextEdit.ExtraSelection()
        selection.cursor = cursor
        selection.format = fmt
        return selection

    def _render(self) -> None:
        selections = list(self._other)
        char_range, word_range = self._current
        chosen = self._person_selection(char_range, word_range)
        if chosen is None:
            self._show_editor_selection()
            word_format, char_format = self._word_format, self._char_format
        else:
            self._hide_editor_selection()
            selections.append(chosen)
            word_format, char_format = self._selected_word_format, self._selected_char_format
        for span, fmt in ((word_range, word_format), (char_range, char_format)):
            if span is not None:
                made = self._selection(span, fmt)
                if made is not None:
                    selections.append(made)
        self._editor.setExtraSelections(selections)

    # -- inside the person's selection -------------------------------------------------------------

    @property
    def inside_selection(self) -> bool:
        """The highlight is drawn inside the person's selection (see the module notes)."""
        return self._saved_palette is not None

    def _person_selection(self, char_range: tuple[int, int] | None,
                          word_range: tuple[int, int] | None) -> QTextEdit.ExtraSelection | None:
        """The person's selection as an extra selection, if the highlight falls inside it."""
        cursor = self._editor.textCursor()
        if not cursor.hasSelection():
            return None
        start, end = cursor.selectionStart(), cursor.selectionEnd()
        if not any(span is not None and span[0] < end and start < span[1] for span in (char_range, word_range)):
            return None
        palette = self._saved_palette or self._editor.palette()
        group = QPalette.ColorGroup.Active if self._editor.hasFocus() else QPalette.ColorGroup.Inactive
        fmt = QTextCharFormat()
        fmt.setBackground(palette.brush(group, QPalette.ColorRole.Highlight))
        fmt.setForeground(palette.brush(group, QPalette.ColorRole.HighlightedText))
        return self._selection((start, end), fmt)

    def _hide_editor_selection(self) -> None:
        if self._saved_palette is not None:
            return
        self._had_own_palette = self._editor.testAttribute(Qt.WidgetAttribute.WA_SetPalette)
        self._saved_palette = QPalette(self._editor.palette())
        palette = QPalette(self._saved_palette)
        for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
            # Painted last by the editor: fully transparent, it leaves what is under it as drawn.
            palette.setColor(group, QPalette.ColorRole.Highlight, QColor(Qt.GlobalColor.transparent))
            palette.setColor(group, QPalette.ColorRole.HighlightedText, QColor(Qt.GlobalColor.transparent))
        self._editor.setPalette(palette)

    def _show_editor_selection(self) -> None:
        saved, self._saved_palette = self._saved_palette, None
        if saved is not None:
            # An editor that followed the application's palette (and its theme) goes on doing so.
            self._editor.setPalette(saved if self._had_own_palette else QPalette())

    def _on_selection_changed(self) -> None:
        if self._current != (None, None) or self._saved_palette is not None:
            self._render()

    def _keep_in_view(self, position: int) -> None:
        if self.user_scrolled_recently():
            return
        cursor = QTextCursor(self._editor.document())
        cursor.setPosition(min(position, self._editor.document().characterCount() - 1))
        rect = self._editor.cursorRect(cursor)
        viewport = self._editor.viewport().rect()
        margin = rect.height() * 2
        if rect.top() >= margin and rect.bottom() <= viewport.height() - margin:
            return
        # Scroll without moving the person's own text cursor: centre the line in view.
        bar = self._editor.verticalScrollBar()
        block = cursor.block().blockNumber()
        line_in_block = cursor.block().layout().lineForTextPosition(cursor.positionInBlock()).lineNumber()
        visible_lines = max(1, viewport.height() // max(1, rect.height()))
        self._scrolling_ourselves = True
        try:
            # QPlainTextEdit scrolls by lines of blocks: first visible block is the bar value.
            target = self._first_line_of_block(block) + max(0, line_in_block)
            bar.setValue(max(0, target - visible_lines // 2))
        finally:
            self._scrolling_ourselves = False

    def _first_line_of_block(self, block_number: int) -> int:
        """Scroll-bar units before ``block_number`` (QPlainTextEdit counts wrapped lines)."""
        doc = self._editor.document()
        lines = 0
        block = doc.firstBlock()
        while block.isValid() and block.blockNumber() < block_number:
            lines += max(1, block.lineCount())
            block = block.next()
        return lines

    def _on_scrolled(self, _value: int) -> None:
        if not self._scrolling_ourselves:
            self._last_user_scroll = time.monotonic()
