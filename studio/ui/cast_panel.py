"""The Cast panel (View ▸ Cast): each speaker with their voice, voice settings and a Preview.

One row per speaker (the narrator first, then the cast's and the script's speakers): the
voice, picked from the voices the engine lists (the voice browser's list: the ElevenLabs
account's, or the offline voices); Speed and Stability ("Project" = the project's settings);
and Preview, which speaks a line of that speaker in that voice
(:class:`~studio.ui.cast_preview.CastPreview`, in a worker). Above the rows, the project's
switch for the ``NAME: line`` convention.

Every change goes to the :class:`~studio.ui.cast_controller.CastController`; the panel only
shows the cast and rebuilds its rows when the speakers change.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from studio.api.models import Voice, VoiceSettings
from studio.core.cast import NARRATOR, CastMember, speaker_key
from studio.ui.cast_controller import CastController
from studio.ui.cast_preview import CastPreview
from studio.ui.inline_message import InlineMessage

#: Columns of the table.
NAME, VOICE, SPEED, STABILITY, PREVIEW = range(5)
#: A spin box at its minimum shows "Project": the speaker uses the project's setting.
_PROJECT = "Project"


class CastPanel(QWidget):
    def __init__(self, cast: CastController, preview: CastPreview, voices: Callable[[], list[Voice]],
                 project_settings: Callable[[], VoiceSettings], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("castPanel")
        self._cast = cast
        self._preview = preview
        self._voices = voices
        self._project_settings = project_settings
        self._names: list[str] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        self.prefix_box = QCheckBox("Read “NAME: line” at a paragraph's start as its speaker")
        self.prefix_box.setAccessibleName("Read speaker names from the script")
        self.prefix_box.setToolTip("The name before the colon is who says the paragraph; it is never spoken. "
                                   "Turn it off for a script whose paragraphs start with “Note:” and the like.")
        self.prefix_box.toggled.connect(cast.set_speaker_prefix)
        layout.addWidget(self.prefix_box)
        self.table = QTableWidget(0, 5)
        self.table.setAccessibleName("Cast")
        self.table.setHorizontalHeaderLabels(["Speaker", "Voice", "Speed", "Stability", ""])
        self.table.verticalHeader().hide()
        self.table.setCornerButtonEnabled(False)
        self.table.horizontalHeader().setAccessibleName("Cast columns")
        self.table.verticalHeader().setAccessibleName("Speakers")
        for part in self.table.findChildren(QAbstractButton):  # the (disabled) corner button
            part.setAccessibleName("Cast table corner")
        self.table.horizontalHeader().setSectionResizeMode(VOICE, QHeaderView.ResizeMode.Stretch)
        self.table.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
        layout.addWidget(self.table, 1)
        self.hint = QLabel("Set a paragraph's speaker from Paragraph ▸ Speaker, or start it with “NAME: ”.")
        self.hint.setWordWrap(True)
        layout.addWidget(self.hint)
        self.message = InlineMessage()
        layout.addWidget(self.message)
        cast.changed.connect(self.refresh)
        preview.busy_changed.connect(lambda _busy: self._show_previewing())
        preview.error.connect(lambda error: self.message.show_error(error))
        self.refresh()

    # -- showing the cast ---------------------------------------------------------------------------

    def refresh(self) -> None:
        """Show the cast: rows rebuilt if the speakers changed, values updated otherwise."""
        cast = self._cast.cast
        self.prefix_box.blockSignals(True)
        self.prefix_box.setChecked(cast.speaker_prefix)
        self.prefix_box.blockSignals(False)
        names = self._cast.speakers()
        if [speaker_key(n) for n in names] != [speaker_key(n) for n in self._names]:
            self._names = names
            self.table.setRowCount(0)
            for name in names:
                self._add_row(name)
        for row, name in enumerate(self._names):
            self._show_member(row, cast.member(name) or CastMember(name))
        self.hint.setVisible(len(names) < 2)

    def voices_changed(self) -> None:
        """The engine lists other voices (a page loaded, another engine): refill the voice lists."""
        for row, name in enumerate(self._names):
            self._show_member(row, self._cast.cast.member(name) or CastMember(name))

    def _add_row(self, name: str) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        label = QLabel(name)
        label.setContentsMargins(4, 0, 4, 0)
        self.table.setCellWidget(row, NAME, label)
        combo = QComboBox()
        combo.setAccessibleName(f"Voice of {name}")
        combo.activated.connect(lambda _i, n=name: self._voice_picked(n))
        self.table.setCellWidget(row, VOICE, combo)
        for column, (low, high, step, what) in ((SPEED, (0.65, 1.2, 0.05, "Speed")),
                                                (STABILITY, (-0.05, 1.0, 0.05, "Stability"))):
            spin = QDoubleSpinBox()
            spin.setRange(low, high)
            spin.setSingleStep(step)
            spin.setDecimals(2)
            spin.setSpecialValueText(_PROJECT)
            spin.setAccessibleName(f"{what} of {name}")
            spin.setToolTip(f"{what} of {name}'s voice; “{_PROJECT}”: the project's setting.")
            spin.valueChanged.connect(lambda _v, n=name: self._settings_changed(n))
            self.table.setCellWidget(row, column, spin)
        button = QPushButton("Preview")
        button.setAccessibleName(f"Preview {name}")
        button.clicked.connect(lambda _checked=False, n=name: self._toggle_preview(n))
        self.table.setCellWidget(row, PREVIEW, button)

    def combo(self, name: str) -> QComboBox:
        return self.table.cellWidget(self._row_of(name), VOICE)  # type: ignore[return-value]

    def spin(self, name: str, column: int) -> QDoubleSpinBox:
        return self.table.cellWidget(self._row_of(name), column)  # type: ignore[return-value]

    def preview_button(self, name: str) -> QPushButton:
        return self.table.cellWidget(self._row_of(name), PREVIEW)  # type: ignore[return-value]

    def _row_of(self, name: str) -> int:
        return [speaker_key(n) for n in self._names].index(speaker_key(name))

    def _show_member(self, row: int, member: CastMember) -> None:
        combo: QComboBox = self.table.cellWidget(row, VOICE)  # type: ignore[assignment]
        combo.blockSignals(True)
        combo.clear()
        narrator = row == 0
        combo.addItem("Project voice" if narrator else "Project voice (none chosen yet)", None)
        for voice in self._voices():
            combo.addItem(voice.name, voice.voice_id)
        if member.voice_id and combo.findData(member.voice_id) < 0:
            combo.addItem(member.voice_id, member.voice_id)  # a voice this engine does not list (now)
        combo.setCurrentIndex(max(0, combo.findData(member.voice_id)) if member.voice_id else 0)
        combo.blockSignals(False)
        settings = member.voice_settings
        for column, value in ((SPEED, settings.speed if settings else None),
                              (STABILITY, settings.stability if settings else None)):
            spin: QDoubleSpinBox = self.table.cellWidget(row, column)  # type: ignore[assignment]
            spin.blockSignals(True)
            spin.setValue(spin.minimum() if value is None else value)
            spin.blockSignals(False)

    def _show_previewing(self) -> None:
        playing = speaker_key(self._preview.playing)
        for row, name in enumerate(self._names):
            button: QPushButton = self.table.cellWidget(row, PREVIEW)  # type: ignore[assignment]
            button.setText("Stop" if playing and speaker_key(name) == playing else "Preview")

    # -- the person's changes ------------------------------------------------------------------------

    def _member(self, name: str) -> CastMember:
        return self._cast.cast.member(name) or CastMember(name)

    def _voice_picked(self, name: str) -> None:
        voice_id = self.combo(name).currentData()
        self._cast.set_voice(name, voice_id or None, self._member(name).voice_settings)

    def _settings_changed(self, name: str) -> None:
        speed, stability = (self.spin(name, c) for c in (SPEED, STABILITY))
        overrides = {key: spin.value() for key, spin in (("speed", speed), ("stability", stability))
                     if spin.value() != spin.minimum()}
        # The project's settings with this speaker's own on top (None: the project's, all of them).
        settings = self._project_settings().model_copy(update=overrides) if overrides else None
        self._cast.set_voice(name, self._member(name).voice_id, settings)

    def _toggle_preview(self, name: str) -> None:
        self.message.hide()
        self._preview.toggle(self._cast.document_script(), self._member(name),
                             narrator=speaker_key(name) == speaker_key(NARRATOR) or self._row_of(name) == 0)
