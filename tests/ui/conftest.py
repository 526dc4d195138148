"""Builds real studio windows for UI tests, and closes them (and their threads) afterwards."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from studio.core.preferences import Preferences, PreferencesStore
from studio.core.project import RecoveryStore

WindowFactory = Callable[..., Any]


@pytest.fixture
def make_window(qtbot: Any, tmp_path: Path) -> Iterator[WindowFactory]:
    """``make_window(preferences=None, state_dir=None)`` -> a shown MainWindow (engine not started)."""
    from studio.ui.app import build_main_window

    windows: list[Any] = []

    def make(preferences: Preferences | None = None, state_dir: Path | None = None) -> Any:
        store = PreferencesStore(tmp_path / f"prefs{len(windows)}" / "preferences.json")
        if preferences is not None:
            store.save(preferences)
        window = build_main_window(store, RecoveryStore(state_dir or tmp_path / "state"))
        window.preferences_store = store  # for assertions
        # Not qtbot.addWidget: qtbot closes its widgets before fixtures finish, and closing
        # a window with unsaved work would open the (modal) Save / Discard question.
        window.show()  # at the remembered geometry (1280x800 the first time)
        qtbot.waitExposed(window)
        windows.append(window)
        return window

    yield make
    for window in windows:
        window._closing = True  # never ask about unsaved work while tearing down
        window.close()
        assert window.pool.shutdown(10000), "background work outlived the test"
        window.session.shutdown()
        window.deleteLater()


def wait_for_engine(qtbot: Any, window: Any, engine_id: str, timeout: int = 30000) -> None:
    qtbot.waitUntil(
        lambda: window.session.backend is not None and window.session.backend.engine_id == engine_id,
        timeout=timeout,
    )


def wait_for_voices(qtbot: Any, window: Any, timeout: int = 15000) -> None:
    model = window.voices.model
    qtbot.waitUntil(lambda: not model.is_loading and model.rowCount() > 0 and not model.error, timeout=timeout)


@pytest.fixture
def offline_window(qtbot: Any, make_window: WindowFactory) -> Any:
    """A window on the real offline voice, as on a first start without a key: voice chosen."""
    window = make_window()
    window.start_engine()
    wait_for_engine(qtbot, window, "offline", timeout=60000)
    wait_for_voices(qtbot, window)
    qtbot.waitUntil(lambda: window.voices.current_voice is not None, timeout=5000)
    qtbot.waitUntil(lambda: window.settings_panel.model.isEnabled(), timeout=10000)
    return window


def activate(qtbot: Any, window: Any) -> None:
    """Make ``window`` the active window with the focus in the script, as after a click into it."""
    from PySide6.QtWidgets import QApplication

    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    window.script.editor.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.script.editor, timeout=5000)


def fetch_all(qtbot: Any, model: Any, timeout: int = 10000) -> None:
    """Page a paged list model to its end, one fetchMore at a time (as a view would)."""
    from PySide6.QtCore import QModelIndex

    qtbot.waitUntil(lambda: not model.is_loading, timeout=timeout)
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
        qtbot.waitUntil(lambda: not model.is_loading, timeout=timeout)
