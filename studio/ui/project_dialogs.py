"""The questions a project asks a person: save before closing? where to save? what to open?"""

from __future__ import annotations

import re

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from studio.core.project import PROJECT_SUFFIX
from studio.ui.project_controller import CloseAnswer

PROJECT_FILTER = f"Narration projects (*{PROJECT_SUFFIX});;All files (*)"
#: A suggested file name holds at most this many words and characters.
NAME_WORDS, NAME_CHARS = 6, 40


def suggested_name(script: str) -> str:
    """A file name from the script's first words ("Chapter One The Lighthouse"), else "Untitled".

    The words come from the first line or sentence; only letters, digits, spaces, hyphens and
    apostrophes are kept, so the name is valid on every system (no slashes, colons or quotes)."""
    for part in re.split(r"[.!?…\n]", script):
        words = re.findall(r"[^\W_]+(?:[-'’][^\W_]+)*", part)
        if words:
            break
    else:
        return "Untitled"
    name = words[0][:NAME_CHARS]
    for word in words[1:NAME_WORDS]:
        if len(name) + 1 + len(word) > NAME_CHARS:
            break
        name = f"{name} {word}"
    return name


def ask_unsaved_changes(parent: QWidget, name: str) -> CloseAnswer:
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("Unsaved changes")
    box.setText(f"Save the changes to “{name}”?")
    box.setInformativeText("If you don't save, your changes will be lost.")
    box.setStandardButtons(
        QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel
    )
    box.setDefaultButton(QMessageBox.StandardButton.Save)
    answer = box.exec()
    return {
        QMessageBox.StandardButton.Save: CloseAnswer.SAVE,
        QMessageBox.StandardButton.Discard: CloseAnswer.DISCARD,
    }.get(QMessageBox.StandardButton(answer), CloseAnswer.CANCEL)


def ask_project_save_path(parent: QWidget, start: str) -> str | None:
    path, _ = QFileDialog.getSaveFileName(parent, "Save project", start, PROJECT_FILTER)
    return path or None


def ask_project_open_path(parent: QWidget, folder: str) -> str | None:
    path, _ = QFileDialog.getOpenFileName(parent, "Open project", folder, PROJECT_FILTER)
    return path or None
