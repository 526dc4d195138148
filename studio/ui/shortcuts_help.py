"""Help ▸ Keyboard Shortcuts, made from the window's own actions so it can never drift.

Every menu item with a shortcut is listed under its menu, with the same key text the menu
shows (and any second key, such as Ctrl+Enter beside Ctrl+Return); then the window's actions
that live outside the menus (Space). Only keys that belong to a single widget, and so have no
action to read, are written out here (:data:`WIDGET_KEYS`). README.md has the same list.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QMessageBox

#: (keys, what they do) for keys handled inside one widget.
WIDGET_KEYS: tuple[tuple[str, str], ...] = (
    ("F3 / Shift+F3", "find the next / previous match (in the find bar; Esc closes it)"),
    ("← → / Page Up / Page Down / Home / End", "move within the audio (on the time bar)"),
    ("Tab / Shift+Tab", "move between the panels and their controls"),
)


def keys_of(action: QAction) -> str:
    return " or ".join(key.toString(QKeySequence.SequenceFormat.NativeText) for key in action.shortcuts())


def _name(action: QAction) -> str:
    return action.text().replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…").strip()


def shortcut_table(window: QMainWindow) -> list[tuple[str, list[tuple[str, str]]]]:
    """[(menu or group title, [(keys, what)])], in menu order."""
    groups: list[tuple[str, list[tuple[str, str]]]] = []
    in_menus: set[int] = set()

    def walk(menu: QMenu, title: str) -> None:
        rows: list[tuple[str, str]] = []
        for action in menu.actions():
            in_menus.add(id(action))
            if action.menu() is not None:
                walk(action.menu(), f"{title} ▸ {_name(action)}")  # type: ignore[arg-type]
            elif not action.isSeparator() and action.shortcuts():
                rows.append((keys_of(action), _name(action)))
        if rows:
            groups.append((title, rows))

    for top in window.menuBar().actions():
        if top.menu() is not None:
            walk(top.menu(), _name(top))  # type: ignore[arg-type]
    elsewhere = [(keys_of(a), _name(a)) for a in window.actions() if id(a) not in in_menus and a.shortcuts()]
    groups.append(("Anywhere", elsewhere + list(WIDGET_KEYS)))
    return groups


def shortcuts_html(window: QMainWindow) -> str:
    parts = []
    for title, rows in shortcut_table(window):
        parts.append(f"<tr><td colspan='2'><br><b>{html.escape(title)}</b></td></tr>")
        parts.extend(
            f"<tr><td style='padding-right:16px'>{html.escape(keys)}</td><td>{html.escape(what)}</td></tr>"
            for keys, what in rows
        )
    return "<table>" + "".join(parts) + "</table>"


def show_shortcuts_help(window: QMainWindow) -> QMessageBox:
    """Open the list beside the window (not blocking it); it is deleted when closed."""
    box = QMessageBox(QMessageBox.Icon.NoIcon, "Keyboard shortcuts", shortcuts_html(window),
                      QMessageBox.StandardButton.Close, window)
    box.setTextFormat(Qt.TextFormat.RichText)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box
