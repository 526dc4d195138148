"""The window's dialogs: Export Audio, Check Timing and Account, and how the window keeps them.

Each open dialog is an attribute of the window (``window.export_dialog``…) while it is open
and is deleted and forgotten once closed (keep_until_closed). What a dialog needs is read from
the window when it opens, so it sees the current script, engine and cache.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from studio.ui.inline_message import Tone
from studio.ui.render_source import NotReadyError
from studio.ui.worker import Worker

if TYPE_CHECKING:
    from studio.ui.account_dialog import AccountChoice
    from studio.ui.main_window import MainWindow


def keep_until_closed(window: MainWindow, name: str, dialog: QDialog) -> None:
    """``window.<name>`` is ``dialog`` while it is open; closed, it is deleted and forgotten."""
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    setattr(window, name, dialog)

    def forget(_result: int) -> None:
        if getattr(window, name, None) is dialog:
            setattr(window, name, None)

    dialog.finished.connect(forget)


def open_export(w: MainWindow) -> None:
    """File ▸ Export Audio: the export dialog over a snapshot of the document and the one plan."""
    from studio.ui.export_choices import RememberedExport
    from studio.ui.export_dialog import ExportDialog

    w.document.sync()
    try:
        # While the engine starts, the dialog opens anyway: its work waits for the engine in a worker.
        inputs = w.render_source.current()
        if not w.document.text.strip():
            raise NotReadyError("There is nothing to export", "Write some words in the script first.")
    except NotReadyError as problem:
        w.script.message.show_error(problem)
        return
    folder = Path(w.project.path).parent if w.project.path else Path(w.files.project_dir())
    dialog = ExportDialog(
        w.document.snapshot(), inputs, source=w.document.text, pool=w.pool, cache=w._cache,
        directory=folder, base_name=w.files.file_stem(),
        remembered=RememberedExport(w.preferences, w.settings.state().output_format, w._prefs_timer.start),
        parent=w,
    )
    keep_until_closed(w, "export_dialog", dialog)  # then the script and engine go with it
    dialog.take_made.connect(w.document.add_take)  # what the export made is the paragraphs' take
    dialog.take_made.connect(w.listen.on_take)  # …and is heard like a take Play made
    dialog.exported.connect(lambda _result: w.session.refresh_subscription())
    dialog.open()
    if not getattr(inputs.backend, "is_ready", True):
        dialog.message.show_message(
            f"{inputs.backend.display_name} is still starting. Choose your options; the export waits for it.",
            Tone.INFO,
        )
        w.session.started.connect(dialog.message.hide)  # no "still starting" once it is ready


def open_timing_qa(w: MainWindow) -> None:
    """Playback ▸ Check Timing: the takes' timing QA (studio.ui.timing_qa_view), one window at a time."""
    from studio.ui.timing_qa_view import TimingQaDialog

    if getattr(w, "timing_qa_dialog", None) is not None:
        w.timing_qa_dialog.refresh()
        w.timing_qa_dialog.raise_()
        return
    dialog = TimingQaDialog(w.document, w.script.editor, pool=w.pool, cache=w._cache, parent=w)
    keep_until_closed(w, "timing_qa_dialog", dialog)
    dialog.show()
    dialog.refresh()


def open_account(w: MainWindow) -> None:
    from studio.ui.account_dialog import AccountDialog

    dialog = AccountDialog(
        w.pool,
        engine=w.preferences.engine,
        api_key=w.session.api_key,
        base_url=w.preferences.base_url,
        keyring_available=w.session.keyring_available,
        parent=w,
    )
    keep_until_closed(w, "account_dialog", dialog)
    dialog.accepted.connect(lambda: w.apply_account(dialog.choice()))
    dialog.open()


def apply_account(w: MainWindow, choice: AccountChoice) -> None:
    """Save the key (keyring, in a worker), remember the engine and address, restart the engine."""
    w.preferences.engine = choice.engine
    w.preferences.base_url = choice.base_url
    w._prefs_timer.start()
    if choice.key_changed and choice.api_key:
        from studio.api.auth import save_api_key

        key = choice.api_key
        worker = Worker(lambda token: save_api_key(key))
        worker.signals.errored.connect(
            lambda error: w.banner.show_message(f"{error} The key is used for this session only.", Tone.WARNING)
        )
        w.pool.start(worker)
    w.banner.hide()
    w.session.start(choice.engine, choice.base_url, api_key=choice.api_key if choice.engine == "elevenlabs" else None)
