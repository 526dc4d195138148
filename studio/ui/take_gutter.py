"""The takes gutter: a margin beside the script showing each paragraph's takes at its first line.

Built the way Qt's code-editor example builds its line-number area: a child widget of the
editor over a left viewport margin, repainted from the editor's ``updateRequest`` (scrolling,
typing, the cursor) and from the script document (takes, choices, locks). Marks, by shape as
well as colour (:mod:`studio.ui.take_marks`):

* thin hollow ring, dim — no take yet;
* filled dot + "2/3" — the chosen take (2) of three says what the paragraph says;
* thick ring + "2/3", amber — the text changed since the chosen take: it needs generating;
* a dash, dim — nothing to speak;
* a padlock before the dot — locked;
* a score in red on the line below ("83%") — the listen-check flagged words in the chosen take.

Painting touches only the visible lines (from ``firstVisibleBlock()`` down) and finds each
line's paragraph by a binary search (:class:`~studio.ui.paragraph_positions.ParagraphPositions`),
so a 200,000-character script costs what a page costs. Colours come from the palette, and
the themes' stylesheets set the accents (``qproperty-staleColor`` and friends), so light and
dark both read. Hovering a mark shows its take's voice, model, time, credits and request id;
clicking it opens the Paragraph menu for that paragraph (:attr:`TakeGutter.clicked`).

With speakers (issue 11, :meth:`TakeGutter.show_speakers`), a column after the takes names
who says each paragraph (nothing for the narrator); it takes room only while some paragraph
has a speaker, and the tooltip and accessible description say the speaker too.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Property, QEvent, QObject, QPoint, QPointF, QRect, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPainterPath, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QPlainTextEdit, QToolTip, QWidget

from studio.core.script import Block
from studio.ui.paragraph_positions import ParagraphPositions
from studio.ui.script_document import ScriptDocumentController
from studio.ui.take_marks import MarkKind, TakeMark, VoiceName, mark_of, summary, tooltip

#: Widest label the gutter makes room for ("12/12"); longer ones are elided by the painter.
_WIDEST_LABEL = "88/88"
_PAD = 3
#: The speaker column's width, in characters of this text (longer names are elided).
_SPEAKER_WIDTH = "MMMMMM"
#: A paragraph's speaker as the gutter shows it (None: the narrator, shown as nothing).
SpeakerLabel = Callable[[Block], "str | None"]


class TakeGutter(QWidget):
    #: A paragraph's mark was clicked: its index and where (global) to open a menu.
    clicked = Signal(int, QPoint)

    def __init__(self, editor: QPlainTextEdit, document: ScriptDocumentController, positions: ParagraphPositions,
                 voice_name: VoiceName | None = None) -> None:
        super().__init__(editor)
        self.setObjectName("takeGutter")
        self.setAccessibleName("Takes of each paragraph")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self._editor = editor
        self._document = document
        self._positions = positions
        self._voice_name = voice_name
        self._colours: dict[str, QColor] = {}
        self._speaker_label: SpeakerLabel | None = None
        self._speaker_column = False
        self._speaker_voice: SpeakerLabel | None = None
        editor.updateRequest.connect(self._on_update_request)
        editor.cursorPositionChanged.connect(self._describe_current)
        document.changed.connect(self._refresh)
        document.takes_changed.connect(lambda _block_id: self._refresh())
        editor.installEventFilter(self)
        editor.setViewportMargins(self.gutter_width(), 0, 0, 0)
        self._place()
        self._describe_current()
        self.show()

    # -- colours (stylesheets set them; the palette decides when they do not) -----------------------

    def _colour(self, name: str) -> QColor:
        colour = self._colours.get(name)
        if colour is not None and colour.isValid():
            return colour
        palette = self.palette()
        dark = palette.color(QPalette.ColorRole.Base).lightness() < 128
        return {
            "current": palette.color(QPalette.ColorRole.Highlight),
            "stale": QColor("#ffb74d" if dark else "#a85d00"),
            "empty": palette.color(QPalette.ColorRole.PlaceholderText),
            "lock": palette.color(QPalette.ColorRole.Text),
            "flagged": QColor("#ff6e6e" if dark else "#c62828"),
            "speaker": palette.color(QPalette.ColorRole.Link),
        }[name]

    def _setter(name: str):  # type: ignore[no-untyped-def]  # noqa: N805 - a class-body helper
        def set_colour(self: TakeGutter, colour: QColor) -> None:
            self._colours[name] = QColor(colour)
            self.update()
        return set_colour

    def _getter(name: str):  # type: ignore[no-untyped-def]  # noqa: N805
        def get_colour(self: TakeGutter) -> QColor:
            return self._colour(name)
        return get_colour

    currentColor = Property(QColor, _getter("current"), _setter("current"))  # noqa: N815 - QSS names
    staleColor = Property(QColor, _getter("stale"), _setter("stale"))  # noqa: N815
    emptyColor = Property(QColor, _getter("empty"), _setter("empty"))  # noqa: N815
    lockColor = Property(QColor, _getter("lock"), _setter("lock"))  # noqa: N815
    flaggedColor = Property(QColor, _getter("flagged"), _setter("flagged"))  # noqa: N815
    speakerColor = Property(QColor, _getter("speaker"), _setter("speaker"))  # noqa: N815
    del _setter, _getter

    # -- geometry --------------------------------------------------------------------------------

    def gutter_width(self) -> int:
        metrics = self.fontMetrics()
        width = _PAD * 4 + self._lock_width() + self._dot_size() + metrics.horizontalAdvance(_WIDEST_LABEL)
        return width + (self._speaker_width() + _PAD if self._speaker_column else 0)

    def _speaker_width(self) -> int:
        return self.fontMetrics().horizontalAdvance(_SPEAKER_WIDTH)

    # -- speakers (issue 11) ------------------------------------------------------------------------

    def show_speakers(self, label: SpeakerLabel, voice: SpeakerLabel | None = None) -> None:
        """Name each paragraph's speaker with ``label``; ``voice`` gives the voice its speaker
        has now, so a take in another voice is marked as needing generation (the cast's)."""
        self._speaker_label = label
        self._speaker_voice = voice
        self._refresh()

    def mark(self, index: int) -> TakeMark:
        """The mark paragraph ``index`` shows."""
        block = self._document.script.blocks[index]
        return mark_of(block, self._speaker_voice(block) if self._speaker_voice is not None else None)

    def speaker_label(self, index: int) -> str | None:
        """What the speaker column shows for paragraph ``index`` (None: nothing)."""
        blocks = self._document.script.blocks
        if self._speaker_label is None or not 0 <= index < len(blocks):
            return None
        return self._speaker_label(blocks[index])

    def _fit_speaker_column(self) -> None:
        """Room for the column while some paragraph has a speaker; none otherwise."""
        wanted = self._speaker_label is not None and any(
            self._speaker_label(b) for b in self._document.script.blocks)
        if wanted != self._speaker_column:
            self._speaker_column = wanted
            self._editor.setViewportMargins(self.gutter_width(), 0, 0, 0)
            self._place()

    def _dot_size(self) -> int:
        return max(7, round(self.fontMetrics().height() * 0.5))

    def _lock_width(self) -> int:
        return max(7, round(self.fontMetrics().height() * 0.55))

    def _place(self) -> None:
        rect = self._editor.contentsRect()
        self.setGeometry(QRect(rect.left(), rect.top(), self.gutter_width(), rect.height()))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if watched is self._editor and event.type() in (QEvent.Type.Resize, QEvent.Type.FontChange):
            self._place()
        return False

    def _on_update_request(self, rect: QRect, dy: int) -> None:
        if dy:
            self.scroll(0, dy)
        else:
            self.update(0, rect.y(), self.width(), rect.height())

    def _refresh(self) -> None:
        self._fit_speaker_column()
        self.update()
        self._describe_current()

    # -- which paragraph is where ------------------------------------------------------------------

    def paragraph_at_y(self, y: int) -> int | None:
        """The paragraph whose text is on the line at gutter ``y`` (None: a blank line, or below the end)."""
        cursor = self._editor.cursorForPosition(QPoint(0, y))
        block = cursor.block()
        if not block.isValid():
            return None
        geometry = self._editor.blockBoundingGeometry(block).translated(self._editor.contentOffset())
        if y > geometry.bottom():
            return None  # below the last line
        index = self._positions.inside(cursor.position())
        return index if index is not None and index < len(self._document.script.blocks) else None

    def visible_marks(self) -> list[tuple[int, QRectF]]:
        """(paragraph index, rectangle of its first line in the gutter) for each mark on screen."""
        editor = self._editor
        positions = self._positions
        count = min(len(positions), len(self._document.script.blocks))
        found: list[tuple[int, QRectF]] = []
        block = editor.firstVisibleBlock()
        top = editor.blockBoundingGeometry(block).translated(editor.contentOffset()).top()
        height = self.height()
        while block.isValid() and top <= height:
            bounds = editor.blockBoundingRect(block)
            if block.isVisible() and top + bounds.height() >= 0:
                index = positions.starting_in(block.position(), block.position() + block.length())
                if index is not None and index < count:
                    layout = block.layout()
                    line = layout.lineAt(0) if layout is not None and layout.lineCount() else None
                    line_top = top + (line.y() if line is not None else 0.0)
                    line_height = line.height() if line is not None else float(editor.fontMetrics().height())
                    found.append((index, QRectF(0.0, line_top, float(self.width()), line_height)))
            top += bounds.height()
            block = block.next()
        return found

    # -- painting ----------------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt API
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(event.rect(), self.palette().color(QPalette.ColorRole.AlternateBase))
        painter.setPen(QPen(self.palette().color(QPalette.ColorRole.Midlight), 1))
        painter.drawLine(self.width() - 1, event.rect().top(), self.width() - 1, event.rect().bottom())
        clip = QRectF(event.rect())
        for index, row in self.visible_marks():
            if row.intersects(clip):
                self._paint_mark(painter, row, self.mark(index))
                if self._speaker_column:
                    self._paint_speaker(painter, row, self.speaker_label(index))
        painter.end()

    def _paint_mark(self, painter: QPainter, row: QRectF, mark: TakeMark) -> None:
        middle = row.center().y()
        x = float(_PAD)
        if mark.locked:
            self._paint_lock(painter, QRectF(x, middle - self._lock_width() * 0.6, self._lock_width(),
                                             self._lock_width() * 1.2))
        x += self._lock_width() + _PAD
        size = float(self._dot_size())
        dot = QRectF(x, middle - size / 2, size, size)
        colour = self._colour({MarkKind.CURRENT: "current", MarkKind.STALE: "stale"}.get(mark.kind, "empty"))
        if mark.kind is MarkKind.SILENT:
            painter.setPen(QPen(colour, 1.5))
            painter.drawLine(QPointF(dot.left(), middle), QPointF(dot.right(), middle))
        elif mark.kind is MarkKind.CURRENT:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(colour)
            painter.drawEllipse(dot)
        else:
            width = 2.2 if mark.kind is MarkKind.STALE else 1.0
            painter.setPen(QPen(colour, width))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawEllipse(dot.adjusted(width / 2, width / 2, -width / 2, -width / 2))
        if mark.label:
            painter.setPen(colour if mark.kind is MarkKind.STALE else self.palette().color(QPalette.ColorRole.Text))
            text_rect = QRectF(dot.right() + _PAD, row.top(), row.width() - dot.right() - _PAD, row.height())
            label = self.fontMetrics().elidedText(mark.label, Qt.TextElideMode.ElideRight, int(text_rect.width()))
            painter.drawText(text_rect, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), label)
        if mark.listen is not None and mark.listen.flags:
            # The listen-check's score on the row below: the paragraph's second line, or the
            # blank line that separates it from the next, so it never covers another mark.
            painter.setPen(self._colour("flagged"))
            below = QRectF(dot.left(), row.bottom(), row.width() - dot.left(), row.height())
            painter.drawText(below, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                             f"{mark.listen.score:.0%}")

    def _paint_speaker(self, painter: QPainter, row: QRectF, name: str | None) -> None:
        if not name:
            return
        width = self._speaker_width()
        box = QRectF(self.width() - width - _PAD, row.top(), width, row.height())
        painter.setPen(self._colour("speaker"))
        text = self.fontMetrics().elidedText(name, Qt.TextElideMode.ElideRight, width)
        painter.drawText(box, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), text)

    def _said_by(self, index: int) -> str:
        name = self.speaker_label(index)
        return f", said by {name}" if name else ""

    def _paint_lock(self, painter: QPainter, box: QRectF) -> None:
        colour = self._colour("lock")
        body = QRectF(box.left(), box.top() + box.height() * 0.45, box.width(), box.height() * 0.55)
        shackle = QPainterPath()
        inset = box.width() * 0.22
        shackle.moveTo(body.left() + inset, body.top())
        shackle.arcTo(QRectF(body.left() + inset, box.top(), box.width() - 2 * inset, box.height() * 0.7), 180, -180)
        painter.setPen(QPen(colour, 1.3))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(shackle)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        painter.drawRoundedRect(body, 1.0, 1.0)

    # -- tooltip, click, accessibility ---------------------------------------------------------------

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            index = self.paragraph_at_y(int(event.pos().y()))  # type: ignore[attr-defined]
            if index is None:
                QToolTip.hideText()
                event.ignore()
                return True
            block = self._document.script.blocks[index]
            tip = tooltip(block, index, self._voice_name, self.mark(index))
            if name := self.speaker_label(index):
                tip += f"\nSaid by {name}"
            QToolTip.showText(event.globalPos(), tip, self)  # type: ignore[attr-defined]
            return True
        return super().event(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        index = self.paragraph_at_y(int(event.position().y()))
        if index is None or event.button() not in (Qt.MouseButton.LeftButton, Qt.MouseButton.RightButton):
            super().mousePressEvent(event)
            return
        event.accept()
        self.clicked.emit(index, self.mapToGlobal(event.position().toPoint()))

    def _describe_current(self) -> None:
        """The accessible description says what the mark of the paragraph at the cursor shows."""
        index = self._positions.index_at(self._editor.textCursor().position())
        blocks = self._document.script.blocks
        text = summary(self.mark(index), index) + self._said_by(index) if index is not None and index < len(blocks) else (
            "The script is empty: no paragraphs, no takes.")
        if text != self.accessibleDescription():
            self.setAccessibleDescription(text)
