"""Export pays once (issue 10): the studio's export dialog and ``narration-studio export`` run the
one render plan over the window's script document, so nothing already made is paid for again.

The real window, connected over loopback to the local ElevenLabs-compatible server (Piper
speaks behind it) or on the real offline voice; real keys and clicks in the editor and the
dialog; text-to-speech requests counted at the server. The command line runs in-process
(``studio.cli.main``) against the same server and the same speech cache as the window.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import soundfile as sf
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor

from studio.core.cache import default_cache_dir
from studio.core.project import load_project, save_project
from tests.fixtures.local_server import LocalServer, run_server
from tests.integration.export.conftest import run_cli, tts_requests
from tests.ui.conftest import activate, wait_for_engine, wait_for_voices

CTRL = Qt.KeyboardModifier.ControlModifier
MODEL = "eleven_multilingual_v2"
PARAGRAPHS = [
    "The keeper climbed the stairs at dusk.",
    "Below him the sea was restless.",
    "He lit the lamp and wound the clock.",
    "A ship's bell answered from the rocks.",
    "The gulls were quiet for once.",
    "By morning the harbour was full of boats.",
]
SCRIPT = "\n\n".join(PARAGRAPHS)


@pytest.fixture(scope="module")
def account() -> Iterator[LocalServer]:
    with run_server(tier="creator") as server:
        yield server


@pytest.fixture
def cli_env(account: LocalServer, monkeypatch: pytest.MonkeyPatch) -> LocalServer:
    """The command line speaks to the same server as the window."""
    monkeypatch.setenv("ELEVENLABS_API_KEY", "sk_export_test_key")
    monkeypatch.setenv("ELEVENLABS_BASE_URL", account.base_url)
    account.clear_requests()
    return account


def connect(qtbot: Any, window: Any, server: LocalServer, model_id: str = MODEL, tier: str = "creator") -> Any:
    """``window`` on ``server``'s ElevenLabs engine, a voice chosen, ``model_id`` picked, the plan known."""
    window.session.start("elevenlabs", server.base_url, api_key="sk_any")
    wait_for_engine(qtbot, window, "elevenlabs")
    qtbot.waitUntil(lambda: window.settings_panel.model.isEnabled(), timeout=10000)
    wait_for_voices(qtbot, window)
    qtbot.waitUntil(lambda: window.voices.current_voice is not None, timeout=5000)
    combo = window.settings_panel.model
    combo.setCurrentIndex(combo.findData(model_id))
    assert window.settings.state().model_id == model_id
    # The account's plan is known (it decides the per-request limit, and so the keys of long paragraphs).
    qtbot.waitUntil(lambda: getattr(window._subscription, "tier", None) == tier, timeout=10000)
    return window


def type_script(qtbot: Any, window: Any, text: str, *, counted: bool = True) -> None:
    window.script.editor.setPlainText(text)
    if counted:
        wait_counted(qtbot, window)


def wait_counted(qtbot: Any, window: Any) -> None:
    """The document has followed the editor and the counter has its answer for it."""
    qtbot.waitUntil(lambda: not window.document.pending, timeout=5000)
    qtbot.waitUntil(lambda: not window.counter.busy and window.counter.stats is not None, timeout=20000)


def export_from(qtbot: Any, window: Any, destination: Path) -> Any:
    """File ▸ Export Audio (Ctrl+E), the destination typed, Export clicked; returns the dialog once exported."""
    activate(qtbot, window)
    qtbot.keyClick(window.script.editor, Qt.Key.Key_E, CTRL)
    dialog = window.export_dialog
    qtbot.waitUntil(dialog.isVisible, timeout=5000)
    dialog.set_destination(destination)
    with qtbot.waitSignal(dialog.exported, timeout=180000):
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert dialog.message.tone.value == "info", dialog.message.text
    return dialog


def close(qtbot: Any, dialog: Any) -> None:
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)


def frames(path: Path) -> int:
    return sf.info(str(path)).frames


def takes(window: Any) -> list[int]:
    return [len(block.takes) for block in window.document.script]


def cli_flags_for(window: Any) -> list[str]:
    """The window's voice, model and settings as command-line options."""
    s = window.settings.voice_settings().to_request()
    flags = ["--voice", window.voices.current_voice.voice_id, "--model", window.settings.state().model_id]
    names = {"stability": "--stability", "similarity_boost": "--similarity", "style": "--style", "speed": "--speed"}
    flags += [arg for key, name in names.items() if key in s for arg in (name, str(s[key]))]
    if "use_speaker_boost" in s:
        flags.append("--speaker-boost" if s["use_speaker_boost"] else "--no-speaker-boost")
    return flags


# == (a) and (b): the dialog ========================================================================

def test_export_again_sends_nothing_and_every_paragraph_keeps_the_take_it_made(
    qtbot: Any, make_window: Any, account: LocalServer, tmp_path: Path
) -> None:
    window = connect(qtbot, make_window(), account)
    type_script(qtbot, window, SCRIPT)
    assert window.counter.stats.requests == len(PARAGRAPHS)
    account.clear_requests()
    first = export_from(qtbot, window, tmp_path / "first.wav")
    assert tts_requests(account) == len(PARAGRAPHS)
    # Every take the export made reached the window's document, chosen.
    qtbot.waitUntil(lambda: takes(window) == [1] * len(PARAGRAPHS), timeout=5000)
    assert all(block.chosen_take is not None for block in window.document.script)
    close(qtbot, first)
    wait_counted(qtbot, window)
    assert window.counter.stats.requests == 0 and "all made" in window.script.counter.text()

    account.clear_requests()
    second = export_from(qtbot, window, tmp_path / "second.wav")
    assert tts_requests(account) == 0
    assert second.cost_label.text() == "Every paragraph is already made: this export sends no requests and costs nothing."
    assert frames(tmp_path / "second.wav") == frames(tmp_path / "first.wav")
    assert takes(window) == [1] * len(PARAGRAPHS)  # the takes it used are not made again
    close(qtbot, second)


def test_an_edited_paragraph_is_the_only_one_requested_again(
    qtbot: Any, make_window: Any, account: LocalServer, tmp_path: Path
) -> None:
    window = connect(qtbot, make_window(), account)
    type_script(qtbot, window, SCRIPT)
    close(qtbot, export_from(qtbot, window, tmp_path / "before.wav"))

    # Paragraph 4 of 6, edited with the keyboard at its end.
    k = 3
    editor = window.script.editor
    activate(qtbot, window)
    cursor = editor.textCursor()
    cursor.setPosition(SCRIPT.index(PARAGRAPHS[k]) + len(PARAGRAPHS[k]) - 1)  # before its full stop
    editor.setTextCursor(cursor)
    qtbot.keyClicks(editor, " at last")
    assert editor.toPlainText().split("\n\n")[k] == "A ship's bell answered from the rocks at last."
    wait_counted(qtbot, window)
    stats = window.counter.stats
    assert (stats.requests, stats.paragraphs_made) == (1, len(PARAGRAPHS) - 1)
    edited_length = len("A ship's bell answered from the rocks at last.")
    assert stats.credits == edited_length  # the local server's models cost one credit a character

    account.clear_requests()
    dialog = export_from(qtbot, window, tmp_path / "after.wav")
    assert tts_requests(account) == 1
    assert dialog.cost_label.text().startswith("This export needs 1 request (≈ 46 credits); 5 of 6 paragraphs")
    assert dialog.last_result.generation.credits_spent == edited_length
    qtbot.waitUntil(lambda: takes(window) == [1, 1, 1, 2, 1, 1], timeout=5000)
    close(qtbot, dialog)


# == (c): the studio and the command line share what they made =========================================

def test_the_command_line_finds_what_the_studio_exported(
    qtbot: Any, make_window: Any, cli_env: LocalServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    window = connect(qtbot, make_window(), cli_env)
    type_script(qtbot, window, SCRIPT, counted=False)
    close(qtbot, export_from(qtbot, window, tmp_path / "studio.wav"))
    assert tts_requests(cli_env) == len(PARAGRAPHS), cli_env.requests()

    script = tmp_path / "script.txt"
    script.write_text(SCRIPT, encoding="utf-8")
    cli_env.clear_requests()
    capsys.readouterr()
    assert run_cli(str(script), "--out", str(tmp_path / "cli.wav"), *cli_flags_for(window)) == 0
    out = capsys.readouterr().out
    assert tts_requests(cli_env) == 0, out
    assert f"0 segments generated, {len(PARAGRAPHS)} from cache" in out and "Credits spent: 0" in out
    assert frames(tmp_path / "cli.wav") == frames(tmp_path / "studio.wav")


def test_the_offline_voice_renders_at_one_rate_for_the_studio_and_the_command_line(
    qtbot: Any, offline_window: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    window = offline_window
    type_script(qtbot, window, SCRIPT, counted=False)
    close(qtbot, export_from(qtbot, window, tmp_path / "studio.wav"))
    assert sf.info(str(tmp_path / "studio.wav")).samplerate == 22_050  # the voice's own rate, not 24 kHz
    entries = sorted(p.name for p in default_cache_dir().rglob("*") if p.is_file())

    script = tmp_path / "script.txt"
    script.write_text(SCRIPT, encoding="utf-8")
    capsys.readouterr()
    assert run_cli(str(script), "--out", str(tmp_path / "cli.wav"), "--offline", *cli_flags_for(window)) == 0
    out = capsys.readouterr().out
    assert f"0 segments generated, {len(PARAGRAPHS)} from cache" in out
    assert sorted(p.name for p in default_cache_dir().rglob("*") if p.is_file()) == entries  # nothing new made
    assert frames(tmp_path / "cli.wav") == frames(tmp_path / "studio.wav")


# == (d): projects ================================================================================

def test_a_project_saved_after_an_export_renders_from_its_takes_on_the_command_line(
    qtbot: Any, make_window: Any, cli_env: LocalServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    window = connect(qtbot, make_window(), cli_env)
    type_script(qtbot, window, SCRIPT)
    close(qtbot, export_from(qtbot, window, tmp_path / "studio.wav"))
    qtbot.waitUntil(lambda: takes(window) == [1] * len(PARAGRAPHS), timeout=5000)

    # Paragraph 2's words change (with the keyboard), then it is locked to the take it has: that
    # take, of the old words, is what is heard from then on.
    editor = window.script.editor
    activate(qtbot, window)
    cursor = editor.textCursor()
    cursor.setPosition(SCRIPT.index(PARAGRAPHS[1]) + len(PARAGRAPHS[1]))
    cursor.movePosition(QTextCursor.MoveOperation.Left, QTextCursor.MoveMode.KeepAnchor, len("restless."))
    editor.setTextCursor(cursor)
    qtbot.keyClicks(editor, "calm.")
    assert editor.toPlainText().split("\n\n")[1] == "Below him the sea was calm."
    window.document.sync()
    second = window.document.script.blocks[1]
    assert second.chosen_take is not None and second.chosen_take.text == PARAGRAPHS[1]
    window.document.set_locked(second.id, True)
    wait_counted(qtbot, window)
    assert window.counter.stats.requests == 0  # locked: never made again
    # The project as the studio saves it: its settings and the document with its takes and lock.
    window.document.sync()
    project = window._snapshot().with_document(window.document.snapshot(), editor.toPlainText())
    path = save_project(tmp_path / "keeper.narration", project)
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert saved["version"] == 2 and saved["blocks"][1]["locked"] and saved["blocks"][1]["takes"]

    cli_env.clear_requests()
    capsys.readouterr()
    assert run_cli(str(path), "--out", str(tmp_path / "cli.wav")) == 0
    assert tts_requests(cli_env) == 0, capsys.readouterr().err
    assert frames(tmp_path / "cli.wav") == frames(tmp_path / "studio.wav")  # paragraph 2 as locked

    # An option given on the command line wins over the project's; the locked take still stands.
    cli_env.clear_requests()
    assert run_cli(str(path), "--out", str(tmp_path / "seeded.wav"), "--seed", "77") == 0
    assert tts_requests(cli_env) == len(PARAGRAPHS) - 1
    assert load_project(path).document().blocks[1].locked  # the command line never writes the project


def test_a_version_1_project_renders_on_the_command_line_exactly_as_the_studio_would(
    qtbot: Any, make_window: Any, data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    source = data_dir / "projects" / "lighthouse-v1.narration"
    project = load_project(source)
    voices = json.loads((data_dir / "api_samples" / "voices_v1_real_premade_2024.json").read_text())["voices"]
    george = next(v for v in voices if v["voice_id"] == project.voice_id)
    with run_server(tier="creator", catalog=[george]) as server:
        monkeypatch.setenv("ELEVENLABS_API_KEY", "sk_export_test_key")
        monkeypatch.setenv("ELEVENLABS_BASE_URL", server.base_url)
        path = tmp_path / "lighthouse.narration"
        path.write_bytes(source.read_bytes())
        assert run_cli(str(path), "--out", str(tmp_path / "cli.wav")) == 0, capsys.readouterr().err
        spoken = [r for r in server.requests() if r["route"].startswith("tts_")]
        assert len(spoken) == 4  # five paragraphs, one of them "* * *"
        assert all(f"/v1/text-to-speech/{project.voice_id}/" in r["path"] for r in spoken)

        # The studio opens the same file: its voice, model, settings and seed give the same
        # audio under the same keys, so its export sends nothing.
        window = make_window()
        window.session.start("elevenlabs", server.base_url, api_key="sk_any")
        wait_for_engine(qtbot, window, "elevenlabs")
        window.open_project(str(path))
        qtbot.waitUntil(lambda: window.script.editor.toPlainText() == project.script, timeout=10000)
        qtbot.waitUntil(lambda: window.settings.state().model_id == MODEL and window.settings.current_model()
                        is not None and window.voices.current_voice is not None, timeout=10000)
        assert window.voices.current_voice.voice_id == project.voice_id and window.settings.state().seed == 1234
        qtbot.waitUntil(lambda: getattr(window._subscription, "tier", None) == "creator", timeout=10000)
        wait_counted(qtbot, window)
        assert window.counter.stats.requests == 0
        server.clear_requests()
        dialog = export_from(qtbot, window, tmp_path / "studio.wav")
        assert tts_requests(server) == 0
        assert frames(tmp_path / "studio.wav") == frames(tmp_path / "cli.wav")
        close(qtbot, dialog)

