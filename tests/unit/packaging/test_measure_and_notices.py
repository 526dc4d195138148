"""The bundle measurement and the notices the bundle ships, tested without a bundle."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path
from types import ModuleType

import pytest

from studio import licenses

ROOT = Path(__file__).resolve().parents[3]


def load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, ROOT / "packaging" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


measure = load("measure_bundle")
native = load("native_notices")


def test_times_a_program_until_its_window_line() -> None:
    program = "import time, sys; time.sleep(0.3); print('main-window-shown', flush=True)"
    seconds = measure.time_to_window([sys.executable, "-c", program], env={"PATH": "/usr/bin:/bin"})
    assert 0.3 <= seconds < 30


def test_a_program_that_never_shows_a_window_fails_with_its_errors() -> None:
    program = "import sys; print('could not connect to display', file=sys.stderr); sys.exit(3)"
    with pytest.raises(SystemExit, match=r"(?s)exit 3\).*could not connect to display"):
        measure.time_to_window([sys.executable, "-c", program], env={"PATH": "/usr/bin:/bin"})


def test_bundle_size_counts_files_once(tmp_path: Path) -> None:
    (tmp_path / "_internal").mkdir()
    (tmp_path / "_internal" / "big.bin").write_bytes(b"x" * 2_000_000)
    (tmp_path / "link.bin").symlink_to("_internal/big.bin")
    assert measure.folder_mb(tmp_path) == pytest.approx(2.0)


@pytest.mark.skipif(shutil.which("Xvfb") is None, reason="xvfb not installed")
def test_private_x_display_accepts_windows() -> None:
    with measure.xvfb_display() as display:
        assert display.startswith(":")
        probe = subprocess.run(
            [sys.executable, "-c", "import os; from PySide6.QtGui import QGuiApplication; "
             "app = QGuiApplication([]); print(app.platformName())"],
            env={"DISPLAY": display, "QT_QPA_PLATFORM": "xcb", "PATH": "/usr/bin:/bin"},
            capture_output=True, text=True, timeout=60,
        )
    assert probe.stdout.strip() == "xcb", probe.stderr


@pytest.mark.skipif(shutil.which("dpkg") is None, reason="not a Debian system")
def test_native_notices_name_system_libraries_by_package(tmp_path: Path) -> None:
    libssl = next((p for p in (Path("/usr/lib/x86_64-linux-gnu/libssl.so.3"), Path("/lib/x86_64-linux-gnu/libssl.so.3"))
                   if p.exists()), None)
    if libssl is None:
        pytest.skip("no libssl.so.3 here")
    site_file = Path(sysconfig.get_paths()["purelib"]) / "numpy" / "__init__.py"
    toc = tmp_path / "COLLECT-00.toc"
    toc.write_text(repr(([
        ("libssl.so.3", str(libssl), "BINARY"),
        ("numpy/_core/x.so", str(site_file), "EXTENSION"),
        ("resources/x.svg", "/nonexistent/x.svg", "DATA"),
    ],)))
    files = native.bundled_system_files(toc)
    assert files == [libssl.resolve()]
    text = native.native_notices(files)
    assert "libssl3" in text and "libssl.so.3" in text
    assert "PSF" in text  # the interpreter is named too


def test_bundled_notices_file_wins_when_frozen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / licenses.NOTICES_FILE_NAME).write_text("the shipped notices\n", encoding="utf-8")
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert licenses.notices_text() == "the shipped notices\n"


def test_notices_are_computed_when_not_frozen_or_file_missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(sys, "_MEIPASS", raising=False)
    assert licenses.bundled_notices_file() is None
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)  # a bundle without the file
    assert licenses.bundled_notices_file() is None
    text = licenses.notices_text()
    assert "PySide6" in text and "piper-tts" in text
