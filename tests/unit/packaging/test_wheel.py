"""The wheel `pip install .` (and pipx) installs is the whole app: every module and every shipped file.

The wheel is built for real by packaging/build_wheel.sh, offline (--no-build-isolation
--no-index, with the setuptools the test extra installs), then unpacked and imported from a
folder outside the source tree, the way site-packages holds it. packaging/check_wheel.sh
goes further (a fresh virtual environment, the dependencies, the app started); CI runs it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from importlib import metadata
from pathlib import Path

import pytest

from studio import __version__

ROOT = Path(__file__).resolve().parents[3]
RESOURCES = ROOT / "resources"

pytestmark = pytest.mark.timeout(300)


def shipped_resources() -> list[str]:
    """Every file under the top-level resources/ folder, as a /-separated relative path."""
    return sorted(p.relative_to(RESOURCES).as_posix() for p in RESOURCES.rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    found = metadata.version("setuptools")
    if int(found.split(".")[0]) < 77:  # the backend pyproject.toml asks for; older ones misread it
        pytest.fail(f"building the wheel offline needs setuptools>=77 beside the tests, found {found}: "
                    "run packaging/setup.sh --test (make test does)")
    out = tmp_path_factory.mktemp("wheel")
    result = subprocess.run(
        ["bash", str(ROOT / "packaging" / "build_wheel.sh"), str(out), "--no-build-isolation", "--no-index"],
        env=dict(os.environ, PYTHON=sys.executable), capture_output=True, text=True, timeout=240,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    path = Path(result.stdout.strip())
    assert path.parent == out and path.name == f"narration_studio-{__version__}-py3-none-any.whl"
    return path


@pytest.fixture(scope="module")
def site(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel unpacked, as pip lays it out in site-packages."""
    folder = tmp_path_factory.mktemp("site-packages")
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(folder)
    return folder


def run_installed(site: Path, cwd: Path, program: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Python with only the unpacked wheel on its path, started outside the source tree."""
    cwd.mkdir(exist_ok=True)
    env = dict(os.environ, PYTHONPATH=str(site), PYTHONDONTWRITEBYTECODE="1")
    return subprocess.run([sys.executable, "-c", program, *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=60)


FIND_RESOURCES = """
import json, sys
import studio, studio.resources as r
print(json.dumps({"studio": studio.__file__, "dir": str(r.resources_dir()),
                  "files": [str(r.resource_path(*rel.split("/"))) for rel in sys.argv[1:]]}))
"""


def test_the_wheel_holds_every_shipped_file(wheel: Path) -> None:
    expected = shipped_resources()
    assert {"icons/narration-studio.svg", "styles/light.qss", "styles/dark.qss"} <= set(expected)
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    missing = [rel for rel in expected if f"studio/_resources/{rel}" not in names]
    assert not missing, f"resources/ files left out of the wheel: {missing}"
    # Inside the package, never a top-level resources/ folder dumped into site-packages.
    assert not [n for n in names if n.startswith("resources/")]


def test_the_wheel_holds_every_module(wheel: Path) -> None:
    # pyproject.toml lists the packages by hand; a new studio/ folder left off the list
    # would install an app that fails on the first import of it.
    modules = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "studio").rglob("*.py")
                     if "__pycache__" not in p.parts)
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    missing = [m for m in modules if m not in names]
    assert not missing, f"add their folders to [tool.setuptools] packages in pyproject.toml: {missing}"
    with zipfile.ZipFile(wheel) as archive:
        entry_points = archive.read(f"narration_studio-{__version__}.dist-info/entry_points.txt").decode()
    assert "narration-studio = studio.cli:main" in entry_points


def test_the_installed_package_finds_its_resources(site: Path, tmp_path: Path) -> None:
    rels = shipped_resources()
    result = run_installed(site, tmp_path / "elsewhere", FIND_RESOURCES, *rels)
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert Path(found["studio"]).is_relative_to(site), found["studio"]  # the unpacked copy, not the checkout
    assert Path(found["dir"]) == site / "studio" / "_resources"
    for rel, path in zip(rels, found["files"], strict=True):
        assert Path(path).read_bytes() == (RESOURCES / rel).read_bytes(), rel


def test_an_install_without_them_says_where_it_looked(site: Path, tmp_path: Path) -> None:
    broken = tmp_path / "site-packages"
    shutil.copytree(site, broken)
    shutil.rmtree(broken / "studio" / "_resources")
    result = run_installed(broken, tmp_path / "elsewhere", FIND_RESOURCES)
    assert result.returncode != 0
    assert "resources folder is missing; reinstall the app" in result.stderr
    assert str(broken / "studio" / "_resources") in result.stderr


class TestLookupOrder:
    def test_a_bundle_uses_its_own_folder(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        from studio.resources import resource_path, resources_dir

        (tmp_path / "resources" / "styles").mkdir(parents=True)
        (tmp_path / "resources" / "styles" / "light.qss").write_text("/* bundled */\n")
        monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
        assert resources_dir() == tmp_path / "resources"
        assert resource_path("styles", "light.qss").read_text() == "/* bundled */\n"

    def test_a_source_checkout_uses_the_top_level_folder(self, monkeypatch: pytest.MonkeyPatch) -> None:
        import studio
        from studio.resources import resources_dir

        monkeypatch.delattr(sys, "_MEIPASS", raising=False)
        assert Path(studio.__file__).resolve().parent == ROOT / "studio"  # these tests run from the checkout
        assert resources_dir() == RESOURCES


def test_ci_checks_the_installed_wheel_after_the_tests() -> None:
    lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    assert "make test" in lines and "packaging/check_wheel.sh" in lines
    assert lines.index("make test") < lines.index("packaging/check_wheel.sh")
    for script in ("build_wheel.sh", "check_wheel.sh"):
        assert os.access(ROOT / "packaging" / script, os.X_OK), script
