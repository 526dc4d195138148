"""Where the app's shipped files (icons, styles, desktop templates) live.

The repository keeps them in one top-level ``resources/`` folder. Three ways of running the
app find them in three places, tried in this order:

* a PyInstaller bundle: unpacked under ``sys._MEIPASS/resources`` (packaging/narration-studio.spec);
* an installed wheel (``pip install .``, pipx): package data ``studio/_resources``, which
  pyproject.toml maps onto ``resources/`` when the wheel is built; found through
  :mod:`importlib.resources`, so it follows wherever the ``studio`` package was imported from;
* a source checkout or editable install: ``resources/`` beside the ``studio`` package.

Qt-free, so the CLI and packaging scripts can use it too.
"""

from __future__ import annotations

import sys
from importlib.resources import files
from pathlib import Path

# The name of the package-data folder inside the installed ``studio`` package
# (pyproject.toml's package-dir maps ``studio._resources`` to ``resources/``).
PACKAGE_DATA_DIR = "_resources"


def _candidates() -> list[Path]:
    found = []
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        found.append(Path(bundle) / "resources")
    installed = files("studio").joinpath(PACKAGE_DATA_DIR)
    # Only a package on disk can hand Qt and the desktop validators real file paths; a zipped
    # install (which nothing here makes) would show up as "missing" with the places looked in.
    if isinstance(installed, Path):
        found.append(installed)
    found.append(Path(__file__).resolve().parent.parent / "resources")
    return found


def resources_dir() -> Path:
    candidates = _candidates()
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(
        "Narration Studio's resources folder is missing; reinstall the app "
        f"(looked in: {', '.join(str(c) for c in candidates)})"
    )


def resource_path(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)
