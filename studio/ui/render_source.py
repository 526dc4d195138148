"""How the window would speak right now: its engine, voice, model and settings as RenderInputs.

Play, Export and the script counter all describe the speech with
:func:`studio.core.render_inputs.render_inputs`, so they share cache keys with each other and
with the command line. This is the one place that reads those choices off the window's
controllers (on the GUI thread, without waiting for anything).

While the engine is still starting, :meth:`RenderSource.current` does not refuse: it answers
with the engine's :class:`~studio.ui.engine_session.PendingBackend`, and the work calls
:func:`studio.core.render_inputs.ready_inputs` in its worker, which waits for the engine and
describes the speech again for the engine that really started.

Pronunciation goes the command line's way too: the inputs carry the dictionaries as a
:class:`~studio.core.pronunciation.render.PendingSync`, and the same ``ready_inputs`` uploads
them to the account (only when their content changed) and sends their locators, or applies
the rules on our side offline and on a server without dictionaries. Until then (nothing here
waits) the rules are described as applied on our side.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from studio.core.pronunciation.context import local
from studio.core.pronunciation.render import PendingSync
from studio.core.render_inputs import DEFAULT_MODEL_ID, RenderInputs, render_inputs
from studio.errors import StudioError

if TYPE_CHECKING:
    from studio.api.models import Subscription
    from studio.core.cast import Cast
    from studio.core.pronunciation import PronunciationDictionary
    from studio.core.pronunciation.sync_state import SyncState
    from studio.core.script import Capabilities
    from studio.ui.engine_session import EngineSession
    from studio.ui.settings_controller import SettingsController
    from studio.ui.voice_browser_controller import VoiceBrowserController

__all__ = ["NotReadyError", "RenderSource"]


class NotReadyError(StudioError):
    """The window cannot describe the speech yet (no engine starting or running, no voice)."""


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
        #: The pronunciation dictionaries the project speaks with, in order (the window sets it).
        self.dictionaries: Callable[[], tuple[PronunciationDictionary, ...]] = tuple
        #: Who says which paragraph, with which voice (the window sets it; None: one voice).
        self.cast: Callable[[], Cast | None] = lambda: None
        #: What the window uploaded to which account (None: the default file, as the CLI's).
        self.sync_state: SyncState | None = None
        #: Told, from a worker's thread, what the sync did (the window shows it in the status).
        self.sync_notes: Callable[[list[str]], None] | None = None

    def capabilities(self) -> tuple[Capabilities | None, str]:
        """What the chosen model can do, and its name for messages (None while nothing is chosen)."""
        try:
            inputs = self.current()
        except NotReadyError:
            return None, "The chosen model"
        model = inputs.capabilities.model
        return inputs.capabilities, str(getattr(model, "name", None) or inputs.settings.model_id)

    def current(self) -> RenderInputs:
        """The inputs for speaking now. Raises :class:`NotReadyError` in the person's words."""
        backend = self._session.backend or self._session.pending_backend()
        if backend is None:
            raise NotReadyError("The speech engine is still starting", "Wait a moment, then try again.")
        voice = self._voices.current_voice
        if voice is None:
            raise NotReadyError("No voice is chosen", "Pick a voice in the list on the left, then try again.")
        state = self._settings.state()
        subscription = self._subscription()
        dictionaries = self.dictionaries()
        used = any(d.rules for d in dictionaries)
        inputs = render_inputs(
            backend,
            voice_id=voice.voice_id,
            model_id=state.model_id or DEFAULT_MODEL_ID,
            voice_settings=self._settings.voice_settings(),
            seed=state.seed,
            language_code=state.language_code,
            model=self._settings.current_model(),
            models=self._settings.models,
            tier=getattr(subscription, "tier", None) if subscription is not None else None,
            # Applied on our side until the work's worker has synced them (see the module notes).
            pronunciation=local(dictionaries) if used else None,
            cast=self.cast(),
        )
        if not used:
            return inputs
        return replace(inputs, pending_sync=PendingSync(tuple(dictionaries), self.sync_state, self.sync_notes))
