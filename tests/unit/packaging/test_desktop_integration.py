"""Desktop files validate with the freedesktop tools, and install-desktop puts them in place."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from studio import desktop_integration
from studio.cli import main
from studio.resources import resource_path

APP = desktop_integration.APP_ID


def _run_validator(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, timeout=60)


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None, reason="desktop-file-utils not installed")
def test_shipped_desktop_file_validates() -> None:
    result = _run_validator("desktop-file-validate", str(resource_path("desktop", f"{APP}.desktop")))
    assert result.returncode == 0 and "error" not in result.stdout, result.stdout + result.stderr


@pytest.mark.skipif(shutil.which("appstreamcli") is None, reason="appstream not installed")
def test_metainfo_validates() -> None:
    result = _run_validator("appstreamcli", "validate", "--no-net", str(resource_path("desktop", f"{APP}.metainfo.xml")))
    assert result.returncode == 0, result.stdout + result.stderr


def test_install_desktop_writes_everything(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["install-desktop", "--data-dir", str(tmp_path)]) == 0
    desktop = tmp_path / "applications" / f"{APP}.desktop"
    entry = desktop.read_text()
    exec_line = next(line for line in entry.splitlines() if line.startswith("Exec="))
    assert "narration-studio" in exec_line or "-m studio" in exec_line
    assert exec_line.endswith("%f")
    assert (tmp_path / "metainfo" / f"{APP}.metainfo.xml").exists()
    assert (tmp_path / "mime" / "packages" / f"{APP}.xml").exists()
    assert (tmp_path / "icons" / "hicolor" / "scalable" / "apps" / f"{APP}.svg").exists()
    for size in desktop_integration.PNG_SIZES:
        png = tmp_path / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{APP}.png"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        # The PNG really has the requested size (IHDR width/height).
        assert int.from_bytes(png.read_bytes()[16:20], "big") == size
    if shutil.which("desktop-file-validate"):
        result = _run_validator("desktop-file-validate", str(desktop))
        assert result.returncode == 0, result.stdout
    assert "app menu" in capsys.readouterr().out

    assert main(["install-desktop", "--uninstall", "--data-dir", str(tmp_path)]) == 0
    assert not desktop.exists()
