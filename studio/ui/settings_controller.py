"""The logic behind the settings panel: models, languages, tier-gated quality, voice settings.

Models come from ``backend.list_models()`` in a worker, together with what each model
ignores (``backend.unsupported_settings(model_id)``); a control the current model or
engine ignores is disabled and its tooltip says why. Output qualities the account's plan
does not include are disabled with the plan they need.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QStandardItemModel

from studio.api.formats import parse_output_format
from studio.api.models import VoiceSettings
from studio.cancel import CancelToken
from studio.core.script.capabilities import accepts_language_code
from studio.ui.settings_panel import SEED_MAX, SLIDERS, SettingsPanel
from studio.ui.worker import Worker, WorkerPool

if TYPE_CHECKING:
    from studio.api.models import Model, Voice
    from studio.core.backend import SynthesisBackend
    from studio.core.preferences import Preferences
    from studio.core.project import Project

TIER_ORDER = ("free", "starter", "creator", "pro", "scale", "business", "enterprise")
QUALITY_CHOICES: tuple[tuple[str, str], ...] = (
    ("MP3 · 44.1 kHz · 128 kbps", "mp3_44100_128"),
    ("MP3 · 44.1 kHz · 192 kbps", "mp3_44100_192"),
    ("MP3 · 22 kHz · 32 kbps (small)", "mp3_22050_32"),
    ("Opus · 48 kHz · 128 kbps", "opus_48000_128"),
    ("PCM · 24 kHz", "pcm_24000"),
    ("PCM · 44.1 kHz", "pcm_44100"),
    ("WAV · 24 kHz", "wav_24000"),
    ("WAV · 44.1 kHz", "wav_44100"),
)
DEFAULT_QUALITY = "mp3_44100_128"


def tier_rank(tier: str | None) -> int | None:
    """Position of a plan in TIER_ORDER (unknown names: None, i.e. not gated by us)."""
    if not tier:
        return None
    name = tier.lower()
    for index, known in enumerate(TIER_ORDER):
        if name.startswith(known) or known in name:
            return index
    return None


def quality_block_reason(output_format: str, tier: str | None) -> str | None:
    """Why the plan ``tier`` cannot use ``output_format`` (None: it can, or we cannot tell)."""
    needed = parse_output_format(output_format).required_tier
    have = tier_rank(tier)
    if needed is None or have is None:
        return None
    if have >= TIER_ORDER.index(needed):
        return None
    return f"Needs the {needed.capitalize()} plan or higher; your plan is {tier.capitalize() if tier else 'unknown'}."


@dataclass
class SettingsState:
    model_id: str | None = None
    language_code: str | None = None
    output_format: str | None = None
    seed: int | None = None
    voice_settings: VoiceSettings = field(default_factory=VoiceSettings)


class SettingsController(QObject):
    #: Something the narrator controls changed (for "unsaved changes" and preferences).
    changed = Signal()
    #: The chosen model (an API Model, or None while none is known).
    model_changed = Signal(object)

    def __init__(self, view: SettingsPanel, pool: WorkerPool, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.view = view
        self._pool = pool
        self._backend: SynthesisBackend | None = None
        self._models: list[Model] = []
        self._unsupported: dict[str, dict[str, str]] = {}
        self._voice: Voice | None = None
        self._tier: str | None = None
        self._wanted = SettingsState()
        self._generation = 0
        self._applying = False

        for text, value in QUALITY_CHOICES:
            view.output_format.addItem(text, value)
        view.model.addItem("Waiting for the engine…", None)
        view.model.setEnabled(False)
        view.model.currentIndexChanged.connect(self._on_model_index)
        view.language.currentIndexChanged.connect(lambda _i: self._emit_changed())
        view.output_format.currentIndexChanged.connect(lambda _i: self._emit_changed())
        view.seed.textChanged.connect(self._on_seed_text)
        for slider in view.sliders.values():
            slider.value_changed.connect(lambda _v: self._emit_changed())
        view.speaker_boost.toggled.connect(lambda _b: self._emit_changed())
        view.reset.clicked.connect(self.reset_to_voice_defaults)
        view.reset.setEnabled(False)
        view.set_language_visible(False)

    # -- inputs -------------------------------------------------------------------------------------
    def set_backend(self, backend: SynthesisBackend | None, preferred_model: str | None = None) -> None:
        """Load ``backend``'s models (in a worker) and select ``preferred_model`` (or the last one)."""
        self._wanted = self.state() if self._models else self._wanted
        if preferred_model:
            self._wanted = replace(self._wanted, model_id=preferred_model)
        self._backend = backend
        self._generation += 1
        generation = self._generation
        self._models = []
        self._applying = True
        self.view.model.clear()
        self.view.model.addItem("Loading models…", None)
        self.view.model.setEnabled(False)
        self._applying = False
        self.view.message.hide()
        if backend is None:
            return

        def load(token: CancelToken) -> tuple[list[Model], dict[str, dict[str, str]]]:
            models = [m for m in backend.list_models() if getattr(m, "can_do_text_to_speech", True)]
            unsupported = {m.model_id: dict(backend.unsupported_settings(m.model_id)) for m in models}
            return models, unsupported

        worker = Worker(load)
        worker.signals.finished.connect(lambda result, g=generation: self._on_models(g, result))
        worker.signals.errored.connect(lambda error, g=generation: self._on_models_error(g, error))
        self._pool.start(worker)

    def set_tier(self, tier: str | None) -> None:
        """The account's plan (None: no account, nothing gated)."""
        self._tier = tier
        items: QStandardItemModel = self.view.output_format.model()  # type: ignore[assignment]
        for row in range(items.rowCount()):
            item = items.item(row)
            reason = quality_block_reason(item.data(Qt.ItemDataRole.UserRole), tier)
            item.setEnabled(reason is None)
            item.setToolTip(reason or "")
        current = self.view.output_format.currentIndex()
        if current >= 0 and not items.item(current).isEnabled():
            self.view.output_format.setCurrentIndex(self.view.output_format.findData(DEFAULT_QUALITY))

    def set_voice(self, voice: Voice | None) -> None:
        self._voice = voice
        self.view.reset.setEnabled(voice is not None and self._backend is not None)

    @property
    def models(self) -> list[Model]:
        return list(self._models)

    def current_model(self) -> Model | None:
        data = self.view.model.currentData()
        for model in self._models:
            if model.model_id == data:
                return model
        return None

    # -- state --------------------------------------------------------------------------------------
    def voice_settings(self) -> VoiceSettings:
        """The settings to send: only keys the current model uses (unset keys are omitted)."""
        unsupported = self._current_unsupported()
        values: dict[str, Any] = {}
        for key, slider in self.view.sliders.items():
            if key not in unsupported:
                values[key] = slider.value()
        if "use_speaker_boost" not in unsupported:
            values["use_speaker_boost"] = self.view.speaker_boost.isChecked()
        return VoiceSettings(**values)

    def seed(self) -> int | None:
        text = self.view.seed.text().strip()
        if not text:
            return None
        value = int(text)
        return value if 0 <= value <= SEED_MAX else None

    def state(self) -> SettingsState:
        model_id = self.view.model.currentData() or self._wanted.model_id
        return SettingsState(
            model_id=model_id,
            language_code=self.view.language.currentData() if self.view.language.isEnabled() else None,
            output_format=self.view.output_format.currentData(),
            seed=self.seed(),
            voice_settings=self._all_settings(),
        )

    def apply_saved(self, saved: Project | Preferences) -> None:
        """Show the settings a project or the preferences kept (none kept: the current voice settings)."""
        self.apply_state(SettingsState(
            model_id=saved.model_id,
            language_code=saved.language_code,
            output_format=saved.output_format,
            seed=saved.seed,
            voice_settings=saved.voice_settings or self.state().voice_settings,
        ))

    def apply_state(self, state: SettingsState) -> None:
        """Show ``state`` (from preferences or a project). A model not loaded yet is selected later."""
        self._applying = True
        try:
            self._wanted = state
            if state.model_id:
                index = self.view.model.findData(state.model_id)
                if index >= 0:
                    self.view.model.setCurrentIndex(index)
                    self._refresh_model_controls()
            if state.language_code:
                index = self.view.language.findData(state.language_code)
                if index >= 0:
                    self.view.language.setCurrentIndex(index)
            if state.output_format:
                index = self.view.output_format.findData(state.output_format)
                if index >= 0:
                    self.view.output_format.setCurrentIndex(index)
            self.view.seed.setText("" if state.seed is None else str(state.seed))
            self.apply_voice_settings(state.voice_settings, emit=False)
        finally:
            self._applying = False
        self._emit_changed()

    def apply_voice_settings(self, settings: VoiceSettings | None, *, emit: bool = True) -> None:
        if settings is None:
            return
        for spec in SLIDERS:
            value = getattr(settings, spec.key, None)
            if value is not None:
                self.view.sliders[spec.key].set_value(value)
        if settings.use_speaker_boost is not None:
            self.view.speaker_boost.blockSignals(True)
            self.view.speaker_boost.setChecked(settings.use_speaker_boost)
            self.view.speaker_boost.blockSignals(False)
        if emit:
            self._emit_changed()

    def reset_to_voice_defaults(self) -> None:
        backend, voice = self._backend, self._voice
        if backend is None or voice is None:
            return
        self.view.reset.setEnabled(False)
        self.view.message.hide()

        def fetch(token: CancelToken) -> VoiceSettings:
            return backend.get_voice_settings(voice.voice_id)

        worker = Worker(fetch)
        worker.signals.finished.connect(self.apply_voice_settings)
        worker.signals.errored.connect(
            lambda error: self.view.message.show_error(error, retry=self.reset_to_voice_defaults)
        )
        worker.signals.done.connect(lambda: self.view.reset.setEnabled(self._voice is not None))
        self._pool.start(worker)

    # -- reactions ----------------------------------------------------------------------------------
    def _on_models(self, generation: int, result: tuple[list[Model], dict[str, dict[str, str]]]) -> None:
        if generation != self._generation:
            return
        models, unsupported = result
        self._models, self._unsupported = models, unsupported
        wanted = self._wanted
        self._applying = True
        try:
            self.view.model.clear()
            for model in models:
                self.view.model.addItem(model.name or model.model_id, model.model_id)
                self.view.model.setItemData(
                    self.view.model.count() - 1, getattr(model, "description", None) or model.model_id,
                    Qt.ItemDataRole.ToolTipRole,
                )
            self.view.model.setEnabled(bool(models))
            index = self.view.model.findData(wanted.model_id) if wanted.model_id else -1
            self.view.model.setCurrentIndex(index if index >= 0 else 0)
        finally:
            self._applying = False
        self._refresh_model_controls()
        if wanted.language_code:
            index = self.view.language.findData(wanted.language_code)
            if index >= 0:
                self.view.language.setCurrentIndex(index)
        self.view.reset.setEnabled(self._voice is not None)
        self.model_changed.emit(self.current_model())

    def _on_models_error(self, generation: int, error: BaseException) -> None:
        if generation != self._generation:
            return
        self.view.model.clear()
        self.view.model.addItem("No models", None)
        self.view.message.show_error(error, retry=lambda: self.set_backend(self._backend))

    def _on_model_index(self, _index: int) -> None:
        if self._applying:
            return
        self._refresh_model_controls()
        self.model_changed.emit(self.current_model())
        self._emit_changed()

    def _refresh_model_controls(self) -> None:
        model = self.current_model()
        if model is not None:
            self.view.model_description.setText(getattr(model, "description", None) or "")
        unsupported = self._current_unsupported()
        for key, slider in self.view.sliders.items():
            reason = unsupported.get(key)
            slider.setEnabled(reason is None)
            self.view.slider_labels[key].setEnabled(reason is None)
            tip = reason or slider.spec.help
            slider.setToolTip(tip)
            slider.slider.setToolTip(tip)
            slider.box.setToolTip(tip)
        boost_reason = unsupported.get("use_speaker_boost")
        self.view.speaker_boost.setEnabled(boost_reason is None)
        self.view.speaker_boost.setToolTip(boost_reason or "Makes the voice more like the original speaker.")
        seed_reason = unsupported.get("seed")
        self.view.seed.setEnabled(seed_reason is None)
        if seed_reason:
            self.view.seed.setToolTip(seed_reason)
        # Language: only for models that take language_code.
        show_language = model is not None and accepts_language_code(model) and "language_code" not in unsupported
        previous = self.view.language.currentData()
        self.view.language.blockSignals(True)
        self.view.language.clear()
        self.view.language.addItem("Detect automatically", None)
        if show_language:
            for language in model.languages:
                self.view.language.addItem(language.name or language.language_id, language.language_id)
        index = self.view.language.findData(previous)
        self.view.language.setCurrentIndex(max(index, 0))
        self.view.language.blockSignals(False)
        self.view.set_language_visible(show_language)
        self.view.language.setEnabled(show_language)

    def _current_unsupported(self) -> dict[str, str]:
        model_id = self.view.model.currentData()
        return self._unsupported.get(model_id, {}) if model_id else {}

    def _all_settings(self) -> VoiceSettings:
        values: dict[str, Any] = {key: slider.value() for key, slider in self.view.sliders.items()}
        values["use_speaker_boost"] = self.view.speaker_boost.isChecked()
        return VoiceSettings(**values)

    def _on_seed_text(self, text: str) -> None:
        if text.strip() and int(text) > SEED_MAX:
            self.view.message.show_message(
                f"The seed must be a whole number from 0 to {SEED_MAX:,}. Shorten it or leave it empty for a random take.",
            )
        else:
            if self.view.message.isVisible() and "seed" in self.view.message.text:
                self.view.message.hide()
        self._emit_changed()

    def _emit_changed(self) -> None:
        if not self._applying:
            self.changed.emit()
