"""Every keyboard shortcut of the window's actions is one action's: a key bound to two actions
in the same window is ambiguous, and Qt then runs neither (it only warns on the console).
Branches add menus in parallel, each picking a free key from what it saw; this catches two
picking the same one."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence

WINDOW_WIDE = (Qt.ShortcutContext.WindowShortcut, Qt.ShortcutContext.ApplicationShortcut)


def shortcut_owners(window: Any) -> dict[str, list[str]]:
    owners: dict[str, list[str]] = defaultdict(list)
    for action in window.findChildren(QAction):
        if action.shortcutContext() not in WINDOW_WIDE:
            continue
        for key in action.shortcuts():
            if not key.isEmpty():
                owners[key.toString(QKeySequence.SequenceFormat.PortableText)].append(
                    action.text().replace("&", "") or action.objectName())
    return owners


def shared(owners: dict[str, list[str]]) -> dict[str, list[str]]:
    return {key: names for key, names in owners.items() if len(names) > 1}


def test_no_two_window_actions_share_a_shortcut(make_window: Any) -> None:
    window = make_window()
    owners = shortcut_owners(window)
    assert len(owners) > 20  # the window's menus are really there
    assert shared(owners) == {}


def test_a_second_action_on_a_taken_key_is_found(make_window: Any) -> None:
    window = make_window()
    taken = next(iter(shortcut_owners(window)))
    extra = QAction("Another", window)
    extra.setShortcut(QKeySequence(taken))
    window.addAction(extra)
    assert "Another" in shared(shortcut_owners(window))[taken]
