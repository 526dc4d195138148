"""Benchmark of the studio window. Prints ONE JSON line.

* ``window_shown_ms``: building the window (pool, session, panels, controllers) and showing it.
* ``offline_ready_ms``: from starting the engine to the offline voice listed and chosen
  (first run in the process loads Piper, ~2 s; the window stays responsive meanwhile).
* ``first_page_ms``: a 10,000-voice catalogue on our loopback server: connect to the list's
  first page shown.
* ``fetch_more_ms_median`` / ``_max``: one scroll-to-bottom page fetch (50 voices).
* ``search_ms_median``: from the last keystroke of a search to its results shown (includes
  the 300 ms debounce).
* ``rows_loaded``: rows held after ``pages`` scrolls (never the whole catalogue).
* ``gui_stall_max_ms``: the longest the GUI event loop went without running a 5 ms timer
  while connecting, paging and searching — network work never runs on the GUI thread.
  ``offline_stall_max_ms``: the same while the offline voice loads.

Usage: ``QT_QPA_PLATFORM=offscreen .venv/bin/python bench/ui.py [--pages N]``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from window_setup import close_window, private_home  # noqa: E402 - bench/window_setup.py

_home = private_home("bench-ui-")

from PySide6.QtCore import QElapsedTimer, QModelIndex, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from studio.server.catalog import generate_voices  # noqa: E402
from studio.ui.app import build_main_window, create_application  # noqa: E402


@contextlib.contextmanager
def server_process(voices: int) -> Iterator[str]:
    """``narration-studio serve`` in its own process, so its work never holds this GIL."""
    catalog = Path(_home) / "voices.json"
    catalog.write_text(json.dumps(generate_voices(voices, seed=1)), encoding="utf-8")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "studio.cli", "serve", "--port", str(port), "--catalog", str(catalog)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the speech server did not start") from None
                time.sleep(0.05)
        yield url
    finally:
        proc.terminate()
        proc.wait(10)


def wait_until(app: QApplication, condition, timeout_s: float = 60.0) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    while not condition():
        if time.perf_counter() - start > timeout_s:
            raise TimeoutError("condition not met in time")
        app.processEvents()
        time.sleep(0.001)
    return (time.perf_counter() - start) * 1000


class StallMeter:
    """A 5 ms timer; the longest gap between its ticks is how long the GUI thread was busy."""

    def __init__(self) -> None:
        self.clock = QElapsedTimer()
        self.clock.start()
        self.last = 0
        self.worst = 0
        self.timer = QTimer()
        self.timer.setInterval(5)
        self.timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        now = self.clock.elapsed()
        self.worst = max(self.worst, now - self.last)
        self.last = now

    def start(self) -> None:
        self.last = self.clock.elapsed()
        self.timer.start()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=8)
    args = parser.parse_args()
    app = create_application([])

    started = time.perf_counter()
    window = build_main_window()
    window.show()
    app.processEvents()
    shown_ms = (time.perf_counter() - started) * 1000

    meter = StallMeter()
    meter.start()
    t0 = time.perf_counter()
    window.start_engine()
    wait_until(app, lambda: window.voices.current_voice is not None and window.session.backend is not None)
    offline_ms = (time.perf_counter() - t0) * 1000
    offline_stall = meter.worst

    with server_process(10_000) as base_url:
        app.processEvents()
        meter.start()
        meter.worst = 0  # from here on: only the studio's own work (the server runs in its own process)
        model = window.voices.model
        t0 = time.perf_counter()
        window.session.start("elevenlabs", base_url, api_key="sk_bench")
        wait_until(app, lambda: window.session.backend is not None and window.session.backend.engine_id == "elevenlabs"
                   and model.rowCount() > 1 and not model.is_loading)
        first_page_ms = (time.perf_counter() - t0) * 1000
        connect_stall, meter.worst = meter.worst, 0

        fetches = []
        for _ in range(args.pages):
            before = model.rowCount()
            t0 = time.perf_counter()
            window.browser.list.scrollToBottom()
            if model.canFetchMore(QModelIndex()):
                model.fetchMore(QModelIndex())
            wait_until(app, lambda b=before: model.rowCount() > b and not model.is_loading)
            fetches.append((time.perf_counter() - t0) * 1000)
        rows = model.rowCount()
        paging_stall, meter.worst = meter.worst, 0

        searches = []
        for word in ("Alba", "Cara", "narrator", "calm"):
            window.browser.search.setText(word)
            t0 = time.perf_counter()
            app.processEvents()
            wait_until(app, lambda: not window.voices._debounce.isActive() and not model.is_loading)
            searches.append((time.perf_counter() - t0) * 1000)
        search_stall = meter.worst
        close_window(window, 10000)

    print(json.dumps({
        "window_shown_ms": round(shown_ms, 1),
        "offline_ready_ms": round(offline_ms, 1),
        "first_page_ms": round(first_page_ms, 1),
        "fetch_more_ms_median": round(statistics.median(fetches), 1),
        "fetch_more_ms_max": round(max(fetches), 1),
        "search_ms_median": round(statistics.median(searches), 1),
        "pages": args.pages,
        "rows_loaded": rows,
        "catalogue": 10_001,
        "gui_stall_max_ms": max(connect_stall, paging_stall, search_stall),
        "stall_connect_ms": connect_stall,
        "stall_paging_ms": paging_stall,
        "stall_search_ms": search_stall,
        "offline_stall_max_ms": offline_stall,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
