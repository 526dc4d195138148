"""The export dialog's progress view: parts finished, credits spent and saved, time left.

A view only: the dialog hands it the checked plan (a :class:`~studio.ui.export_controller.Preflight`)
and each :class:`~studio.core.longform.Progress`.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGroupBox, QLabel, QProgressBar, QVBoxLayout, QWidget

from studio.core.longform import Progress
from studio.ui.export_controller import Preflight


def clock(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def credits(value: float) -> str:
    return f"{value:,.0f}"


class ExportProgress(QGroupBox):
    """Hidden until the first export starts."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Progress", parent)
        self.setAccessibleName("Export progress")
        self.progress_bar = QProgressBar()
        self.progress_bar.setAccessibleName("Parts finished")
        self.progress_bar.setFormat("%v of %m parts")
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(0)
        self.parts_label = QLabel()
        self.parts_label.setAccessibleName("Parts")
        self.spent_label = QLabel()
        self.spent_label.setAccessibleName("Credits spent")
        self.saved_label = QLabel()
        self.saved_label.setAccessibleName("Credits saved by the cache")
        self.time_label = QLabel()
        self.time_label.setAccessibleName("Time left")
        self.status_label = QLabel()
        self.status_label.setAccessibleName("Export status")
        self.status_label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.progress_bar)
        for label in (self.parts_label, self.spent_label, self.saved_label, self.time_label, self.status_label):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            layout.addWidget(label)
        self.hide()

    def show_plan(self, preflight: Preflight, *, offline: bool) -> None:
        total = preflight.parts_total
        self.progress_bar.setRange(0, max(1, total))
        self.progress_bar.setValue(0)
        to_make = preflight.plan.requests_needed
        self.parts_label.setText(f"0 of {total} parts done ({preflight.parts_cached} already made, {to_make} to make)")
        if offline:
            self.spent_label.setText("Credits: none — the offline voice is free")
            self.saved_label.setText("")
        else:
            self.spent_label.setText(f"Credits spent: 0 of about {credits(preflight.plan.credits_needed)}")
            self.saved_label.setText("Credits saved by the cache: 0")
        self.saved_label.setVisible(not offline)
        self.time_label.setText("Time left: estimating…")
        self.time_label.show()
        self.status_label.setText("Starting…")
        self.show()

    def show_progress(self, progress: Progress, *, offline: bool, exporting: bool) -> None:
        self.progress_bar.setRange(0, max(1, progress.segments_total))
        self.progress_bar.setValue(progress.segments_done)
        self.parts_label.setText(
            f"{progress.segments_done} of {progress.segments_total} parts done "
            f"({progress.segments_from_cache} from the cache)"
        )
        if not offline:
            estimate = progress.credits_estimated
            self.spent_label.setText(
                f"Credits spent: {credits(progress.credits_spent)}"
                + (f" of about {credits(estimate)}" if estimate else "")
            )
            self.saved_label.setText(f"Credits saved by the cache: {credits(progress.credits_saved)}")
        if progress.phase == "done":
            self.time_label.setText("Time left: writing the file…")
            self.status_label.setText("All parts are made; saving the file…")
        else:
            left = progress.seconds_left
            self.time_label.setText("Time left: estimating…" if left is None else f"Time left: about {clock(left)}")
            if progress.message:
                self.status_label.setText(progress.message)
            elif exporting:
                self.status_label.setText("Making the speech…")

    def show_done(self) -> None:
        self.progress_bar.setValue(self.progress_bar.maximum())
        self.time_label.setText("Time left: done")
        self.status_label.setText("Done.")

    def show_stopped(self, text: str) -> None:
        self.status_label.setText(text)
        self.time_label.hide()
