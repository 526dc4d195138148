"""Measures a built bundle: its size, and the seconds from launch to the main window.

The bundle is started on a private Xvfb display (a real X server, so this is a real window)
with ``NARRATION_STUDIO_REPORT_SHOWN=1``, which makes the app print ``main-window-shown`` once
its main window is exposed and then quit (see ``studio/ui/startup_probe.py``). The X server is
started once, before the clock starts, so the time is the app's own start-up. The first run
warms the disk cache and is not counted; the median of the next runs is reported.

Prints one JSON line: ``{"bundle_mb": …, "launch_to_window_s": …, "runs_s": […]}``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SHOWN_MARKER = "main-window-shown"
LAUNCH_TIMEOUT_S = 60.0


def folder_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink()) / 1e6


@contextmanager
def xvfb_display() -> Iterator[str]:
    """A private Xvfb server for the duration of the block; yields its DISPLAY value."""
    if shutil.which("Xvfb") is None:
        raise SystemExit("Xvfb is needed to open a real window: apt-get install xvfb xauth")
    read_fd, write_fd = os.pipe()
    # -displayfd: Xvfb picks a free display and writes its number once it accepts clients.
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        pass_fds=(write_fd,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    try:
        with os.fdopen(read_fd) as ready:
            number = ready.readline().strip()
        if not number:
            raise SystemExit(f"Xvfb did not start (exit {server.poll()})")
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(timeout=10)


def time_to_window(command: list[str], env: dict[str, str]) -> float:
    """Seconds from starting ``command`` to its ``main-window-shown`` line."""
    with tempfile.TemporaryDirectory(prefix="narration-studio-measure-") as home:
        # A fresh profile each run: no recovered project or saved window state skews the time.
        run_env = dict(env, XDG_CONFIG_HOME=f"{home}/config", XDG_DATA_HOME=f"{home}/data",
                       XDG_CACHE_HOME=f"{home}/cache", XDG_STATE_HOME=f"{home}/state")
        log_path = Path(home) / "stderr.log"
        with log_path.open("w") as log:  # a file, not a pipe: a chatty stderr cannot block it
            start = time.monotonic()
            proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=log, env=run_env, text=True)
            assert proc.stdout is not None
            # A bundle that hangs before its window would block the read below for ever.
            watchdog = threading.Timer(LAUNCH_TIMEOUT_S, proc.kill)
            watchdog.start()
            shown = None
            try:
                for line in proc.stdout:
                    if SHOWN_MARKER in line:
                        shown = time.monotonic() - start
                        break
            finally:
                watchdog.cancel()
            try:
                proc.communicate(timeout=LAUNCH_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.communicate()
        if shown is None:
            errors = log_path.read_text(errors="replace")[-4000:]
            raise SystemExit(f"the bundle did not open its main window (exit {proc.returncode}):\n{errors}")
        return shown


def launch_to_window(executable: Path, runs: int = 3) -> list[float]:
    env = dict(os.environ, NARRATION_STUDIO_REPORT_SHOWN="1", QT_QPA_PLATFORM="xcb")
    with xvfb_display() as display:
        env["DISPLAY"] = display
        env.pop("WAYLAND_DISPLAY", None)
        time_to_window([str(executable)], env)  # warm-up: fills the disk cache
        return [time_to_window([str(executable)], env) for _ in range(runs)]


def main() -> None:
    bundle = Path(sys.argv[1] if len(sys.argv) > 1 else "dist/narration-studio")
    executable = bundle / "narration-studio"
    if not executable.is_file():
        raise SystemExit(f"no bundle at {bundle}: run packaging/build_bundle.sh first")
    times = launch_to_window(executable)
    print(json.dumps({
        "bundle_mb": round(folder_mb(bundle), 1),
        "launch_to_window_s": round(sorted(times)[len(times) // 2], 2),
        "runs_s": [round(t, 2) for t in times],
    }))


if __name__ == "__main__":
    main()
