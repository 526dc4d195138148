"""Icons from the SVGs shipped in ``resources/icons``, tinted for the current palette.

The transport icons use ``currentColor``; it is replaced with the palette's text colour so
they read on light and dark looks alike. No font glyphs are relied on (DejaVu has none for
play/pause/stop).
"""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QByteArray, QSize, Qt
from PySide6.QtGui import QGuiApplication, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer

from studio.resources import resource_path

_SIZES = (16, 22, 24, 32, 48, 64)


def _render(svg: bytes, size: int) -> QPixmap:
    renderer = QSvgRenderer(QByteArray(svg))
    pixmap = QPixmap(QSize(size, size))
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    renderer.render(painter)
    painter.end()
    return pixmap


@lru_cache(maxsize=64)
def _icon(name: str, colour: str, disabled_colour: str) -> QIcon:
    source = resource_path("icons", f"{name}.svg").read_bytes()
    icon = QIcon()
    for size in _SIZES:
        icon.addPixmap(_render(source.replace(b"currentColor", colour.encode()), size), QIcon.Mode.Normal)
        icon.addPixmap(
            _render(source.replace(b"currentColor", disabled_colour.encode()), size), QIcon.Mode.Disabled
        )
    return icon


def icon(name: str) -> QIcon:
    """The shipped icon ``name`` (file stem in resources/icons), in the palette's colours."""
    palette = QGuiApplication.palette()
    text = palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.ButtonText).name()
    disabled = palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText).name()
    return _icon(name, text, disabled)


def app_icon() -> QIcon:
    return QIcon(str(resource_path("icons", "narration-studio.svg")))
