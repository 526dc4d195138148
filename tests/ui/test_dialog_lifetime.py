"""Closed dialogs are deleted: they do not keep the script, the engine or a typed key alive.

The About, Account and Export dialogs used to stay behind as hidden children of the window
(and the last Account / Export dialog as a window attribute) until the window itself went.
"""

from __future__ import annotations

import gc
import weakref
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QDialog


SECRET = "sk_typed_but_never_saved_0123456789"


def _assert_deleted(qtbot: Any, ref: weakref.ref[QDialog], destroyed: list[bool]) -> None:
    """Deleted by Qt (``destroyed`` fired) and freed by Python (no wrapper left holding its attributes)."""

    def gone() -> bool:
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        gc.collect()
        return bool(destroyed) and ref() is None

    qtbot.waitUntil(gone, timeout=5000)


def _closed(qtbot: Any, dialog: QDialog) -> tuple[weakref.ref[QDialog], list[bool]]:
    assert dialog.isVisible()
    ref = weakref.ref(dialog)
    destroyed: list[bool] = []
    dialog.destroyed.connect(lambda *_: destroyed.append(True))
    dialog.reject()
    return ref, destroyed


def test_about_dialog_is_deleted_when_closed(qtbot, make_window) -> None:
    from studio.ui.about_dialog import AboutDialog

    window = make_window()
    window.show_about()
    dialog = window.findChild(AboutDialog)
    qtbot.waitUntil(lambda: bool(dialog.notices.toPlainText()), timeout=10000)  # its worker is done
    ref, destroyed = _closed(qtbot, dialog)
    del dialog
    _assert_deleted(qtbot, ref, destroyed)
    assert window.findChild(AboutDialog) is None


def test_account_dialog_is_deleted_with_the_typed_key(qtbot, make_window) -> None:
    window = make_window()
    window.open_account()
    dialog = window.account_dialog
    dialog.key.setText(SECRET)
    ref, destroyed = _closed(qtbot, dialog)
    del dialog
    _assert_deleted(qtbot, ref, destroyed)
    assert window.account_dialog is None
    assert not any(SECRET in str(getattr(obj, "text", lambda: "")()) for obj in window.findChildren(QDialog))


def test_export_dialog_is_deleted_with_its_script(qtbot, offline_window) -> None:
    window = offline_window
    window.script.editor.setPlainText("A script that should not outlive its export dialog.")
    window.open_export()
    dialog = window.export_dialog
    assert dialog.script.text.startswith("A script")
    ref, destroyed = _closed(qtbot, dialog)
    del dialog
    _assert_deleted(qtbot, ref, destroyed)
    assert window.export_dialog is None
