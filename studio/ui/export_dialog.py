"""The Export dialog: where to save, how it should sound, which subtitles, and a progress view.

The dialog is only a view: planning, checking and exporting happen in
:class:`~studio.ui.export_controller.ExportController` workers, over the window's script
document (a snapshot taken when the dialog opened) and the one render plan. As it opens, it
says what the export will send and cost (the same plan the counter under the script shows,
and the export then runs). Every take the export makes is re-emitted as ``take_made`` for
the window's document. Pressing Export (or Enter)
checks first; if the audio file or any subtitle file already exists the person is asked
before anything is replaced. While exporting, a progress bar counts finished parts, with
the credits spent, the credits the cache saved, and the time left. Cancel (or Esc) stops
the export; nothing appears at the destination and finished parts stay in the cache, so
Resume finishes the rest without paying for them again. Errors are shown inside the dialog
in words, with a button to try again. After an export the dialog offers to open the folder
or play the file.

The form (:mod:`studio.ui.export_form`) and the progress view (:mod:`studio.ui.export_progress`)
are separate widgets; the dialog starts from the remembered choices
(:mod:`studio.ui.export_choices`) and keeps the ones it exported with.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QCloseEvent, QDesktopServices
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QMessageBox, QPushButton, QVBoxLayout, QWidget

from studio.core.exporter import ExportOptions, ExportResult, RunTuning
from studio.core.longform import GenerationError, Progress
from studio.core.preferences import ExportChoices
from studio.core.script import RenderPlan, Script
from studio.ui.export_choices import RememberedExport
from studio.ui.export_controller import ExportController, Preflight
from studio.ui.export_form import ExportForm, FileChooser, choose_save_path
from studio.ui.export_progress import ExportProgress, clock, credits
from studio.ui.inline_message import InlineMessage, Tone, describe_error
from studio.ui.script_stats import PlanStats
from studio.ui.subtitle_rules_panel import SubtitleRulesPanel

if TYPE_CHECKING:
    from studio.core.cache import SpeechCache
    from studio.core.render_inputs import RenderInputs
    from studio.ui.worker import WorkerPool

#: confirm(parent, files that would be replaced) -> True to replace them.
OverwriteConfirmer = Callable[[QWidget, list[Path]], bool]
#: Opens a folder or a file with the desktop's own program (a test passes a recorder).
UrlOpener = Callable[[QUrl], object]


def _check_options(form: ExportForm) -> ExportOptions:
    # The subtitle check needs the pause, not a destination (it writes nothing).
    return form.options() or ExportOptions(Path("unused"), pause_ms=form.pause_spin.value())


def ask_to_overwrite(parent: QWidget, paths: list[Path]) -> bool:
    names = "\n".join(f"• {p.name}" for p in paths)
    one = len(paths) == 1
    answer = QMessageBox.question(
        parent,
        "Replace existing files?",
        f"{'This file already exists' if one else 'These files already exist'} in “{paths[0].parent}”:\n\n"
        f"{names}\n\nReplace {'it' if one else 'them'} with the new export?",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


class ExportDialog(QDialog):
    """Export the script to an audio file (and subtitles). Open it with ``open()``, not ``exec()``."""

    #: The export completed: an ExportResult (for remembering the folder and format).
    exported = Signal(object)
    #: The export made a take of a paragraph: (block id, Take), for the window's document.
    take_made = Signal(str, object)

    def __init__(
        self,
        script: Script,
        inputs: RenderInputs,
        *,
        pool: WorkerPool,
        cache: SpeechCache | None,
        source: str | None = None,
        pause_ms: int = 0,
        tuning: RunTuning = RunTuning(),
        directory: Path | None = None,
        base_name: str = "narration",
        audio_format: str = "wav",
        remembered: RememberedExport | None = None,
        title: str = "",
        artist: str = "",
        confirm_overwrite: OverwriteConfirmer = ask_to_overwrite,
        choose_file: FileChooser = choose_save_path,
        open_url: UrlOpener = QDesktopServices.openUrl,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.setWindowTitle("Export audio")
        self.setAccessibleName("Export audio")
        self.controller = ExportController(script, inputs, pool=pool, cache=cache, source=source, tuning=tuning,
                                           parent=self)
        self._confirm_overwrite = confirm_overwrite
        self._remembered = remembered
        self.open_url = open_url
        #: Files the person already agreed to replace (not asked twice when resuming).
        self._agreed_to_replace: set[Path] = set()
        self._phase = "idle"  # idle, checking, exporting, cancelling
        self._cancelled_while = ""
        self.last_result: ExportResult | None = None
        #: What the buttons after an export open: {"Open folder": url, "Play": url}.
        self.offered: dict[str, QUrl] = {}

        choices = remembered.starting() if remembered is not None else ExportChoices(audio_format=audio_format)  # type: ignore[arg-type]
        self.form = ExportForm(directory or Path.home(), base_name, choices, title, artist, pause_ms,
                               choose_file=choose_file, pool=pool)
        #: The subtitle rule set and the cues that break it, checked in a worker before exporting.
        # The panel reads the form, never the dialog: no reference cycle keeps a closed dialog alive.
        self.rules_panel = SubtitleRulesPanel(pool, self.controller.preview_work(), partial(_check_options, self.form),
                                              choices.subtitle_rules, choices.custom_subtitle_rules)
        #: What the export will send and cost, from the plan (filled in by a worker).
        self.cost_label = QLabel()
        self.cost_label.setAccessibleName("What this export will send")
        self.cost_label.setWordWrap(True)
        self.cost_label.hide()
        self.progress = ExportProgress()
        self.message = InlineMessage(self, closable=False)
        self.message.setAccessibleName("Export message")

        self.export_button = QPushButton("&Export")
        self.export_button.setAccessibleName("Export")
        self.export_button.setDefault(True)  # Enter starts
        self.close_button = QPushButton("Close")
        self.close_button.setAccessibleName("Close")
        self.close_button.setAutoDefault(False)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.form)
        layout.addWidget(self.rules_panel)
        layout.addWidget(self.cost_label)
        layout.addWidget(self.progress)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.resize(560, self.sizeHint().height())
        self._wire()
        self._set_phase("idle")
        self.controller.estimate()
        if getattr(inputs.backend, "is_ready", True):
            self.rules_panel.request_check()
        else:  # as the estimate: no thread is held waiting for an engine that is still starting
            self.rules_panel.status.setText("The subtitles are checked when you change a rule, once the engine "
                                            "has started.")

    @property
    def script(self) -> Script:
        """The script document this dialog exports (its snapshot, with the takes it made)."""
        return self.controller.script

    def _wire(self) -> None:
        self.export_button.clicked.connect(self.start_export)
        self.close_button.clicked.connect(self.reject)
        c = self.controller
        c.estimated.connect(self._show_cost)
        self.finished.connect(lambda _result: c.drop_estimate())
        self.finished.connect(self.rules_panel.cancel)
        self.form.pause_spin.valueChanged.connect(self.rules_panel.pause_changed)
        c.take_made.connect(self.take_made)
        c.checked.connect(self._on_checked)
        c.progress.connect(self._on_progress)
        c.stage.connect(lambda text: self.progress.status_label.setText(f"{text}…"))
        c.finished.connect(self._on_finished)
        c.failed.connect(self._on_failed)
        c.cancelled.connect(self._on_cancelled)

    # == the form ===============================================================================
    @property
    def audio_format(self) -> str:
        return self.form.audio_format

    @property
    def destination(self) -> Path | None:
        return self.form.destination

    def set_destination(self, path: Path) -> None:
        self.form.set_destination(path)

    def options(self) -> ExportOptions | None:
        """The form's choices with the subtitle rules and fixes; raises ValueError for custom
        rules whose numbers do not agree."""
        options = self.form.options()
        return None if options is None else self.rules_panel.with_rules(options)

    def _choices(self) -> ExportChoices:
        return self.form.choices().model_copy(update={
            "subtitle_rules": self.rules_panel.rules_name,
            "custom_subtitle_rules": self.rules_panel.custom_values()})

    # == running ================================================================================
    @property
    def phase(self) -> str:
        return self._phase

    def start_export(self) -> None:
        """Export (Enter): check in a worker, ask before replacing files, then export."""
        if self._phase != "idle":
            return
        try:
            options = self.options()
        except ValueError as error:
            self.message.show_message(f"The custom subtitle rules do not agree: {error}.", Tone.WARNING)
            return
        if options is None:
            self.message.show_message("Choose where to save the audio first.", Tone.WARNING)
            self.form.destination_edit.setFocus()
            return
        self.message.hide()
        if self.controller.check(options):
            self._set_phase("checking")

    def _show_cost(self, plan: RenderPlan) -> None:
        self.cost_label.setText(PlanStats.of(plan).export_summary())
        self.cost_label.setVisible(bool(self.cost_label.text()))

    def _on_checked(self, preflight: Preflight) -> None:
        if self._phase == "cancelling":  # the check finished just as Cancel was pressed
            self._on_cancelled(0)
            return
        new = [p for p in preflight.existing if p not in self._agreed_to_replace]
        if new:
            if not self._confirm_overwrite(self, list(preflight.existing)):
                self._set_phase("idle")
                names = ", ".join(p.name for p in new)
                self.message.show_message(
                    f"Nothing was exported, and {names} {'was' if len(new) == 1 else 'were'} left as "
                    f"{'it was' if len(new) == 1 else 'they were'}. Choose another name to keep both.",
                    Tone.INFO,
                )
                return
            self._agreed_to_replace.update(new)
        self._show_cost(preflight.plan)
        self.progress.show_plan(preflight, offline=self.controller.is_offline)
        if self.controller.start(preflight, overwrite=bool(preflight.existing)):
            self._set_phase("exporting")
        else:  # pragma: no cover - the controller is idle here by construction
            self._set_phase("idle")

    def _on_progress(self, progress: Progress) -> None:
        self.progress.show_progress(progress, offline=self.controller.is_offline,
                                    exporting=self._phase == "exporting")

    def _on_finished(self, result: ExportResult) -> None:
        self.last_result = result
        self._set_phase("idle")
        self.progress.show_done()
        if self._remembered is not None:
            self._remembered.remember(self._choices())
        self.offered = {
            "Open folder": QUrl.fromLocalFile(str(result.audio_path.parent)),
            "Play": QUrl.fromLocalFile(str(result.audio_path)),
        }
        self._show_result(result)
        self.rules_panel.reload(self.controller.preview_work())  # over the takes this export made
        self.close_button.setFocus()
        self.exported.emit(result)

    def _show_result(self, result: ExportResult) -> None:
        g = result.generation
        extra = len(result.subtitle_paths)
        files = result.audio_path.name + (f" and {extra} subtitle file{'s' if extra != 1 else ''}" if extra else "")
        cost = "" if self.controller.is_offline else (
            f" Credits spent: {credits(g.credits_spent)}; saved by the cache: {credits(g.credits_saved)}."
        )
        text = (
            f"Saved {files} in “{result.audio_path.parent}” ({clock(result.duration_seconds)} of audio; "
            f"{g.segments_generated} parts made, {g.segments_from_cache} from the cache).{cost}"
        )
        if result.acx_reports and all(r.passed for r in result.acx_reports):
            text += "\nACX check: every file passes every ACX audio rule."
        for warning in result.warnings:
            text += f"\nNote: {warning}"

        def opener(label: str) -> Callable[[], None]:
            def run() -> None:
                self.open_url(self.offered[label])
                self._show_result(result)  # the message (and the other offer) stays
            return run

        self.message.show_message(text, Tone.INFO, action=("Open folder", opener("Open folder")),
                                  second_action=("Play", opener("Play")))

    def _on_failed(self, error: BaseException) -> None:
        was_exporting = self._phase == "exporting"
        self._set_phase("idle")
        if was_exporting:
            self.progress.show_stopped("Stopped.")
        # A segment that failed after retries can be resumed: the rest is in the cache.
        label = "Resume" if isinstance(error, GenerationError) else "Try again"
        self.message.show_message(describe_error(error), Tone.ERROR, action=(label, self.start_export))

    def _on_cancelled(self, saved_parts: int) -> None:
        was_exporting = self._cancelled_while == "exporting"
        self._set_phase("idle")
        if not was_exporting:  # stopped while checking: nothing had started
            self.message.show_message("Export cancelled. Nothing was written.", Tone.INFO)
            return
        self.progress.show_stopped("Cancelled.")
        again = "won't be made again" if self.controller.is_offline else "won't be paid for again"
        parts = "part is" if saved_parts == 1 else "parts are"
        self.message.show_message(
            f"Cancelled — the {saved_parts} finished {parts} saved and {again}. Nothing was written "
            f"to the destination.",
            Tone.INFO,
            action=("Resume", self.start_export),
        )

    def cancel_export(self) -> None:
        if self._phase in ("checking", "exporting"):
            self._cancelled_while = self._phase
            self._set_phase("cancelling")
            self.progress.status_label.setText("Cancelling…")
            self.controller.cancel()

    def _set_phase(self, phase: str) -> None:
        self._phase = phase
        idle = phase == "idle"
        self.form.setEnabled(idle)
        self.rules_panel.setEnabled(idle)
        self.export_button.setEnabled(idle)
        if idle:
            self.close_button.setText("Close")
            self.close_button.setAccessibleName("Close")
            self.close_button.setEnabled(True)
        else:
            self.close_button.setText("Cancel")
            self.close_button.setAccessibleName("Cancel export")
            self.close_button.setEnabled(phase != "cancelling")

    # == closing ================================================================================
    def reject(self) -> None:
        """Esc / Cancel / Close: stop a running export first; close only when nothing runs."""
        if self._phase == "idle" and not self.controller.is_running:
            super().reject()
        else:
            self.cancel_export()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt API
        if self._phase == "idle" and not self.controller.is_running:
            super().closeEvent(event)
        else:
            self.cancel_export()
            event.ignore()


