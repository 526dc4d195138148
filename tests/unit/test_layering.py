"""The Qt-free layers really run without Qt.

import-linter (run by tests/run.sh) checks the static imports; this checks what actually
gets loaded, which also catches a dynamic import or a dependency that pulls Qt in.
"""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import studio

QT_FREE = ("studio.api", "studio.core", "studio.offline")


def _modules() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(studio.__path__, prefix="studio."):
        if info.name.startswith(QT_FREE):
            names.append(info.name)
    return names


def test_qt_free_layers_load_no_qt() -> None:
    names = _modules()
    assert "studio.core.cache" in names  # the walk found the layers at all
    code = (
        "import importlib, sys\n"
        f"for name in {names!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6')"
        " or m.startswith(('studio.ui', 'studio.playback')))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", f"Qt loaded by a Qt-free layer: {result.stdout.strip()}"
