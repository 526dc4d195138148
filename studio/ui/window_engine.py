"""The window's engine wiring: what happens on screen when the engine starts, fails or reports
the account's usage, and which voice is on screen for the engine that speaks.

A voice is remembered per engine (Preferences.per_engine). When the engine changes, the voice
chosen with the other engine gives way to this engine's own; a remembered voice the engine
does not have is forgotten for the last one chosen with it, else the first listed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from studio.api.models import Subscription, Voice
from studio.cancel import CancelToken
from studio.ui.inline_message import Tone
from studio.ui.worker import Worker

if TYPE_CHECKING:
    from studio.core.backend import SynthesisBackend
    from studio.ui.engine_session import EngineStarted
    from studio.ui.main_window import MainWindow


class WindowEngine:
    def __init__(self, window: MainWindow) -> None:
        self._w = window
        self._auto_choosing = False
        self._voice_engine: str | None = None  # the engine the voice on screen was chosen with
        self.tier: str | None = None  # the account's plan, once known

    def wire(self) -> None:
        w = self._w
        session = w.session
        session.started.connect(self.on_engine_started)
        session.status.connect(lambda text: w.status.showMessage(text, 5000))
        session.error.connect(self.on_engine_error)
        session.subscription_changed.connect(self.on_subscription)
        session.subscription_failed.connect(self.on_subscription_failed)
        w.voices.voice_chosen.connect(self.on_voice_chosen)
        w.voices.model.page_loaded.connect(self.choose_first_voice_if_none)

    # == engine ==================================================================================
    def on_engine_started(self, started: EngineStarted) -> None:
        w = self._w
        backend = started.backend
        w.status.show_engine(backend.display_name, f"Speaking with {backend.display_name}")
        w.status.show_subscription(None)
        self.tier = None
        w._subscription = None
        if started.fallback_reason:
            w.banner.show_message(started.fallback_reason, Tone.INFO, action=("Connect account…", w.open_account))
        elif w.banner.isVisible() and w.banner.tone is not Tone.WARNING:
            w.banner.hide()
        remembered = w.preferences.per_engine.get(backend.engine_id, {})
        w.voices.set_backend(backend)
        w.settings.set_backend(backend, remembered.get("model_id"))
        w.settings.set_tier(None)
        w.counter.refresh()
        voice = w.voices.current_voice
        other = remembered.get("voice_id")
        if other and self._voice_engine not in (None, backend.engine_id) and (voice is None or voice.voice_id != other):
            # The voice on screen was chosen with the other engine: take this engine's own.
            voice = Voice(voice_id=other, name=remembered.get("voice_name") or other)
            self.set_voice(voice)
        if voice is not None:
            self.confirm_voice(backend, voice.voice_id)
        self._voice_engine = backend.engine_id

    def on_engine_error(self, error: BaseException) -> None:
        self._w.status.show_engine("No engine")
        self._w.banner.show_error(error, retry=self._w.start_engine)

    def on_subscription(self, subscription: Subscription | None) -> None:
        w = self._w
        w.status.show_subscription(subscription)
        w._subscription = subscription
        self.tier = getattr(subscription, "tier", None) if subscription is not None else None
        w.settings.set_tier(self.tier)
        w.counter.refresh()

    def on_subscription_failed(self, error: BaseException) -> None:
        w = self._w
        w.status.show_usage_problem("Usage unavailable")
        w.status.usage_label.setToolTip(str(error))
        # A rejected key is worth saying loudly: nothing will work until it is fixed.
        from studio.api.errors import AuthenticationError

        if isinstance(error, AuthenticationError):
            w.banner.show_message(str(error), Tone.ERROR, action=("Account…", w.open_account))

    # == the voice on screen =====================================================================
    def on_voice_chosen(self, voice: Voice) -> None:
        w = self._w
        w.settings.set_voice(voice)
        w.preferences.voice_id = voice.voice_id
        w.preferences.voice_name = voice.name
        if w.session.backend is not None:
            self._voice_engine = w.session.backend.engine_id
            w.preferences.remember_for_engine(
                w.session.backend.engine_id, voice_id=voice.voice_id, voice_name=voice.name
            )
        w._prefs_timer.start()
        if not self._auto_choosing:  # a voice picked for the narrator is not their edit
            w.project.mark_changed()

    def set_voice(self, voice: Voice) -> None:
        self._w.voices.set_current_voice(voice)
        self._w.settings.set_voice(voice)

    def choose_first_voice_if_none(self) -> None:
        w = self._w
        if w.voices.current_voice is None and w.voices.model.voices:
            self._auto_choosing = True
            try:
                w.browser.list.setCurrentIndex(w.voices.model.index(0))
            finally:
                self._auto_choosing = False

    def confirm_voice(self, backend: SynthesisBackend, voice_id: str) -> None:
        """Fetch the remembered voice's details; forget it if this engine does not have it."""
        session = self._w.session

        def fetch(token: CancelToken) -> Voice:
            return backend.get_voice(voice_id)

        # Connect before starting: a quick worker could otherwise finish unheard.
        worker = Worker(fetch)
        worker.signals.finished.connect(
            lambda voice: self.set_voice(voice) if session.backend is backend else None
        )
        worker.signals.errored.connect(
            lambda _error: self._forget_voice(voice_id) if session.backend is backend else None
        )
        self._w.pool.start(worker)

    def _forget_voice(self, voice_id: str) -> None:
        """This engine has no such voice: use the last one chosen with it, else the first listed."""
        w = self._w
        current = w.voices.current_voice
        if current is None or current.voice_id != voice_id:
            return
        w.voices.set_current_voice(None)
        w.settings.set_voice(None)
        backend = w.session.backend
        remembered = w.preferences.per_engine.get(getattr(backend, "engine_id", ""), {})
        other = remembered.get("voice_id")
        if backend is not None and other and other != voice_id:
            self.set_voice(Voice(voice_id=other, name=remembered.get("voice_name") or other))
            self.confirm_voice(backend, other)
        else:
            self.choose_first_voice_if_none()
