"""Account ▸ Connect: paste an API key (kept in the OS keyring), check it, pick the engine.

A key already stored is never put back into a widget — not the field, not a label, not a
tooltip — so it cannot be revealed, copied or screenshotted from here: the dialog only says
that one is stored and shows its last 4 characters. Typing a new key replaces it; leaving the
field empty keeps it. The field is masked (Show reveals what was typed). "Check" asks the
server for the account's subscription in a worker (with the typed key, else the stored one)
and reports the plan and usage — or why the key was refused — in plain words. Nothing here
writes anything: the window saves the choice when the dialog is accepted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from studio.cancel import CancelToken
from studio.ui.inline_message import InlineMessage, Tone
from studio.ui.status_bar import describe_usage
from studio.ui.worker import Worker, WorkerPool

KeyCheck = Callable[[str, "str | None"], Any]


def check_key_with_server(api_key: str, base_url: str | None) -> Any:
    """Ask the server who this key belongs to (blocking: call from a worker)."""
    from studio.api.auth import resolve_base_url
    from studio.api.client import ElevenLabsClient

    client = ElevenLabsClient(api_key, resolve_base_url(base_url), max_retries=0)
    try:
        return client.get_subscription()
    finally:
        client.close()


@dataclass(frozen=True)
class AccountChoice:
    engine: str  # "elevenlabs" or "offline"
    #: The typed key, else the stored one (None: neither); never in a repr or a log.
    api_key: str | None = field(repr=False)
    key_changed: bool  # a new key was typed
    base_url: str | None


#: A stored key shorter than this shows no characters at all (4 would give too much away).
MIN_KEY_FOR_ENDING = 8


def stored_key_note(key: str) -> str:
    """What the dialog says about a stored key: that it exists, and its last 4 characters."""
    ending = f", ending in “…{key[-4:]}”" if len(key) >= MIN_KEY_FOR_ENDING else ""
    return f"A key is stored{ending}. Type a new key to replace it, or leave the field empty to keep it."


class AccountDialog(QDialog):
    def __init__(
        self,
        pool: WorkerPool,
        *,
        engine: str,
        api_key: str | None,
        base_url: str | None,
        keyring_available: bool,
        check_key: KeyCheck = check_key_with_server,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # the typed key goes with it
        self.setWindowTitle("Account")
        self.setObjectName("accountDialog")
        self._pool = pool
        self._check_key = check_key
        self._stored_key = api_key or ""  # only here: never handed to a widget
        self._worker: Worker | None = None

        self.use_elevenlabs = QRadioButton("ElevenLabs — your account's voices (uses credits)")
        self.use_offline = QRadioButton("Offline voice — free, private, works without a connection")
        group = QButtonGroup(self)
        group.addButton(self.use_elevenlabs)
        group.addButton(self.use_offline)
        (self.use_offline if engine == "offline" else self.use_elevenlabs).setChecked(True)
        self.use_elevenlabs.setAccessibleName("Speak with ElevenLabs")
        self.use_offline.setAccessibleName("Speak with the offline voice")

        self.key = QLineEdit()
        self.key.setEchoMode(QLineEdit.EchoMode.Password)
        self.key.setPlaceholderText(
            "Type a new key to replace the stored one" if self._stored_key
            else "Paste your API key (from elevenlabs.io ▸ Profile ▸ API keys)"
        )
        self.key.setAccessibleName("API key")
        self.stored_key = QLabel(stored_key_note(self._stored_key) if self._stored_key else "")
        self.stored_key.setWordWrap(True)
        self.stored_key.setAccessibleName("Stored API key")
        self.stored_key.setVisible(bool(self._stored_key))
        self.show_key = QPushButton("Show")
        self.show_key.setCheckable(True)
        self.show_key.setAccessibleName("Show API key")
        self.show_key.toggled.connect(
            lambda on: self.key.setEchoMode(QLineEdit.EchoMode.Normal if on else QLineEdit.EchoMode.Password)
        )
        self.check = QPushButton("Check")
        self.check.setAccessibleName("Check API key")
        self.check.setToolTip("Ask ElevenLabs whether this key works (uses no credits)")
        self.check.clicked.connect(self.check_key)
        self.base_url = QLineEdit(base_url or "")
        self.base_url.setPlaceholderText("https://api.elevenlabs.io (default)")
        self.base_url.setAccessibleName("API address")
        self.base_url.setToolTip("Change only for a proxy or a local test server (narration-studio serve).")
        self.message = InlineMessage(self, closable=False)
        self.keyring_note = QLabel(
            "This computer has no password store: the key is kept only until you close the studio."
        )
        self.keyring_note.setWordWrap(True)
        self.keyring_note.setVisible(not keyring_available)
        self.keyring_note.setAccessibleName("Password store note")

        key_row = QHBoxLayout()
        key_row.addWidget(self.key, 1)
        key_row.addWidget(self.show_key)
        key_row.addWidget(self.check)
        form = QFormLayout()
        key_label = QLabel("API &key")
        key_label.setBuddy(self.key)
        form.addRow(key_label, key_row)
        form.addRow("", self.stored_key)
        url_label = QLabel("API &address")
        url_label.setBuddy(self.base_url)
        form.addRow(url_label, self.base_url)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        for button in self.buttons.buttons():
            button.setAccessibleName(button.text().replace("&", ""))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<b>Speak with</b>"))
        layout.addWidget(self.use_elevenlabs)
        layout.addWidget(self.use_offline)
        layout.addSpacing(8)
        layout.addLayout(form)
        layout.addWidget(self.keyring_note)
        layout.addWidget(self.message)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.use_elevenlabs.toggled.connect(self._sync_enabled)
        self._sync_enabled()
        self.resize(self.sizeHint().expandedTo(self.minimumSizeHint()).width() + 80, self.sizeHint().height())

    def choice(self) -> AccountChoice:
        typed = self.key.text().strip()
        return AccountChoice(
            engine="elevenlabs" if self.use_elevenlabs.isChecked() else "offline",
            api_key=typed or self._stored_key or None,
            key_changed=bool(typed) and typed != self._stored_key,
            base_url=self.base_url.text().strip() or None,
        )

    def check_key(self) -> None:
        key = self.key.text().strip() or self._stored_key
        if not key:
            self.message.show_message("Paste your API key first, then press Check.", Tone.WARNING)
            return
        self.check.setEnabled(False)
        self.message.show_message("Checking the key…", Tone.INFO)
        base_url = self.base_url.text().strip() or None
        check = self._check_key

        def run(token: CancelToken) -> Any:
            return check(key, base_url)

        worker = Worker(run)
        worker.signals.finished.connect(self._on_checked)
        worker.signals.errored.connect(self._on_check_failed)
        # Cancelled (the dialog closed): nothing to show, only the button to give back.
        worker.signals.aborted.connect(lambda: self.check.setEnabled(True))
        self._worker = worker
        self._pool.start(worker)

    def _on_check_failed(self, error: BaseException) -> None:
        # The button comes back with the answer, never a moment after it.
        self.check.setEnabled(True)
        self.message.show_error(error, retry=self.check_key)

    def _on_checked(self, subscription: Any) -> None:
        self.check.setEnabled(True)
        usage, _tip = describe_usage(subscription)
        tier = (getattr(subscription, "tier", "") or "").replace("_", " ").capitalize()
        plan = f"{tier} plan" if tier else "Your plan"
        self.message.show_message(f"The key works. {plan}: {usage}.", Tone.INFO)

    def _sync_enabled(self) -> None:
        on = self.use_elevenlabs.isChecked()
        for widget in (self.key, self.show_key, self.check, self.base_url, self.stored_key):
            widget.setEnabled(on)

    def done(self, result: int) -> None:  # noqa: D401 - Qt override
        if self._worker is not None:
            self._worker.cancel()
        super().done(result)


__all__ = ["AccountDialog", "AccountChoice", "check_key_with_server", "stored_key_note"]
