"""The export dialog's form: where to save, how it should sound, which subtitles.

Only widgets and the rules that tie them together (the format follows the file name and the
other way round; a quality pick survives a trip through WAV). The choices can be read and set
as one :class:`~studio.core.preferences.ExportChoices`, so the dialog can start from the last
export's choices.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from studio.core.audiobook.formats import encoder_settings
from studio.core.exporter import ExportOptions
from studio.ui.audiobook_tags import AudiobookTagsBox
from studio.ui.worker import WorkerPool
from studio.core.preferences import ExportChoices

#: (format key, label, suffix) in the order offered.
AUDIO_FORMATS: tuple[tuple[str, str, str], ...] = (
    ("wav", "WAV (uncompressed)", ".wav"),
    ("flac", "FLAC (lossless, smaller)", ".flac"),
    ("ogg", "OGG Vorbis", ".ogg"),
    ("mp3", "MP3 (tags, cover, chapter marks)", ".mp3"),
    ("m4b", "M4B audiobook (AAC, chapter marks, cover)", ".m4b"),
    ("chapters", "One MP3 per chapter (a folder)", ""),  # no suffix: a folder (studio.core.audiobook.formats)
    ("epub", "Read-along EPUB (.epub)", ".epub"),
)
#: The formats that carry audiobook tags and a cover.
AUDIOBOOK_FORMATS = ("mp3", "m4b", "chapters", "epub")
#: Formats that are a book, not an audio file: no subtitle files or loudness beside them
#: (studio.core.readalong), but the highlight's granularity.
BOOK_FORMATS = frozenset({"epub"})
#: What the ACX preset can write (studio.core.acx.preset_options): MP3, best one per chapter.
ACX_FORMATS = ("mp3", "chapters")
SUFFIX_TO_FORMAT = {suffix: key for key, _label, suffix in AUDIO_FORMATS}

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
    **{fmt: tuple((q, f"{label}: {encoder_settings(kind, q).bitrate // 1000} kb/s {codec}")  # type: ignore[arg-type]
                  for q, label in (("low", "Low"), ("medium", "Medium"), ("high", "High"), ("best", "Best")))
       for fmt, kind, codec in (("mp3", "mp3", "MP3, constant"), ("m4b", "m4b", "AAC"),
                                ("chapters", "folder", "MP3, constant"))},
    "epub": (("high", "Text with sentence highlighting, MP3 audio inside"),),
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

#: choose(parent, suggested path) -> the chosen path, or None when the person cancelled.
FileChooser = Callable[[QWidget, Path], Path | None]


def suffix_of(fmt: str) -> str:
    return next((s for k, _l, s in AUDIO_FORMATS if k == fmt), ".wav")


def choose_save_path(parent: QWidget, suggested: Path) -> Path | None:
    filters = ";;".join(f"{label} (*{suffix})" for _key, label, suffix in AUDIO_FORMATS if suffix)
    current = next((f"{label} (*{s})" for _k, label, s in AUDIO_FORMATS if s == suggested.suffix.lower()), "")
    # We ask about replacing ourselves (the subtitle files count too).
    name, chosen_filter = QFileDialog.getSaveFileName(
        parent, "Export audio as", str(suggested), filters, current,
        QFileDialog.Option.DontConfirmOverwrite,
    )
    if not name:
        return None
    path = Path(name)
    if path.suffix.lower() not in SUFFIX_TO_FORMAT:
        # No (or an unknown) extension typed: take the one of the chosen filter.
        for _key, label, suffix in AUDIO_FORMATS:
            if chosen_filter.startswith(label):
                path = path.with_name(path.name + suffix)
                break
    return path


class ExportForm(QWidget):
    """The settings part of the export dialog (disabled as a whole while an export runs)."""

    def __init__(self, directory: Path, base_name: str, choices: ExportChoices, title: str, artist: str,
                 pause_ms: int, *, choose_file: FileChooser = choose_save_path, pool: WorkerPool | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Export settings")
        self._choose_file = choose_file
        self._preferred_quality = choices.quality
        self.tags_box = AudiobookTagsBox(pool)
        self._build(title, artist, pause_ms)
        self.apply(choices, directory, base_name)
        self.format_combo.currentIndexChanged.connect(self._on_format_chosen)
        self.destination_edit.textEdited.connect(self._on_destination_edited)
        self.browse_button.clicked.connect(self.browse)

    def _build(self, title: str, artist: str, pause_ms: int) -> None:
        self.destination_edit = QLineEdit()
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

        self.quality_combo = QComboBox()
        self.quality_combo.setAccessibleName("Quality")
        self.quality_combo.activated.connect(
            lambda _index: setattr(self, "_preferred_quality", str(self.quality_combo.currentData()))
        )

        self.loudness_combo = QComboBox()
        self.loudness_combo.setAccessibleName("Loudness normalisation")
        self.loudness_combo.setToolTip("Make the whole export equally loud, measured as EBU R128 loudness.")
        for target, label in LOUDNESS_CHOICES:
            self.loudness_combo.addItem(label, target)

        self.acx_box = QCheckBox("ACX / Audible preset")
        self.acx_box.setAccessibleName("ACX preset")
        self.acx_box.setToolTip("Master for ACX (Audible): RMS −20 dBFS, true peaks under −3 dBFS, room tone at the "
                                "start and end, 44.1 kHz 192 kbps constant-bit-rate MP3; the file is checked after.")
        self.acx_box.toggled.connect(self._on_acx_toggled)

        self.title_edit = QLineEdit(title)
        self.title_edit.setAccessibleName("Title tag")
        self.title_edit.setPlaceholderText("Optional")
        self.artist_edit = QLineEdit(artist)
        self.artist_edit.setAccessibleName("Artist tag")
        self.artist_edit.setPlaceholderText("Optional")

        self.word_box = QCheckBox("Highlight word by word (instead of sentence by sentence)")
        self.word_box.setAccessibleName("Highlight word by word")

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
        form.addRow("&Retailer:", self.acx_box)
        form.addRow("&Title:", self.title_edit)
        form.addRow("&Artist:", self.artist_edit)
        form.addRow("", self.word_box)
        self._form = form
        form.addRow("&Pause between paragraphs:", self.pause_spin)
        for row in range(form.rowCount()):
            label = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            if label is not None and isinstance(label.widget(), QLabel):
                label.widget().setAccessibleName(label.widget().text().replace("&", "").rstrip(":"))

        self.subtitle_boxes: dict[str, QCheckBox] = {}
        self.subtitles_group = subtitles = QGroupBox("Subtitles and timings (saved beside the audio)")
        subtitles.setAccessibleName("Subtitles and timings")
        grid = QGridLayout(subtitles)
        for i, (key, label) in enumerate(SUBTITLE_CHOICES):
            box = QCheckBox(label)
            box.setAccessibleName(label.split(" (")[0])
            self.subtitle_boxes[key] = box
            grid.addWidget(box, i // 2, i % 2)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addWidget(self.tags_box)
        layout.addWidget(subtitles)

    # == choices ================================================================================
    def apply(self, choices: ExportChoices, directory: Path, base_name: str) -> None:
        """Show ``choices``; the file is ``base_name`` in the remembered folder (else ``directory``)."""
        folder = Path(choices.folder) if choices.folder else directory
        self._preferred_quality = choices.quality
        self.format_combo.blockSignals(True)
        self.format_combo.setCurrentIndex(max(0, self.format_combo.findData(choices.audio_format)))
        self.format_combo.blockSignals(False)
        self.destination_edit.setText(str(folder / f"{base_name}{suffix_of(self.audio_format)}"))
        self._fill_quality(self.audio_format, choices.quality)
        self.loudness_combo.setCurrentIndex(max(0, self.loudness_combo.findData(choices.loudness_lufs)))
        for key, box in self.subtitle_boxes.items():
            box.setChecked(key in choices.subtitles)
        self.tags_box.apply(choices.audiobook_tags)
        self._show_tags()
        self.acx_box.setChecked(choices.preset == "acx")
        self._enable_for(self.audio_format)

    def choices(self) -> ExportChoices:
        """What is chosen now, to remember for the next export."""
        destination = self.destination
        return ExportChoices(
            audio_format=self.audio_format,  # type: ignore[arg-type]
            quality=self._preferred_quality,  # type: ignore[arg-type]
            subtitles=[k for k, box in self.subtitle_boxes.items() if box.isChecked()],  # type: ignore[misc]
            loudness_lufs=self.loudness_combo.currentData(),
            folder=str(destination.parent) if destination is not None and destination.is_absolute() else None,
            audiobook_tags=self.tags_box.remembered(),
            preset="acx" if self.acx_box.isChecked() else None,
        )

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
        self._enable_for(fmt)

    def _enable_for(self, fmt: str) -> None:
        """The one place that says which controls ``fmt`` and the ACX preset leave open: a
        read-along EPUB has its timings inside (no subtitle files, no loudness yet); the preset
        fixes the level and the quality; WAV has one quality."""
        book = fmt in BOOK_FORMATS
        acx = self.acx_box.isChecked()
        self.subtitles_group.setEnabled(not book)
        self.loudness_combo.setEnabled(not book and not acx)
        self.quality_combo.setEnabled(len(QUALITY_CHOICES[fmt]) > 1 and not acx)
        self._form.setRowVisible(self.word_box, book)

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
        book = self.audio_format in BOOK_FORMATS
        return ExportOptions(
            destination=destination if destination.is_absolute() else Path.home() / destination,
            subtitle_formats=() if book else tuple(k for k, box in self.subtitle_boxes.items() if box.isChecked()),
            loudness_target=None if book or self.acx_box.isChecked() else self.loudness_combo.currentData(),
            preset="acx" if self.acx_box.isChecked() else None,
            title=self.title_edit.text().strip() or None,
            artist=self.artist_edit.text().strip() or None,
            quality=str(self.quality_combo.currentData() or "high"),
            pause_ms=self.pause_spin.value(),
            **(self.tags_box.values() if self.audio_format in AUDIOBOOK_FORMATS else {}),  # type: ignore[arg-type]
            overlay_granularity="word" if book and self.word_box.isChecked() else "sentence",
        )

    def browse(self) -> None:
        suggested = self.destination or Path.home() / f"narration.{self.audio_format}"
        chosen = self._choose_file(self, suggested)
        if chosen is not None:
            self.set_destination(chosen)

    def _show_tags(self) -> None:
        """Audiobook formats show the tags box, whose Author stands in for Artist."""
        book = self.audio_format in AUDIOBOOK_FORMATS
        self.tags_box.setVisible(book)
        self._form.setRowVisible(self.artist_edit, not book)

    def _on_format_chosen(self) -> None:
        fmt = self.audio_format
        if fmt not in ACX_FORMATS:
            self.acx_box.setChecked(False)  # ACX takes MP3 only
        self._fill_quality(fmt, None)
        self._show_tags()
        destination = self.destination
        suffix = suffix_of(fmt)
        if destination is not None and destination.suffix.lower() != suffix:
            known = destination.suffix and destination.suffix.lower() in SUFFIX_TO_FORMAT
            stem = destination.name[: -len(destination.suffix)] if known else destination.name
            self.destination_edit.setText(str(destination.with_name(stem + suffix)))

    def _on_acx_toggled(self, on: bool) -> None:
        """ACX takes 192 kbps CBR MP3, one file per chapter, and the preset sets its own level:
        ticking it picks One MP3 per chapter (unless MP3 is already chosen) and fixes quality
        and loudness; choosing another format afterwards unticks it."""
        if on and self.audio_format not in ACX_FORMATS:
            self.format_combo.blockSignals(True)
            self.format_combo.setCurrentIndex(self.format_combo.findData("chapters"))
            self.format_combo.blockSignals(False)
            self._on_format_chosen()  # the file name and the tags follow
        if on:
            self.loudness_combo.setCurrentIndex(self.loudness_combo.findData(None))
        self._enable_for(self.audio_format)

    def _on_destination_edited(self, text: str) -> None:
        fmt = SUFFIX_TO_FORMAT.get(Path(text.strip()).suffix.lower())
        if fmt is not None and fmt != self.audio_format:
            self.format_combo.blockSignals(True)
            self.format_combo.setCurrentIndex(self.format_combo.findData(fmt))
            self.format_combo.blockSignals(False)
            self._fill_quality(fmt, None)
            self._show_tags()
