"""Measures a built bundle: its size, and the seconds from launch to the main window.

The bundle is started under Xvfb (a real X server, so this is a real window) with
``NARRATION_STUDIO_REPORT_SHOWN=1``, which makes the app print ``main-window-shown`` once its
main window is exposed and then quit. Prints one JSON line.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path


def folder_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6


def launch_to_window(executable: Path, runs: int = 3) -> float:
    if shutil.which("xvfb-run") is None:
        raise SystemExit("xvfb-run is needed to open a real window: apt-get install xvfb xauth")
    env = dict(os.environ, NARRATION_STUDIO_REPORT_SHOWN="1")
    env.pop("QT_QPA_PLATFORM", None)
    times = []
    for _ in range(runs):
        start = time.monotonic()
        proc = subprocess.Popen(
            ["xvfb-run", "-a", "-s", "-screen 0 1280x800x24", str(executable)],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, text=True,
        )
        assert proc.stdout is not None
        shown = None
        for line in proc.stdout:
            if "main-window-shown" in line:
                shown = time.monotonic() - start
                break
        proc.wait(timeout=60)
        if shown is None:
            raise SystemExit(f"the bundle did not open its main window (exit {proc.returncode})")
        times.append(shown)
    return sorted(times)[len(times) // 2]


def main() -> None:
    bundle = Path(sys.argv[1])
    executable = bundle / "narration-studio"
    print(json.dumps({
        "bundle_mb": round(folder_mb(bundle), 1),
        "launch_to_window_s": round(launch_to_window(executable), 2),
    }))


if __name__ == "__main__":
    main()
