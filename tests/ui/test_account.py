"""Account: pasting and checking a key, switching engines, a rejected key, no key at all.

The server needs the key ``LOCAL_TEST_KEY`` (``local_server_with_key``). The OS keyring is
the null backend in tests (conftest), i.e. "no password store": keys are kept for the
session only, and the studio starts on the offline voice with a banner saying how to connect.
"""

from __future__ import annotations

from typing import Any

from studio.ui.account_dialog import AccountDialog
from studio.ui.engine_session import NO_KEYRING
from tests.fixtures.local_server import LOCAL_TEST_KEY
from tests.ui.conftest import wait_for_engine, wait_for_voices


def _dialog(qtbot, window: Any, server: Any, key: str = "") -> AccountDialog:
    dialog = AccountDialog(window.pool, engine="elevenlabs", api_key=key or None, base_url=server.base_url,
                           keyring_available=False, parent=window)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_the_key_field_is_masked_and_can_be_revealed(qtbot, make_window, local_server_with_key) -> None:
    window = make_window()
    dialog = _dialog(qtbot, window, local_server_with_key)
    qtbot.keyClicks(dialog.key, LOCAL_TEST_KEY)  # a key being typed, not a stored one
    assert dialog.key.echoMode() == dialog.key.EchoMode.Password
    assert dialog.key.displayText() != LOCAL_TEST_KEY
    dialog.show_key.click()
    assert dialog.key.displayText() == LOCAL_TEST_KEY
    assert dialog.keyring_note.isVisible()  # no password store here: says the key is session-only
    assert not dialog.stored_key.isVisible()  # nothing stored yet


def _every_text(dialog: AccountDialog) -> list[str]:
    from PySide6.QtWidgets import QAbstractButton, QLabel, QLineEdit, QWidget

    texts: list[str] = []
    for widget in dialog.findChildren(QWidget):
        texts += [widget.toolTip(), widget.accessibleName(), widget.accessibleDescription(), widget.whatsThis()]
        if isinstance(widget, QLineEdit):
            texts += [widget.text(), widget.displayText(), widget.placeholderText()]
        elif isinstance(widget, (QLabel, QAbstractButton)):
            texts.append(widget.text())
    return texts


def test_a_stored_key_is_never_shown_only_its_last_four(qtbot, make_window, local_server_with_key) -> None:
    window = make_window()
    dialog = _dialog(qtbot, window, local_server_with_key, key=LOCAL_TEST_KEY)
    assert dialog.key.text() == ""  # not pre-filled...
    dialog.show_key.click()
    assert dialog.key.displayText() == ""  # ...so Show has nothing to reveal
    hidden_part = LOCAL_TEST_KEY[:-4]
    assert not [t for t in _every_text(dialog) if hidden_part in t]
    assert dialog.stored_key.isVisible()
    assert "A key is stored" in dialog.stored_key.text() and f"…{LOCAL_TEST_KEY[-4:]}" in dialog.stored_key.text()
    # Leaving the field empty keeps the stored key (and Check checks it).
    choice = dialog.choice()
    assert choice.api_key == LOCAL_TEST_KEY and not choice.key_changed
    dialog.check.click()
    qtbot.waitUntil(lambda: dialog.message.text.startswith("The key works"), timeout=10000)
    # Replacing it is typing a new one.
    qtbot.keyClicks(dialog.key, "sk_replacement_key_9876543210")
    choice = dialog.choice()
    assert choice.api_key == "sk_replacement_key_9876543210" and choice.key_changed
    assert dialog.key.displayText() == "sk_replacement_key_9876543210"  # Show is still on: what was typed


def test_a_key_is_not_checked_over_plain_http_to_another_computer(qtbot, make_window, local_server_with_key) -> None:
    window = make_window()
    dialog = _dialog(qtbot, window, local_server_with_key)
    qtbot.keyClicks(dialog.key, LOCAL_TEST_KEY)
    dialog.base_url.setText("http://192.0.2.10:8000")  # (the network guard would stop a real attempt)
    dialog.check.click()
    qtbot.waitUntil(lambda: "unencrypted" in dialog.message.text, timeout=10000)
    assert "https://" in dialog.message.text and LOCAL_TEST_KEY not in dialog.message.text
    assert dialog.check.isEnabled()


def test_check_reports_a_rejected_key_in_plain_words(qtbot, make_window, local_server_with_key) -> None:
    window = make_window()
    dialog = _dialog(qtbot, window, local_server_with_key)
    dialog.key.setText("sk_wrong_key_000000000000")
    dialog.check.click()
    qtbot.waitUntil(lambda: "rejected" in dialog.message.text, timeout=10000)
    text = dialog.message.text
    assert "401" not in text and "HTTP" not in text
    assert "sk_wrong_key" not in text  # never echo a key
    assert dialog.message.action_button.text() == "Retry"
    assert dialog.check.isEnabled()


def test_check_accepts_the_right_key_and_shows_usage(qtbot, make_window, local_server_with_key) -> None:
    window = make_window()
    dialog = _dialog(qtbot, window, local_server_with_key)
    dialog.key.setText(LOCAL_TEST_KEY)
    dialog.check.click()
    qtbot.waitUntil(lambda: dialog.message.text.startswith("The key works"), timeout=10000)
    assert "Creator plan" in dialog.message.text
    assert "left" in dialog.message.text


def test_a_bad_address_is_explained(qtbot, make_window, local_server_with_key) -> None:
    window = make_window()
    dialog = _dialog(qtbot, window, local_server_with_key)
    dialog.key.setText(LOCAL_TEST_KEY)
    dialog.base_url.setText("ftp:/nowhere")
    dialog.check.click()
    qtbot.waitUntil(lambda: "not a web address" in dialog.message.text, timeout=10000)


def test_connecting_switches_engine_and_shows_usage(qtbot, make_window, local_server_with_key, tmp_path) -> None:
    window = make_window()
    window.start_engine()  # no key anywhere: offline with a banner
    wait_for_engine(qtbot, window, "offline", timeout=60000)
    assert window.banner.isVisible()
    assert window.banner.text == NO_KEYRING
    assert window.banner.action_button.text() == "Connect account…"
    assert window.status.engine_label.text() == "Offline voice"

    window.banner.action_button.click()  # opens the Account dialog
    dialog = window.account_dialog
    assert dialog.isVisible()
    dialog.use_elevenlabs.setChecked(True)
    dialog.key.setText(LOCAL_TEST_KEY)
    dialog.base_url.setText(local_server_with_key.base_url)
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    wait_for_engine(qtbot, window, "elevenlabs")
    assert window.status.engine_label.text() == "ElevenLabs"
    qtbot.waitUntil(lambda: window.status.usage_label.text().startswith("Characters:"), timeout=10000)
    assert "left" in window.status.usage_label.text() and "resets" in window.status.usage_label.text()
    # No password store: the key works for this session and the window says so.
    qtbot.waitUntil(lambda: "this session only" in window.banner.text, timeout=10000)
    assert window.preferences.engine == "elevenlabs"
    assert window.preferences.base_url == local_server_with_key.base_url
    wait_for_voices(qtbot, window)
    saved = window.preferences_store.path
    qtbot.waitUntil(lambda: saved.exists(), timeout=5000)
    assert LOCAL_TEST_KEY not in saved.read_text()
    window.script.editor.setPlainText("Words worth keeping.")
    project = tmp_path / "with-account.narration"
    with qtbot.waitSignal(window.project.saved, timeout=10000):
        window.project.save_as(str(project))
    assert LOCAL_TEST_KEY not in project.read_text(encoding="utf-8")
    assert '"engine": "elevenlabs"' in project.read_text(encoding="utf-8")

    # ...and back to the offline voice.
    window.open_account()
    dialog = window.account_dialog
    dialog.use_offline.setChecked(True)
    dialog.accept()
    wait_for_engine(qtbot, window, "offline", timeout=60000)
    assert window.status.usage_label.text() == ""


def test_a_rejected_key_at_start_says_what_to_do(qtbot, make_window, local_server_with_key, monkeypatch) -> None:
    monkeypatch.setenv("ELEVENLABS_API_KEY", "sk_revoked_key_0000000000")
    from studio.core.preferences import Preferences

    window = make_window(Preferences(engine="elevenlabs", base_url=local_server_with_key.base_url))
    window.start_engine()
    wait_for_engine(qtbot, window, "elevenlabs")
    qtbot.waitUntil(lambda: window.banner.isVisible() and "rejected" in window.banner.text, timeout=10000)
    assert window.banner.action_button.text() == "Account…"
    assert "401" not in window.banner.text
    # The voice list says it too, where the failure happened, with Retry.
    qtbot.waitUntil(lambda: window.browser.message.isVisible(), timeout=10000)
    assert "rejected" in window.browser.message.text
    assert window.browser.message.action_button.text() == "Retry"
    assert window.status.usage_label.text() == "Usage unavailable"


def test_with_a_password_store_but_no_key_the_banner_says_how_to_connect(qtbot) -> None:
    """The other first-start case: a keyring exists but holds no key (loader seam, real offline engine)."""
    from studio.ui.engine_session import NO_KEY, EngineSession
    from studio.ui.worker import WorkerPool

    pool = WorkerPool(max_threads=2)
    session = EngineSession(pool, key_loader=lambda: (None, True))
    try:
        with qtbot.waitSignal(session.started, timeout=60000) as blocker:
            session.start("elevenlabs")
        started = blocker.args[0]
        assert started.backend.engine_id == "offline"
        assert started.fallback_reason == NO_KEY
        assert "paste your API key" in NO_KEY
        assert session.keyring_available is True
    finally:
        assert pool.shutdown(10000)
        session.shutdown()


def test_keys_never_appear_in_reprs() -> None:
    from studio.ui.account_dialog import AccountChoice
    from studio.ui.engine_session import EngineStarted

    secret = "sk_secret_do_not_print_123456"
    assert secret not in repr(AccountChoice("elevenlabs", secret, True, None))
    assert secret not in repr(EngineStarted(object(), None, secret))
