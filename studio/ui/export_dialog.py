"""The Export dialog: where to save, how it should sound, which subtitles, and a progress view.

The dialog is only a view: checking, planning and exporting happen in
:class:`~studio.ui.export_controller.ExportController` workers. Pressing Export (or Enter)
checks first; if the audio file or any subtitle file already exists the person is asked
before anything is replaced. While exporting, a progress bar counts finished parts, with
the credits spent, the credits the cache saved, and the time left. Cancel (or Esc) stops
the export; nothing appears at the destination and finished parts stay in the cache, so
Resume finishes the rest without paying for them again. Errors are shown inside the dialog
in words, with a button to try again.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from studio.core.exporter import ExportOptions, ExportResult
from studio.core.longform import GenerationError, LongformSettings, Progress
from studio.ui.export_controller import ExportController, Preflight
from studio.ui.inline_message import InlineMessage, Tone, describe_error

if TYPE_CHECKING:
    from studio.api.models import Model, Subscription
    from studio.core.backend import SynthesisBackend
    from studio.core.cache import SpeechCache
    from studio.ui.worker import WorkerPool

#: (format key, label, suffix) in the order offered.
AUDIO_FORMATS: tuple[tuple[str, str, str], ...] = (
    ("wav", "WAV (uncompressed)", ".wav"),
    ("flac", "FLAC (lossless, smaller)", ".flac"),
    ("ogg", "OGG Vorbis", ".ogg"),
    ("mp3", "MP3", ".mp3"),
)
_SUFFIX_TO_FORMAT = {suffix: key for key, _label, suffix in AUDIO_FORMATS}

#: What the exporter's quality presets mean for each format (studio.core.audio_export).
QUALITY_CHOICES: dict[str, tuple[tuple[str, str], ...]] = {
    "wav": (("high", "16-bit PCM, uncompressed"),),
    "flac": (
        ("low", "16-bit lossless, fastest"),
        ("medium", "16-bit lossless, balanced"),
        ("high", "16-bit lossless, smaller"),
        ("best", "16-bit lossless, smallest (slowest)"),
    ),
    "ogg": (
        ("low", "Low quality, smallest file"),
        ("medium", "Medium quality"),
        ("high", "High quality"),
        ("best", "Best quality, largest file"),
    ),
    "mp3": (
        ("low", "Low quality, smallest file"),
        ("medium", "Medium quality"),
        ("high", "High quality"),
        ("best", "Best quality, largest file"),
    ),
}

LOUDNESS_CHOICES: tuple[tuple[float | None, str], ...] = (
    (None, "Off (as spoken)"),
    (-16.0, "−16 LUFS (podcasts, online)"),
    (-23.0, "−23 LUFS (broadcast, EBU R128)"),
)

#: (subtitle format key, label)
SUBTITLE_CHOICES: tuple[tuple[str, str], ...] = (
    ("srt", "SRT subtitles (.srt)"),
    ("vtt", "WebVTT subtitles (.vtt)"),
    ("karaoke", "Karaoke WebVTT, word by word (.karaoke.vtt)"),
    ("lrc", "Enhanced LRC lyrics (.lrc)"),
    ("json", "Word timings as JSON (.timings.json)"),
)

#: confirm(parent, files that would be replaced) -> True to replace them.
OverwriteConfirmer = Callable[[QWidget, list[Path]], bool]
#: choose(parent, suggested path) -> the chosen path, or None when the person cancelled.
FileChooser = Callable[[QWidget, Path], Path | None]


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


def choose_save_path(parent: QWidget, suggested: Path) -> Path | None:
    filters = ";;".join(f"{label} (*{suffix})" for _key, label, suffix in AUDIO_FORMATS)
    current = next((f"{label} (*{s})" for _k, label, s in AUDIO_FORMATS if s == suggested.suffix.lower()), "")
    # We ask about replacing ourselves (the subtitle files count too).
    name, chosen_filter = QFileDialog.getSaveFileName(
        parent, "Export audio as", str(suggested), filters, current,
        QFileDialog.Option.DontConfirmOverwrite,
    )
    if not name:
        return None
    path = Path(name)
    if path.suffix.lower() not in _SUFFIX_TO_FORMAT:
        # No (or an unknown) extension typed: take the one of the chosen filter.
        for _key, label, suffix in AUDIO_FORMATS:
            if chosen_filter.startswith(label):
                path = path.with_name(path.name + suffix)
                break
    return path


def clock(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _credits(value: float) -> str:
    return f"{value:,.0f}"


class ExportDialog(QDialog):
    """Export the script to an audio file (and subtitles). Open it with ``open()``, not ``exec()``."""

    #: The export completed: an ExportResult (for remembering the folder and format).
    exported = Signal(object)

    def __init__(
        self,
        script: str,
        backend: SynthesisBackend,
        settings: LongformSettings,
        *,
        pool: WorkerPool,
        cache: SpeechCache | None,
        model: Model | None = None,
        subscription: Subscription | None = None,
        directory: Path | None = None,
        base_name: str = "narration",
        audio_format: str = "wav",
        title: str = "",
        artist: str = "",
        confirm_overwrite: OverwriteConfirmer = ask_to_overwrite,
        choose_file: FileChooser = choose_save_path,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.setWindowTitle("Export audio")
        self.setAccessibleName("Export audio")
        self.script = script
        self.controller = ExportController(
            backend, settings, pool=pool, cache=cache, model=model, subscription=subscription, parent=self
        )
        self._confirm_overwrite = confirm_overwrite
        self._choose_file = choose_file
        #: Files the person already agreed to replace (not asked twice when resuming).
        self._agreed_to_replace: set[Path] = set()
        self._phase = "idle"  # idle, checking, exporting, cancelling
        self._cancelled_while = ""
        self._last_progress: Progress | None = None
        self.last_result: ExportResult | None = None

        self._build(directory or Path.home(), base_name, audio_format, title, artist, settings.pause_ms)
        self._wire()
        self._set_phase("idle")

    # == building ===============================================================================
    def _build(self, directory: Path, base_name: str, audio_format: str, title: str, artist: str,
               pause_ms: int) -> None:
        fmt = audio_format.lower().lstrip(".")
        suffix = next((s for k, _l, s in AUDIO_FORMATS if k == fmt), ".wav")

        self.destination_edit = QLineEdit(str(directory / f"{base_name}{suffix}"))
        self.destination_edit.setAccessibleName("Destination file")
        self.destination_edit.setToolTip("The audio file to create. Subtitle files are saved beside it.")
        self.browse_button = QPushButton("Browse…")
        self.browse_button.setAccessibleName("Choose destination file")
        self.browse_button.setAutoDefault(False)
        destination_row = QHBoxLayout()
        destination_row.addWidget(self.destination_edit, 1)
        destination_row.addWidget(self.browse_button)

        self.format_combo = QComboBox()
        self.format_combo.setAccessibleName("Audio format")
        for key, label, _suffix in AUDIO_FORMATS:
            self.format_combo.addItem(label, key)
        self.format_combo.setCurrentIndex(self.format_combo.findData(_SUFFIX_TO_FORMAT[suffix]))

        self.quality_combo = QComboBox()
        self.quality_combo.setAccessibleName("Quality")
        self._preferred_quality = "high"
        self._fill_quality(self.audio_format, None)
        self.quality_combo.activated.connect(
            lambda _index: setattr(self, "_preferred_quality", str(self.quality_combo.currentData()))
        )

        self.loudness_combo = QComboBox()
        self.loudness_combo.setAccessibleName("Loudness normalisation")
        self.loudness_combo.setToolTip("Make the whole export equally loud, measured as EBU R128 loudness.")
        for target, label in LOUDNESS_CHOICES:
            self.loudness_combo.addItem(label, target)

        self.title_edit = QLineEdit(title)
        self.title_edit.setAccessibleName("Title tag")
        self.title_edit.setPlaceholderText("Optional")
        self.artist_edit = QLineEdit(artist)
        self.artist_edit.setAccessibleName("Artist tag")
        self.artist_edit.setPlaceholderText("Optional")

        self.pause_spin = QSpinBox()
        self.pause_spin.setAccessibleName("Pause between paragraphs")
        self.pause_spin.setRange(0, 5000)
        self.pause_spin.setSingleStep(100)
        self.pause_spin.setSuffix(" ms")
        self.pause_spin.setValue(max(0, min(5000, pause_ms)))

        form = QFormLayout()
        save_label = QLabel("&Save as:")
        save_label.setBuddy(self.destination_edit)  # a row holding a layout gets no buddy by itself
        form.addRow(save_label, destination_row)
        form.addRow("&Format:", self.format_combo)
        form.addRow("&Quality:", self.quality_combo)
        form.addRow("&Loudness:", self.loudness_combo)
        form.addRow("&Title:", self.title_edit)
        form.addRow("&Artist:", self.artist_edit)
        form.addRow("&Pause between paragraphs:", self.pause_spin)
        for row in range(form.rowCount()):
            label = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            if label is not None and isinstance(label.widget(), QLabel):
                label.widget().setAccessibleName(label.widget().text().replace("&", "").rstrip(":"))

        self.subtitle_boxes: dict[str, QCheckBox] = {}
        subtitles = QGroupBox("Subtitles and timings (saved beside the audio)")
        subtitles.setAccessibleName("Subtitles and timings")
        grid = QGridLayout(subtitles)
        for i, (key, label) in enumerate(SUBTITLE_CHOICES):
            box = QCheckBox(label)
            box.setAccessibleName(label.split(" (")[0])
            self.subtitle_boxes[key] = box
            grid.addWidget(box, i // 2, i % 2)

        self.settings_box = QWidget()
        self.settings_box.setAccessibleName("Export settings")
        settings_layout = QVBoxLayout(self.settings_box)
        settings_layout.setContentsMargins(0, 0, 0, 0)
        settings_layout.addLayout(form)
        settings_layout.addWidget(subtitles)

        # -- progress ------------------------------------------------------------------------
        self.progress_box = QGroupBox("Progress")
        self.progress_box.setAccessibleName("Export progress")
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
        progress_layout = QVBoxLayout(self.progress_box)
        progress_layout.addWidget(self.progress_bar)
        for label in (self.parts_label, self.spent_label, self.saved_label, self.time_label, self.status_label):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            progress_layout.addWidget(label)
        self.progress_box.hide()

        self.message = InlineMessage(self, closable=False)
        self.message.setAccessibleName("Export message")

        # -- buttons -------------------------------------------------------------------------
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
        layout.addWidget(self.settings_box)
        layout.addWidget(self.progress_box)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.resize(560, self.sizeHint().height())

    def _wire(self) -> None:
        self.browse_button.clicked.connect(self.browse)
        self.format_combo.currentIndexChanged.connect(self._on_format_chosen)
        self.destination_edit.textEdited.connect(self._on_destination_edited)
        self.export_button.clicked.connect(self.start_export)
        self.close_button.clicked.connect(self.reject)
        c = self.controller
        c.checked.connect(self._on_checked)
        c.progress.connect(self._on_progress)
        c.stage.connect(lambda text: self.status_label.setText(f"{text}…"))
        c.finished.connect(self._on_finished)
        c.failed.connect(self._on_failed)
        c.cancelled.connect(self._on_cancelled)

    def _fill_quality(self, fmt: str, wanted: str | None) -> None:
        # The person's last pick survives a trip through WAV (which has only one quality).
        current = wanted or self._preferred_quality
        self.quality_combo.blockSignals(True)
        self.quality_combo.clear()
        for key, label in QUALITY_CHOICES[fmt]:
            self.quality_combo.addItem(label, key)
        index = self.quality_combo.findData(current)
        self.quality_combo.setCurrentIndex(index if index >= 0 else self.quality_combo.count() - 1)
        self.quality_combo.blockSignals(False)
        self.quality_combo.setEnabled(len(QUALITY_CHOICES[fmt]) > 1)  # WAV has one

    # == the form ===============================================================================
    @property
    def audio_format(self) -> str:
        return str(self.format_combo.currentData())

    @property
    def destination(self) -> Path | None:
        text = self.destination_edit.text().strip()
        return Path(text).expanduser() if text else None

    def set_destination(self, path: Path) -> None:
        self.destination_edit.setText(str(path))
        self._on_destination_edited(str(path))

    def options(self) -> ExportOptions | None:
        destination = self.destination
        if destination is None:
            return None
        return ExportOptions(
            destination=destination if destination.is_absolute() else Path.home() / destination,
            subtitle_formats=tuple(k for k, box in self.subtitle_boxes.items() if box.isChecked()),
            loudness_target=self.loudness_combo.currentData(),
            title=self.title_edit.text().strip() or None,
            artist=self.artist_edit.text().strip() or None,
            quality=str(self.quality_combo.currentData() or "high"),
        )

    def browse(self) -> None:
        suggested = self.destination or Path.home() / f"narration.{self.audio_format}"
        chosen = self._choose_file(self, suggested)
        if chosen is not None:
            self.set_destination(chosen)

    def _on_format_chosen(self) -> None:
        fmt = self.audio_format
        self._fill_quality(fmt, None)
        destination = self.destination
        suffix = next(s for k, _l, s in AUDIO_FORMATS if k == fmt)
        if destination is not None and destination.suffix.lower() != suffix:
            stem = destination.name[: -len(destination.suffix)] if destination.suffix.lower() in _SUFFIX_TO_FORMAT \
                else destination.name
            self.destination_edit.setText(str(destination.with_name(stem + suffix)))

    def _on_destination_edited(self, text: str) -> None:
        fmt = _SUFFIX_TO_FORMAT.get(Path(text.strip()).suffix.lower())
        if fmt is not None and fmt != self.audio_format:
            self.format_combo.blockSignals(True)
            self.format_combo.setCurrentIndex(self.format_combo.findData(fmt))
            self.format_combo.blockSignals(False)
            self._fill_quality(fmt, None)

    # == running ================================================================================
    @property
    def phase(self) -> str:
        return self._phase

    def start_export(self) -> None:
        """Export (Enter): check in a worker, ask before replacing files, then export."""
        if self._phase != "idle":
            return
        options = self.options()
        if options is None:
            self.message.show_message("Choose where to save the audio first.", Tone.WARNING)
            self.destination_edit.setFocus()
            return
        self.message.hide()
        if self.controller.check(self.script, options, pause_ms=self.pause_spin.value()):
            self._set_phase("checking")

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
        self._show_plan(preflight)
        if self.controller.start(preflight, overwrite=bool(preflight.existing)):
            self._set_phase("exporting")
        else:  # pragma: no cover - the controller is idle here by construction
            self._set_phase("idle")

    def _show_plan(self, preflight: Preflight) -> None:
        self._last_progress = None
        total = preflight.parts_total
        self.progress_bar.setRange(0, max(1, total))
        self.progress_bar.setValue(0)
        self.parts_label.setText(f"0 of {total} parts done ({preflight.parts_cached} already made)")
        if self.controller.is_offline:
            self.spent_label.setText("Credits: none — the offline voice is free")
            self.saved_label.setText("")
        else:
            self.spent_label.setText(f"Credits spent: 0 of about {_credits(preflight.plan.credits_needed)}")
            self.saved_label.setText("Credits saved by the cache: 0")
        self.saved_label.setVisible(not self.controller.is_offline)
        self.time_label.setText("Time left: estimating…")
        self.time_label.show()
        self.status_label.setText("Starting…")
        self.progress_box.show()

    def _on_progress(self, progress: Progress) -> None:
        self._last_progress = progress
        self.progress_bar.setRange(0, max(1, progress.segments_total))
        self.progress_bar.setValue(progress.segments_done)
        self.parts_label.setText(
            f"{progress.segments_done} of {progress.segments_total} parts done "
            f"({progress.segments_from_cache} from the cache)"
        )
        if not self.controller.is_offline:
            estimate = progress.credits_estimated
            self.spent_label.setText(
                f"Credits spent: {_credits(progress.credits_spent)}"
                + (f" of about {_credits(estimate)}" if estimate else "")
            )
            self.saved_label.setText(f"Credits saved by the cache: {_credits(progress.credits_saved)}")
        if progress.phase == "done":
            self.time_label.setText("Time left: writing the file…")
            self.status_label.setText("All parts are made; saving the file…")
        else:
            left = progress.seconds_left
            self.time_label.setText("Time left: estimating…" if left is None else f"Time left: about {clock(left)}")
            if progress.message:
                self.status_label.setText(progress.message)
            elif self._phase == "exporting":
                self.status_label.setText("Making the speech…")

    def _on_finished(self, result: ExportResult) -> None:
        self.last_result = result
        self._set_phase("idle")
        g = result.generation
        self.progress_bar.setValue(self.progress_bar.maximum())
        self.time_label.setText("Time left: done")
        self.status_label.setText("Done.")
        extra = len(result.subtitle_paths)
        files = result.audio_path.name + (f" and {extra} subtitle file{'s' if extra != 1 else ''}" if extra else "")
        cost = "" if self.controller.is_offline else (
            f" Credits spent: {_credits(g.credits_spent)}; saved by the cache: {_credits(g.credits_saved)}."
        )
        text = (
            f"Saved {files} in “{result.audio_path.parent}” ({clock(result.duration_seconds)} of audio; "
            f"{g.segments_generated} parts made, {g.segments_from_cache} from the cache).{cost}"
        )
        for warning in result.warnings:
            text += f"\nNote: {warning}"
        self.message.show_message(text, Tone.INFO)
        self.close_button.setFocus()
        self.exported.emit(result)

    def _on_failed(self, error: BaseException) -> None:
        was_exporting = self._phase == "exporting"
        self._set_phase("idle")
        if was_exporting:
            self.status_label.setText("Stopped.")
            self.time_label.hide()
        # A segment that failed after retries can be resumed: the rest is in the cache.
        label = "Resume" if isinstance(error, GenerationError) else "Try again"
        self.message.show_message(describe_error(error), Tone.ERROR, action=(label, self.start_export))

    def _on_cancelled(self, saved_parts: int) -> None:
        was_exporting = self._cancelled_while == "exporting"
        self._set_phase("idle")
        if not was_exporting:  # stopped while checking: nothing had started
            self.message.show_message("Export cancelled. Nothing was written.", Tone.INFO)
            return
        self.status_label.setText("Cancelled.")
        self.time_label.hide()
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
            self.status_label.setText("Cancelling…")
            self.controller.cancel()

    def _set_phase(self, phase: str) -> None:
        self._phase = phase
        idle = phase == "idle"
        self.settings_box.setEnabled(idle)
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
