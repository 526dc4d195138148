"""What every benchmark of the real studio window needs: a private home, typed keys, a clean close.

Import it and call :func:`private_home` *before* importing Qt or ``studio`` (the studio reads
the XDG folders and the keyring backend when its modules load), so a benchmark never reads or
writes the user's own settings, cache or stored API key. Qt is only imported inside the
functions that need it, which keeps that order possible.
"""

from __future__ import annotations

import os
import tempfile
import time
from typing import Any


def private_home(prefix: str) -> str:
    """A fresh temporary home for the studio's config, state, cache and data; offscreen Qt."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("QT_LOGGING_RULES", "qt.multimedia*=false")
    home = tempfile.mkdtemp(prefix=prefix)
    for var in ("XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME"):
        os.environ[var] = os.path.join(home, var.lower())
    os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"  # never the user's key
    return home


def p99(values: list[float]) -> float:
    return sorted(values)[max(0, int(len(values) * 0.99) - 1)]


def type_keys(app: Any, editor: Any, count: int, *, settle_every: int | None = None) -> list[float]:
    """Type ``count`` letters into ``editor``; the milliseconds each press and release took.

    ``settle_every``: run the event loop after that many keys, so timers the keys restarted
    fire as they would between real keystrokes (None: never, only the key path itself).
    """
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent

    times = []
    for i in range(count):
        letter = "abcdefghij"[i % 10]
        key = Qt.Key(Qt.Key.Key_A.value + i % 10)
        press = QKeyEvent(QEvent.Type.KeyPress, key, Qt.KeyboardModifier.NoModifier, letter)
        release = QKeyEvent(QEvent.Type.KeyRelease, key, Qt.KeyboardModifier.NoModifier, letter)
        start = time.perf_counter()
        app.sendEvent(editor, press)
        app.sendEvent(editor, release)
        times.append((time.perf_counter() - start) * 1000)
        if settle_every and i % settle_every == settle_every - 1:
            app.processEvents()
    return times


def close_window(window: Any, wait_ms: int = 5000) -> None:
    """Close the studio window without asking about unsaved work, and stop its threads."""
    window._closing = True  # never ask about unsaved work
    window.close()
    window.pool.shutdown(wait_ms)
    window.session.shutdown()
