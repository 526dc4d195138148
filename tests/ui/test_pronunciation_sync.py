"""Sync with the account, in the window (issue 12, point 3): the window's Play, Export and
counter take the command line's path.

The real window on the local ElevenLabs-compatible server over loopback (Piper speaks behind
it; the server applies the dictionaries the requests name), the rule added with the real
right-click gesture, Play with the real keys on the real QAudioSink (null sink, tests/run.sh);
the command line in-process (``studio.cli.main``) against the same server and speech cache.
Text-to-speech requests and dictionary uploads are counted at the server.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from PySide6.QtCore import Qt

from studio.core.pronunciation import AliasRule, PhonemeRule
from studio.core.project import default_state_dir, save_project
from studio.server.dictionaries import DictionaryStore
from tests.fixtures.local_server import LocalServer, run_server
from tests.integration.export.conftest import run_cli, tts_requests
from tests.integration.player.rig import needs_audio
from tests.ui.conftest import activate
from tests.ui.pronunciation_support import pronounce_as, spy_requests
from tests.ui.test_export_plan import close, connect, export_from, type_script, wait_counted

CTRL = Qt.KeyboardModifier.ControlModifier
PARAGRAPHS = [
    "Mr Nguyen opened the shop at nine.",
    "The street was still quiet.",
    "By ten, Nguyen had swept the step.",
    "A bus went by without stopping.",
]
SCRIPT = "\n\n".join(PARAGRAPHS)
WITH_WORD = [p for p in PARAGRAPHS if "Nguyen" in p]


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalServer]:
    """A fresh server per test (its dictionaries too); the command line speaks to it as well."""
    with run_server(tier="creator") as running:
        monkeypatch.setenv("ELEVENLABS_API_KEY", "sk_sync_test_key")
        monkeypatch.setenv("ELEVENLABS_BASE_URL", running.base_url)
        yield running


def uploads(server: LocalServer) -> dict[str, int]:
    routes = [r["route"] for r in server.requests()]
    return {name: routes.count(f"dictionaries_{name}") for name in ("add_from_rules", "set_rules")}


def characters_used(server: LocalServer) -> int:
    with httpx.Client(base_url=server.base_url, headers={"xi-api-key": "any"}, timeout=10) as http:
        return int(http.get("/v1/user/subscription").json()["character_count"])


def play_all(qtbot: Any, window: Any) -> None:
    """Playback ▸ Play Script (Ctrl+Return), heard to the end."""
    activate(qtbot, window)
    with qtbot.waitSignal(window.player.player.finished, timeout=120000):
        qtbot.keyClick(window.script.editor, Qt.Key.Key_Return, CTRL)


def with_rule(qtbot: Any, make_window: Any, server: LocalServer, **options: Any) -> Any:
    """A window on ``server``, the script typed and counted, "Nguyen" pronounced as "win" by right-click."""
    window = connect(qtbot, make_window(**options), server)
    type_script(qtbot, window, SCRIPT)
    server.clear_requests()  # from here on, every upload and request counts
    activate(qtbot, window)
    pronounce_as(qtbot, window, SCRIPT.index("Nguyen"), "win")
    assert window.pronunciation.controller.own.rules == (AliasRule("Nguyen", "win"),)
    wait_counted(qtbot, window)
    return window


def save(window: Any, path: Path) -> Path:
    """The project as the window saves it (its snapshot, the document's takes and the rules)."""
    window.document.sync()
    project = window._snapshot().with_document(window.document.snapshot(), window.script.editor.toPlainText())
    assert project.pronunciation is not None and project.pronunciation.rules
    return save_project(path, project)


@needs_audio
def test_play_in_the_window_then_the_command_line_export_sends_nothing(
        qtbot: Any, make_window: Any, server: LocalServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # The window keeps its sync record where the command line does (the user's state folder).
    window = with_rule(qtbot, make_window, server, state_dir=default_state_dir())
    assert window.counter.stats.requests == len(PARAGRAPHS)
    sent = spy_requests(window)
    play_all(qtbot, window)
    assert tts_requests(server) == len(PARAGRAPHS)  # the counter's plan is what Play spent
    assert uploads(server) == {"add_from_rules": 1, "set_rules": 0}  # once, in a worker (the counter's)
    assert [r.text for r in sent] == PARAGRAPHS  # the script's own words: the server applies the rule
    assert all(len(r.pronunciation_dictionary_locators or ()) == 1 for r in sent)
    path = save(window, tmp_path / "shop.narration")

    server.clear_requests()
    capsys.readouterr()
    assert run_cli(str(path), "--out", str(tmp_path / "cli.wav")) == 0
    out = capsys.readouterr().out
    assert tts_requests(server) == 0, out
    assert f"0 segments generated, {len(PARAGRAPHS)} from cache" in out
    assert uploads(server) == {"add_from_rules": 0, "set_rules": 0}  # the window's upload is known


@needs_audio
def test_the_command_line_export_first_then_play_in_the_window_sends_nothing(
        qtbot: Any, make_window: Any, server: LocalServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    window = with_rule(qtbot, make_window, server)
    path = save(window, tmp_path / "shop.narration")
    server.clear_requests()
    capsys.readouterr()
    assert run_cli(str(path), "--out", str(tmp_path / "cli.wav")) == 0
    assert tts_requests(server) == len(PARAGRAPHS), capsys.readouterr().err

    window.counter.refresh()  # the command line filled the shared cache
    wait_counted(qtbot, window)
    assert window.counter.stats.requests == 0
    server.clear_requests()
    play_all(qtbot, window)
    assert tts_requests(server) == 0


@needs_audio
def test_an_unchanged_dictionary_is_uploaded_once_across_play_export_and_a_restart(
        qtbot: Any, make_window: Any, server: LocalServer, tmp_path: Path) -> None:
    state = tmp_path / "state-folder"
    window = with_rule(qtbot, make_window, server, state_dir=state)  # the counter syncs it, in its worker
    play_all(qtbot, window)
    assert uploads(server) == {"add_from_rules": 1, "set_rules": 0}
    server.clear_requests()
    close(qtbot, export_from(qtbot, window, tmp_path / "first.wav"))
    assert uploads(server) == {"add_from_rules": 0, "set_rules": 0} and tts_requests(server) == 0
    with qtbot.waitSignal(window.project.saved, timeout=10000):
        window.project.save_as(str(tmp_path / "shop.narration"))

    # A restart: another window with the same state folder opens the project.
    again = connect(qtbot, make_window(state_dir=state), server)
    with qtbot.waitSignal(again.project.opened, timeout=10000):
        again.open_project(str(tmp_path / "shop.narration"))
    assert again.pronunciation.controller.own.rules == (AliasRule("Nguyen", "win"),)
    wait_counted(qtbot, again)
    server.clear_requests()
    close(qtbot, export_from(qtbot, again, tmp_path / "again.wav"))
    assert uploads(server) == {"add_from_rules": 0, "set_rules": 0} and tts_requests(server) == 0

    # An edited rule is sent once, as a new version of the same remote dictionary.
    pronounce_as(qtbot, again, SCRIPT.index("Nguyen"), "nwin")
    wait_counted(qtbot, again)
    assert again.counter.stats.requests == len(WITH_WORD)  # only the paragraphs with the word
    close(qtbot, export_from(qtbot, again, tmp_path / "edited.wav"))
    assert uploads(server) == {"add_from_rules": 0, "set_rules": 1}
    assert tts_requests(server) == len(WITH_WORD)


def test_a_dictionary_the_server_forgot_is_uploaded_again_once_and_nothing_is_paid_twice(
        qtbot: Any, make_window: Any, server: LocalServer, tmp_path: Path) -> None:
    window = with_rule(qtbot, make_window, server)
    close(qtbot, export_from(qtbot, window, tmp_path / "first.wav"))
    assert uploads(server)["add_from_rules"] == 1
    # The server restarted at the same address: it knows none of the dictionaries it had.
    server.state.dictionaries = DictionaryStore()
    editor = window.script.editor
    editor.setPlainText(SCRIPT + "\n\nLater, Mrs Nguyen brought the tea.\n\nNguyen thanked her.")
    wait_counted(qtbot, window)
    assert window.counter.stats.requests == 2  # the record still names the old copy: no upload to count
    before = characters_used(server)
    server.clear_requests()
    sent = spy_requests(window)
    close(qtbot, export_from(qtbot, window, tmp_path / "second.wav"))
    assert uploads(server) == {"add_from_rules": 1, "set_rules": 0}  # once, though two parts met the 404
    speech = [r for r in server.requests() if r["route"].startswith("tts_")]
    assert 2 < len(speech) <= 4  # each new paragraph, plus the refused try(s) before the upload
    assert characters_used(server) - before == len("Later, Mrs Nguyen brought the tea.") + len("Nguyen thanked her.")
    assert len({r.pronunciation_dictionary_locators for r in sent}) == 1  # the old locator, as planned
    # Next time the new copy is used straight away.
    editor.setPlainText(editor.toPlainText() + "\n\nNguyen left.")
    wait_counted(qtbot, window)
    server.clear_requests()
    close(qtbot, export_from(qtbot, window, tmp_path / "third.wav"))
    assert tts_requests(server) == 1 and uploads(server) == {"add_from_rules": 0, "set_rules": 0}


@needs_audio
def test_a_phoneme_rule_the_model_cannot_use_is_said_to_be_skipped_when_it_plays(
        qtbot: Any, make_window: Any, server: LocalServer) -> None:
    window = connect(qtbot, make_window(), server)  # Eleven Multilingual v2: no phoneme rules
    text = "Thailand is warm.\n\nMr Nguyen is here."
    type_script(qtbot, window, text)
    server.clear_requests()
    own = window.pronunciation.controller.own.id
    window.pronunciation.controller.put_rule(own, PhonemeRule("Thailand", "ˈtaɪ.lænd", "ipa"))
    window.pronunciation.controller.put_rule(own, AliasRule("Nguyen", "win"))
    wait_counted(qtbot, window)
    with qtbot.waitSignal(window.pronunciation.status, timeout=60000,
                          check_params_cb=lambda text: "Skipped" in text) as said:
        play_all(qtbot, window)
    message = said.args[0]
    assert "Skipped 1 phoneme rule (“Thailand”)" in message and "read as written" in message
    assert "Thailand = teye land" in message  # the alias offered instead
    assert uploads(server)["add_from_rules"] == 1  # synced to the account all the same


@needs_audio
def test_a_server_without_dictionaries_gets_the_rules_applied_by_the_window_and_is_asked_once(
        qtbot: Any, make_window: Any, tmp_path: Path) -> None:
    with run_server(tier="creator", dictionaries_enabled=False) as bare:
        window = connect(qtbot, make_window(), bare)
        type_script(qtbot, window, SCRIPT)
        bare.clear_requests()
        sent = spy_requests(window)
        with qtbot.waitSignal(window.pronunciation.status, timeout=60000,
                              check_params_cb=lambda text: "applies the rules itself" in text):
            activate(qtbot, window)
            pronounce_as(qtbot, window, SCRIPT.index("Nguyen"), "win")
            wait_counted(qtbot, window)
            assert window.counter.stats.requests == len(PARAGRAPHS)
            play_all(qtbot, window)
        assert [r.text for r in sent] == [p.replace("Nguyen", "win") for p in PARAGRAPHS]  # applied here
        assert not any(r.pronunciation_dictionary_locators for r in sent)
        close(qtbot, export_from(qtbot, window, tmp_path / "bare.wav"))
        assert tts_requests(bare) == len(PARAGRAPHS)  # the export found Play's audio
