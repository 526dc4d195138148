"""Which engine the studio speaks with, started off the GUI thread.

:class:`EngineSession` builds a backend in a worker: ElevenLabs when a key is available
(keyring, else ``ELEVENLABS_API_KEY``), otherwise the offline voice — loaded in the worker
with a status message, never blocking the window. It re-emits everything a window needs:
the new backend, why it fell back to offline (for the banner), the account's usage, and
errors as StudioErrors. The backends are built by small factory functions so that tests and
the CLI build exactly what the app builds.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from studio.core.cancel import CancelToken
from studio.errors import StudioError
from studio.ui.worker import Worker, WorkerPool

if TYPE_CHECKING:
    from studio.api.models import Subscription
    from studio.core.backend import SynthesisBackend

log = logging.getLogger(__name__)


class EngineUnavailableError(StudioError):
    pass


@dataclass(frozen=True)
class EngineStarted:
    backend: SynthesisBackend
    #: Why the studio is on the offline voice although ElevenLabs was asked for (None: it wasn't).
    fallback_reason: str | None = None
    #: The key in use or saved (kept only in memory, for the Account dialog).
    api_key: str | None = field(default=None, repr=False)  # never in a repr or a log
    #: Whether an OS password store can keep the key (learned off the GUI thread).
    keyring_available: bool = True


NO_KEY = (
    "You are using the offline voice. To use your ElevenLabs voices, open Account "
    "(Ctrl+,) and paste your API key."
)
NO_KEYRING = (
    "You are using the offline voice: the studio could not find a place to keep your key "
    "safely on this computer. To use your ElevenLabs voices, open Account (Ctrl+,) and paste "
    "your key for this session, or set the ELEVENLABS_API_KEY environment variable."
)


def make_elevenlabs_backend(api_key: str, base_url: str | None) -> SynthesisBackend:
    from studio.api.auth import resolve_base_url
    from studio.api.client import ElevenLabsClient
    from studio.core.backends.elevenlabs import ElevenLabsBackend

    return ElevenLabsBackend(ElevenLabsClient(api_key, resolve_base_url(base_url)))


def make_offline_backend() -> SynthesisBackend:
    """Build the offline backend and load its voice (≈ 2 s: call from a worker)."""
    from studio.core.backends.offline import OfflineBackend
    from studio.offline.engine import get_engine

    backend = OfflineBackend()
    get_engine().load()
    return backend


def _close_quietly(backend: SynthesisBackend) -> None:
    try:
        backend.close()
    except Exception:  # noqa: BLE001 - closing an engine must not stop a switch or shutdown
        log.debug("backend close failed", exc_info=True)


def load_saved_key() -> tuple[str | None, bool]:
    """(key or None, whether a keyring is available). Touches the keyring: call from a worker."""
    from studio.api.auth import keyring_available, load_api_key

    return load_api_key(), keyring_available()


class EngineSession(QObject):
    started = Signal(object)  # EngineStarted
    status = Signal(str)
    error = Signal(object)  # StudioError
    subscription_changed = Signal(object)  # Subscription | None
    subscription_failed = Signal(object)  # StudioError

    def __init__(
        self,
        pool: WorkerPool,
        *,
        elevenlabs_factory: Callable[[str, str | None], SynthesisBackend] = make_elevenlabs_backend,
        offline_factory: Callable[[], SynthesisBackend] = make_offline_backend,
        key_loader: Callable[[], tuple[str | None, bool]] = load_saved_key,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._pool = pool
        self._elevenlabs_factory = elevenlabs_factory
        self._offline_factory = offline_factory
        self._key_loader = key_loader
        self._generation = 0
        self.backend: SynthesisBackend | None = None
        self.api_key: str | None = None
        self.engine: str | None = None
        self.keyring_available = True
        self.starting = False

    def start(self, engine: str, base_url: str | None = None, api_key: str | None = None) -> None:
        """Switch to ``engine`` ("elevenlabs" or "offline"); the key is looked up if not given."""
        self._generation += 1
        generation = self._generation
        self.starting = True
        # Whether ElevenLabs is even tried is known only once the keyring has answered: say
        # "Connecting" only then, never while the studio is about to load the offline voice.
        if engine == "offline":
            self.status.emit("Loading the offline voice…")
        elif api_key:
            self.status.emit("Connecting to ElevenLabs…")
        else:
            self.status.emit("Starting the speech engine…")  # the worker says which, once it knows
        elevenlabs, offline, key_loader = self._elevenlabs_factory, self._offline_factory, self._key_loader

        def build(token: CancelToken) -> Generator[str, None, EngineStarted]:
            saved_key, has_keyring = key_loader()  # the keyring may talk to D-Bus: not on the GUI thread
            key = api_key or saved_key
            reason = None
            if engine == "elevenlabs":
                if key:
                    if not api_key:
                        yield "Connecting to ElevenLabs…"
                    return EngineStarted(elevenlabs(key, base_url), None, key, has_keyring)
                reason = NO_KEY if has_keyring else NO_KEYRING
                yield "Loading the offline voice…"
            token.raise_if_cancelled()
            return EngineStarted(offline(), reason, key, has_keyring)

        worker = Worker(build)
        worker.signals.yielded.connect(lambda text, g=generation: self.status.emit(text) if g == self._generation else None)
        worker.signals.finished.connect(lambda result, g=generation: self._on_started(g, result))
        worker.signals.errored.connect(lambda error, g=generation: self._on_failed(g, error))
        self._pool.start(worker)

    def refresh_subscription(self) -> None:
        backend = self.backend
        if backend is None:
            return

        def fetch(token: CancelToken) -> Subscription | None:
            return backend.get_subscription()

        worker = Worker(fetch)
        worker.signals.finished.connect(lambda sub, b=backend: self._on_subscription(b, sub))
        worker.signals.errored.connect(lambda error, b=backend: self._on_subscription_error(b, error))
        self._pool.start(worker)

    def shutdown(self) -> None:
        self._generation += 1
        backend, self.backend = self.backend, None
        if backend is not None:
            _close_quietly(backend)

    # -- reactions ------------------------------------------------------------------------------------
    def _on_started(self, generation: int, result: EngineStarted) -> None:
        if generation != self._generation:
            _close_quietly(result.backend)
            return
        old, self.backend = self.backend, result.backend
        if old is not None and old is not result.backend:
            _close_quietly(old)
        self.api_key = result.api_key
        self.keyring_available = result.keyring_available
        self.engine = result.backend.engine_id
        self.starting = False
        self.status.emit(f"{result.backend.display_name} ready.")
        self.started.emit(result)
        self.refresh_subscription()

    def _on_failed(self, generation: int, error: BaseException) -> None:
        if generation != self._generation:
            return
        self.starting = False
        if not isinstance(error, StudioError):
            log.warning("engine failed to start: %r", error)
            error = EngineUnavailableError(
                "The speech engine could not be started",
                "Restart Narration Studio; if this keeps happening, reinstall it.",
            )
        self.status.emit("No speech engine.")
        self.error.emit(error)

    def _on_subscription(self, backend: SynthesisBackend, subscription: Subscription | None) -> None:
        if backend is self.backend:
            self.subscription_changed.emit(subscription)

    def _on_subscription_error(self, backend: SynthesisBackend, error: BaseException) -> None:
        if backend is self.backend:
            self.subscription_failed.emit(error)
