"""Paints one voice row: a favourite star, the name, and its labels as rounded chips.

Sizes come from the font metrics, so rows grow with the font and with 200 % scaling.
The placeholder row (loading / error) is painted as plain, muted or red text.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from studio.ui.voice_list_model import RowKind, VoiceRoles

_CHIP_BG = QColor("#e6ecf7")
_CHIP_FG = QColor("#253858")
_STAR = QColor("#e0a800")
_ERROR = QColor("#b3261e")


class VoiceDelegate(QStyledItemDelegate):
    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        metrics = QFontMetrics(option.font)
        # two lines: the name, then the chips (uniform height keeps 10,000 rows cheap)
        return QSize(metrics.averageCharWidth() * 30, metrics.height() * 2 + metrics.height() // 2 + 8)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        painter.save()
        style = option.widget.style() if option.widget else None
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, option.widget)
        rect = option.rect.adjusted(8, 4, -8, -4)
        metrics = QFontMetrics(option.font)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        text_colour = option.palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        kind = index.data(VoiceRoles.KIND)
        if kind != int(RowKind.ITEM):
            colour = _ERROR if kind == int(RowKind.ERROR) and not selected else option.palette.color(
                QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text
            )
            painter.setPen(colour)
            text = metrics.elidedText(str(index.data() or ""), Qt.TextElideMode.ElideRight, rect.width() * 2)
            painter.drawText(rect, Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextWordWrap, text)
            painter.restore()
            return

        line = metrics.height()
        x = rect.left()
        if index.data(VoiceRoles.FAVOURITE):
            painter.setPen(_STAR)
            painter.drawText(QRect(x, rect.top(), line, line), Qt.AlignmentFlag.AlignCenter, "★")
            x += line + 2
        bold = QFont(option.font)
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(text_colour)
        name = QFontMetrics(bold).elidedText(str(index.data() or ""), Qt.TextElideMode.ElideRight, rect.right() - x)
        painter.drawText(QRect(x, rect.top(), rect.right() - x, line), Qt.AlignmentFlag.AlignVCenter, name)

        small = QFont(option.font)
        small.setPointSizeF(max(6.0, option.font.pointSizeF() * 0.85))
        painter.setFont(small)
        small_metrics = QFontMetrics(small)
        chip_h = small_metrics.height() + 2
        y = rect.top() + line + 4
        cx = rect.left()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        for chip in index.data(VoiceRoles.CHIPS) or []:
            width = small_metrics.horizontalAdvance(chip) + 12
            if cx + width > rect.right():
                break  # no room: the details pane shows every label
            chip_rect = QRect(cx, y, width, chip_h)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(_CHIP_BG)
            painter.drawRoundedRect(chip_rect, chip_h / 2, chip_h / 2)
            painter.setPen(_CHIP_FG)
            painter.drawText(chip_rect, Qt.AlignmentFlag.AlignCenter, chip)
            cx += width + 4
        painter.restore()
