"""Installs the app into the user's desktop: menu entry, icons, MIME type, AppStream data.

Everything goes under ``$XDG_DATA_HOME`` (``~/.local/share``): nothing needs root. The
``.desktop`` file's ``Exec`` is pointed at the launcher that is running now (the virtual
environment's ``narration-studio`` or the bundle's executable), because neither is on
``PATH`` by default. PNG icons are rendered from the SVG at install time so no generated
files are kept in the repository.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from studio.core.files import write_atomically
from studio.resources import resource_path

APP_ID = "org.narrationstudio.NarrationStudio"
MIME_FILE = "narration-studio-mime.xml"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def data_home() -> Path:
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")


def launcher_command() -> str:
    """The absolute command that starts this installation of the studio."""
    if getattr(sys, "frozen", False):
        return sys.executable
    script = Path(sys.executable).with_name("narration-studio")
    if script.exists():
        return str(script)
    return f"{sys.executable} -m studio"


@dataclass
class InstallReport:
    written: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _desktop_entry(command: str) -> str:
    text = resource_path("desktop", f"{APP_ID}.desktop").read_text(encoding="utf-8")
    quoted = command if " " not in command or command.endswith("-m studio") else f'"{command}"'
    first_word = command.split(" ")[0]
    lines = []
    for line in text.splitlines():
        if line.startswith("Exec="):
            line = f"Exec={quoted} %f"
        elif line.startswith("TryExec="):
            line = f"TryExec={first_word}"
        lines.append(line)
    return "\n".join(lines) + "\n"


def _render_png(svg: Path, size: int, target: Path) -> None:
    from PySide6.QtCore import QSize, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    if QGuiApplication.instance() is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        _render_png.app = QGuiApplication([])  # type: ignore[attr-defined]
    image = QImage(QSize(size, size), QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    QSvgRenderer(str(svg)).render(painter)
    painter.end()
    if not image.save(str(target), "PNG"):
        raise OSError(f"could not write {target}")


def _write(path: Path, data: bytes, report: InstallReport) -> None:
    write_atomically(path, data)
    report.written.append(path)


def install(root: Path | None = None, command: str | None = None) -> InstallReport:
    root = root or data_home()
    report = InstallReport()
    entry = _desktop_entry(command or launcher_command())
    _write(root / "applications" / f"{APP_ID}.desktop", entry.encode(), report)
    metainfo = resource_path("desktop", f"{APP_ID}.metainfo.xml").read_bytes()
    _write(root / "metainfo" / f"{APP_ID}.metainfo.xml", metainfo, report)
    _write(root / "mime" / "packages" / f"{APP_ID}.xml", resource_path("desktop", MIME_FILE).read_bytes(), report)

    svg = resource_path("icons", "narration-studio.svg")
    icons = root / "icons" / "hicolor"
    _write(icons / "scalable" / "apps" / f"{APP_ID}.svg", svg.read_bytes(), report)
    for size in PNG_SIZES:
        target = icons / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        _render_png(svg, size, target)
        report.written.append(target)

    _refresh_caches(root, report)
    return report


def uninstall(root: Path | None = None) -> InstallReport:
    root = root or data_home()
    report = InstallReport()
    paths = [
        root / "applications" / f"{APP_ID}.desktop",
        root / "metainfo" / f"{APP_ID}.metainfo.xml",
        root / "mime" / "packages" / f"{APP_ID}.xml",
        root / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg",
        *(root / "icons" / "hicolor" / f"{s}x{s}" / "apps" / f"{APP_ID}.png" for s in PNG_SIZES),
    ]
    for path in paths:
        if path.exists():
            path.unlink()
            report.written.append(path)
    _refresh_caches(root, report)
    return report


def _refresh_caches(root: Path, report: InstallReport) -> None:
    # Each tool is optional: without it the desktop picks the files up at next login.
    steps = [
        ("update-mime-database", [str(root / "mime")]),
        ("update-desktop-database", [str(root / "applications")]),
        ("gtk-update-icon-cache", ["-q", "-t", "-f", str(root / "icons" / "hicolor")]),
    ]
    for tool, args in steps:
        path = shutil.which(tool)
        if path is None:
            report.notes.append(f"{tool} not found; the desktop will notice the change at next login")
            continue
        subprocess.run([path, *args], capture_output=True, check=False, timeout=60)
