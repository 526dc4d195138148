"""Adds to a built bundle's notices the parts that are not Python packages.

PyInstaller copies into the bundle the Python interpreter and every system library the Qt,
NumPy and audio binaries link against (libssl, libX11, libglib, …) from the build machine.
``studio.licenses`` only sees Python distributions, so this script names the rest: the
interpreter with its licence, and each system library with the Debian package it came from
and that package's copyright file. Run by ``packaging/build_bundle.sh`` after PyInstaller:

    python packaging/native_notices.py build/pyinstaller/narration-studio/COLLECT-00.toc \
        dist/narration-studio/_internal/THIRD_PARTY_NOTICES.txt
"""

from __future__ import annotations

import ast
import platform
import subprocess
import sys
import sysconfig
from dataclasses import dataclass, field
from pathlib import Path

BINARY_KINDS = {"BINARY", "EXTENSION"}


@dataclass
class Package:
    name: str
    version: str
    files: list[str] = field(default_factory=list)
    copyright_text: str = ""


def bundled_system_files(collect_toc: Path) -> list[Path]:
    """Binaries the bundle took from outside the virtual environment and the interpreter."""
    (entries,) = ast.literal_eval(collect_toc.read_text())
    site = Path(sysconfig.get_paths()["purelib"]).resolve()
    stdlib = Path(sysconfig.get_paths()["stdlib"]).resolve()
    found = set()
    for _dest, source, kind in entries:
        if kind not in BINARY_KINDS:
            continue
        path = Path(source).resolve()
        if path.is_relative_to(site) or path.is_relative_to(stdlib) or path.name.startswith("libpython"):
            continue  # Python packages (covered by their metadata) and the interpreter (below)
        found.add(path)
    return sorted(found)


def _dpkg_owner(path: Path) -> str | None:
    # usrmerge: dpkg may have recorded /lib/… for what resolves to /usr/lib/…, or the reverse.
    candidates = [str(path)]
    text = str(path)
    if text.startswith("/usr/"):
        candidates.append(text[len("/usr"):])
    else:
        candidates.append("/usr" + text)
    for candidate in candidates:
        result = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True)
        if result.returncode == 0 and ":" in result.stdout:
            return result.stdout.split(": ", 1)[0].split(",")[0].strip()
    return None


def _package(name: str) -> Package:
    version = subprocess.run(
        ["dpkg-query", "-W", "-f=${Version}", name], capture_output=True, text=True
    ).stdout.strip()
    base = name.split(":", 1)[0]
    copyright_file = Path("/usr/share/doc") / base / "copyright"
    text = copyright_file.read_text(errors="replace") if copyright_file.is_file() else ""
    return Package(name=base, version=version, copyright_text=text)


def python_section() -> list[str]:
    license_file = Path(sysconfig.get_paths()["stdlib"]) / "LICENSE.txt"
    text = license_file.read_text(errors="replace") if license_file.is_file() else (
        "Python Software Foundation License Version 2 (PSF-2.0); see https://docs.python.org/3/license.html"
    )
    return ["", "=" * 78, f"Python {platform.python_version()} (the interpreter and its standard library)",
            "=" * 78, text.strip()]


def native_notices(files: list[Path]) -> str:
    packages: dict[str, Package] = {}
    unknown: list[Path] = []
    for path in files:
        owner = _dpkg_owner(path) if Path("/usr/bin/dpkg").exists() else None
        if owner is None:
            unknown.append(path)
            continue
        if owner not in packages:
            packages[owner] = _package(owner)
        packages[owner].files.append(path.name)

    lines = [
        "",
        "=" * 78,
        "Native parts of this bundle",
        "=" * 78,
        f"Python {platform.python_version()} — PSF-2.0 (the interpreter and its standard library).",
        "System libraries copied from the build machine, by the package they came from:",
        "",
    ]
    for package in sorted(packages.values(), key=lambda p: p.name):
        lines.append(f"{package.name} {package.version}: {', '.join(sorted(package.files))}")
    for path in unknown:
        lines.append(f"{path.name}: from {path.parent} (no package record on the build machine)")
    lines += python_section()
    for package in sorted(packages.values(), key=lambda p: p.name):
        if package.copyright_text:
            lines += ["", "=" * 78, f"{package.name} {package.version}", "=" * 78, package.copyright_text.strip()]
    return "\n".join(lines) + "\n"


def main() -> None:
    collect_toc, notices_file = Path(sys.argv[1]), Path(sys.argv[2])
    section = native_notices(bundled_system_files(collect_toc))
    with notices_file.open("a", encoding="utf-8") as out:
        out.write(section)


if __name__ == "__main__":
    main()
