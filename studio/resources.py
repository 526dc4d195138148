"""Where the app's shipped files (icons, styles, desktop templates) live.

In a source checkout (and the editable install the set-up script makes) they are in
``resources/`` beside the package; in a PyInstaller bundle they are unpacked under
``sys._MEIPASS/resources``. Qt-free, so the CLI and packaging scripts can use it too.
"""

from __future__ import annotations

import sys
from pathlib import Path


def resources_dir() -> Path:
    bundle = getattr(sys, "_MEIPASS", None)
    candidates = [Path(bundle) / "resources"] if bundle else []
    candidates.append(Path(__file__).resolve().parent.parent / "resources")
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(
        "Narration Studio's resources folder is missing; reinstall the app "
        f"(looked in: {', '.join(str(c) for c in candidates)})"
    )


def resource_path(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)
