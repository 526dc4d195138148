"""What the window speaks with right now, as :class:`~studio.core.render_inputs.RenderInputs`.

Play, the export dialog and the script counter all describe "this voice, model, settings and
account" through :meth:`RenderSource.current`, which goes through
:func:`~studio.core.render_inputs.render_inputs` like the command line does: so every path
plans with the same output format, segment size and limits, and shares cache entries.

``current()`` runs on the GUI thread and only reads what the window already knows (no I/O).
While the engine is still starting it returns inputs around the session's stand-in
(:class:`~studio.ui.engine_session.PendingBackend`); a worker turns those into the real
engine's with :func:`ready_inputs` (it waits there, cancellably, never on the GUI thread).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from studio.core.render_inputs import RenderInputs, render_inputs
from studio.core.script.capabilities import OFFLINE_ENGINE
from studio.errors import StudioError

if TYPE_CHECKING:
    from studio.api.models import Subscription
    from studio.ui.engine_session import EngineSession
    from studio.ui.settings_controller import SettingsController
    from studio.ui.voice_browser_controller import VoiceBrowserController

__all__ = ["NotReadyError", "RenderSource", "is_ready", "ready_inputs"]


class NotReadyError(StudioError):
    """Speaking cannot start yet (no engine, no voice, nothing to say)."""


class RenderSource:
    def __init__(
        self,
        session: EngineSession,
        voices: VoiceBrowserController,
        settings: SettingsController,
        subscription: Callable[[], Subscription | None],
    ) -> None:
        self._session = session
        self._voices = voices
        self._settings = settings
        self._subscription = subscription

    def current(self) -> RenderInputs:
        """The inputs for speaking now; raises :class:`NotReadyError` (cause and remedy) if none."""
        session = self._session
        backend = session.backend or session.pending_backend()
        if backend is None:
            raise NotReadyError("The speech engine is still starting", "Wait a moment, then try again.")
        voice = self._voices.current_voice
        if voice is None:
            raise NotReadyError("No voice is chosen", "Pick a voice in the list on the left first.")
        settings = self._settings
        state = settings.state()
        subscription = self._subscription()
        return render_inputs(
            backend,
            voice_id=voice.voice_id,
            model_id=state.model_id,
            voice_settings=settings.voice_settings(),
            seed=state.seed,
            language_code=state.language_code,
            model=settings.current_model(),
            tier=subscription.tier if subscription is not None else None,
        )


def is_ready(inputs: RenderInputs) -> bool:
    """Whether the engine behind ``inputs`` has started (else :func:`ready_inputs` must wait)."""
    return bool(getattr(inputs.backend, "is_ready", True))


def ready_inputs(inputs: RenderInputs) -> RenderInputs:
    """``inputs`` for the engine that really runs, with its model. Blocks: call from a worker.

    An engine still starting is waited for (the worker's cancel stops the wait); then its
    engine id decides the output format, and its model list and account plan the limits,
    as the command line reads them. Inputs that already had both are returned as they are.
    """
    backend = inputs.backend
    wait = getattr(backend, "wait_until_ready", None)
    real = wait() if callable(wait) else backend
    caps = inputs.capabilities
    if real is backend and caps.model is not None:
        return inputs
    tier = caps.tier
    if tier is None and real is not backend and real.engine_id != OFFLINE_ENGINE:
        try:
            subscription = real.get_subscription()
        except StudioError:
            subscription = None  # a key without account permission can still speak
        tier = subscription.tier if subscription is not None else None
    s = inputs.settings
    return render_inputs(
        real, voice_id=s.voice_id, model_id=s.model_id, voice_settings=s.voice_settings, seed=s.seed,
        language_code=s.language_code, models=real.list_models(), tier=tier, stitching=s.stitching,
    )
