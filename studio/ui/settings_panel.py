"""The voice settings view: model, language, output quality, seed and the voice sliders.

Each slider has a numeric box beside it that shows and accepts the exact value. Only
widgets here; :mod:`studio.ui.settings_controller` decides what is enabled and why.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from studio.ui.inline_message import InlineMessage

SEED_MAX = 4294967295


@dataclass(frozen=True)
class SliderSpec:
    key: str  # the VoiceSettings field
    label: str
    minimum: float
    maximum: float
    default: float
    help: str


SLIDERS: tuple[SliderSpec, ...] = (
    SliderSpec("stability", "Stability", 0.0, 1.0, 0.5,
               "Lower: more expressive and varied. Higher: steadier, more even delivery."),
    SliderSpec("similarity_boost", "Similarity", 0.0, 1.0, 0.75,
               "How closely the speech keeps to the original voice."),
    SliderSpec("style", "Style", 0.0, 1.0, 0.0,
               "Exaggerates the voice's style. Costs some speed and stability."),
    SliderSpec("speed", "Speed", 0.7, 1.2, 1.0,
               "Speaking pace: 0.7 is slowest, 1.2 fastest, 1.0 normal."),
)
STEPS = 100  # slider resolution


class LabeledSlider(QWidget):
    """A slider plus a spin box showing the same value; ``value_changed`` emits a float."""

    value_changed = Signal(float)

    def __init__(self, spec: SliderSpec, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec = spec
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, STEPS)
        self.slider.setAccessibleName(spec.label)
        self.slider.setAccessibleDescription(spec.help)
        self.box = QDoubleSpinBox()
        self.box.setRange(spec.minimum, spec.maximum)
        self.box.setDecimals(2)
        self.box.setSingleStep(0.05 if spec.key != "speed" else 0.01)
        self.box.setAccessibleName(f"{spec.label} value")
        self.box.setKeyboardTracking(False)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.slider, 1)
        layout.addWidget(self.box)
        self.slider.valueChanged.connect(self._from_slider)
        self.box.valueChanged.connect(self._from_box)
        self.set_value(spec.default)
        self.setToolTip(spec.help)

    def value(self) -> float:
        return round(self.box.value(), 2)

    def set_value(self, value: float) -> None:
        value = min(self.spec.maximum, max(self.spec.minimum, float(value)))
        self.box.blockSignals(True)
        self.slider.blockSignals(True)
        self.box.setValue(value)
        self.slider.setValue(self._to_steps(value))
        self.box.blockSignals(False)
        self.slider.blockSignals(False)

    def _to_steps(self, value: float) -> int:
        span = self.spec.maximum - self.spec.minimum
        return round((value - self.spec.minimum) / span * STEPS)

    def _from_slider(self, steps: int) -> None:
        value = round(self.spec.minimum + (self.spec.maximum - self.spec.minimum) * steps / STEPS, 2)
        self.box.blockSignals(True)
        self.box.setValue(value)
        self.box.blockSignals(False)
        self.value_changed.emit(self.value())

    def _from_box(self, value: float) -> None:
        self.slider.blockSignals(True)
        self.slider.setValue(self._to_steps(value))
        self.slider.blockSignals(False)
        self.value_changed.emit(self.value())


class SettingsPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settingsPanel")
        self.message = InlineMessage(self)

        self.model = QComboBox()
        self.model.setAccessibleName("Model")
        self.model_description = QLabel("")
        self.model_description.setWordWrap(True)
        self.model_description.setAccessibleName("Model description")
        self.language = QComboBox()
        self.language.setAccessibleName("Language")
        self.language_label = QLabel("&Language")
        self.language_label.setBuddy(self.language)
        self.output_format = QComboBox()
        self.output_format.setAccessibleName("Output quality")
        # These lists are filled after the panel is built and change with the engine: the panel
        # (and so the window's minimum, see window_layout) is always wide enough for their text.
        for combo in (self.model, self.language, self.output_format):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            combo.setSizePolicy(QSizePolicy.Policy.MinimumExpanding, QSizePolicy.Policy.Fixed)
        self.seed = QLineEdit()
        self.seed.setAccessibleName("Seed")
        self.seed.setPlaceholderText("Random")
        self.seed.setValidator(QRegularExpressionValidator(r"\d{0,10}", self.seed))
        self.seed.setToolTip(
            f"A whole number from 0 to {SEED_MAX:,}. The same seed and text give (nearly) the same take; "
            "leave empty for a new take each time."
        )

        model_box = QGroupBox("Model and output")
        model_form = QFormLayout(model_box)
        model_label = QLabel("&Model")
        model_label.setBuddy(self.model)
        model_form.addRow(model_label, self.model)
        model_form.addRow(self.model_description)
        model_form.addRow(self.language_label, self.language)
        quality_label = QLabel("&Quality")
        quality_label.setBuddy(self.output_format)
        model_form.addRow(quality_label, self.output_format)
        seed_label = QLabel("See&d")  # Alt+E is the Edit menu
        seed_label.setBuddy(self.seed)
        model_form.addRow(seed_label, self.seed)

        self.sliders: dict[str, LabeledSlider] = {}
        self.slider_labels: dict[str, QLabel] = {}
        voice_box = QGroupBox("Voice settings")
        voice_form = QFormLayout(voice_box)
        for spec in SLIDERS:
            slider = LabeledSlider(spec)
            label = QLabel(spec.label)
            label.setBuddy(slider.slider)
            self.sliders[spec.key] = slider
            self.slider_labels[spec.key] = label
            voice_form.addRow(label, slider)
        self.speaker_boost = QCheckBox("Speaker boost")
        self.speaker_boost.setAccessibleName("Speaker boost")
        self.speaker_boost.setToolTip("Makes the voice more like the original speaker; a little slower to generate.")
        self.speaker_boost.setChecked(True)
        voice_form.addRow(self.speaker_boost)
        self.reset = QPushButton("Reset to voice defaults")
        self.reset.setAccessibleName("Reset to voice defaults")
        self.reset.setToolTip("Load the settings this voice was tuned with")
        voice_form.addRow(self.reset)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        title = QLabel("<b>Voice &amp; model</b>")
        title.setAccessibleName("Settings panel")
        layout.addWidget(title)
        layout.addWidget(self.message)
        layout.addWidget(model_box)
        layout.addWidget(voice_box)
        layout.addStretch(1)

    def set_language_visible(self, visible: bool) -> None:
        self.language.setVisible(visible)
        self.language_label.setVisible(visible)
