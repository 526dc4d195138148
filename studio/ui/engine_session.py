"""Which engine the studio speaks with, started off the GUI thread.

:class:`EngineSession` builds a backend in a worker: ElevenLabs when a key is available
(keyring, else ``ELEVENLABS_API_KEY``), otherwise the offline voice — loaded in the worker
with a status message, never blocking the window. It re-emits everything a window needs:
the new backend, why it fell back to offline (for the banner), the account's usage, and
errors as StudioErrors. The backends are built by small factory functions so that tests and
the CLI build exactly what the app builds.

While an engine is starting, Play and Export need not refuse: :meth:`EngineSession.pending_backend`
gives a :class:`PendingBackend` that the work can start with. The work's first call that needs
the engine waits for it in its worker — never on the GUI thread — with a status note, and then
goes on with the real backend.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from studio.cancel import Cancelled, CancelToken
from studio.errors import StudioError
from studio.ui.worker import Worker, WorkerPool, current_token

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


#: What each engine is called while it starts (the backends' own display names).
ENGINE_NAMES = {"offline": "Offline voice", "elevenlabs": "ElevenLabs"}


def _as_studio_error(error: BaseException) -> StudioError:
    if isinstance(error, StudioError):
        return error
    return EngineUnavailableError(
        "The speech engine could not be started",
        "Restart Narration Studio; if this keeps happening, reinstall it.",
    )


class _Start:
    """One start of an engine: the backend it gave, or why it failed. Readable from any thread."""

    def __init__(self, engine: str) -> None:
        self.engine = engine
        self.done = threading.Event()
        self.backend: SynthesisBackend | None = None
        self.error: StudioError | None = None
        self.announced = False  # "waiting for the engine" was said once for this start

    def finish(self, backend: SynthesisBackend | None, error: StudioError | None) -> None:
        self.backend, self.error = backend, error
        self.done.set()


class PendingBackend:
    """Stands in for an engine that is still starting (made on the GUI thread, used in workers).

    ``display_name`` and, on the GUI thread, ``engine_id`` answer at once (the engine that was
    asked for, until the real one is known). Anything else — and ``engine_id`` in a worker —
    waits in that worker for the engine, cancellably, then is the real backend's.
    """

    def __init__(self, session: EngineSession, engine: str) -> None:
        self._session = session
        self._engine = engine
        self._backend: SynthesisBackend | None = None

    def __repr__(self) -> str:
        return f"PendingBackend({self._engine!r})"

    @property
    def is_ready(self) -> bool:
        return self._backend is not None

    @property
    def display_name(self) -> str:
        backend = self._backend
        return backend.display_name if backend is not None else ENGINE_NAMES.get(self._engine, "The speech engine")

    @property
    def engine_id(self) -> str:
        if self._backend is None and not _on_gui_thread():
            self.wait_until_ready()
        backend = self._backend
        return backend.engine_id if backend is not None else self._engine

    def wait_until_ready(self, token: CancelToken | None = None) -> SynthesisBackend:
        """The real backend, once the engine has started. Blocks: call from a worker."""
        if self._backend is None:
            self._backend = self._session.wait_for_backend(token or current_token())
        return self._backend

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        if _on_gui_thread():
            # Waiting here would freeze the window (and the engine's start reports back on it).
            raise AttributeError(f"{name}: the engine is still starting (never wait on the GUI thread)")
        return getattr(self.wait_until_ready(), name)


def _on_gui_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


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
        self._attempt: _Start | None = None  # the latest start, for work waiting on it

    def start(self, engine: str, base_url: str | None = None, api_key: str | None = None) -> None:
        """Switch to ``engine`` ("elevenlabs" or "offline"); the key is looked up if not given."""
        self._generation += 1
        generation = self._generation
        self.starting = True
        attempt = self._attempt = _Start(engine)
        # Whether ElevenLabs is even tried is known only once the keyring has answered: say
        # "Connecting" only then, never while the studio is about to load the offline voice.
        if engine == "offline":
            self.status.emit("Loading the offline voice…")
        elif api_key:
            self.status.emit("Connecting to ElevenLabs…")
        else:
            self.status.emit("Starting the speech engine…")  # the worker says which, once it knows
        elevenlabs, offline, key_loader = self._elevenlabs_factory, self._offline_factory, self._key_loader

        def make(token: CancelToken) -> Generator[str, None, EngineStarted]:
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

        def build(token: CancelToken) -> Generator[str, None, EngineStarted]:
            # Work waiting for this engine hears of it here, in this worker: not only once the
            # GUI thread has handled the result (which it may never do if the app is closing).
            try:
                result = yield from make(token)
            except BaseException as error:
                attempt.finish(None, _as_studio_error(error))
                raise
            attempt.finish(result.backend, None)
            return result

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

    def pending_backend(self) -> PendingBackend | None:
        """While an engine is starting (and none runs yet): something to start the work with."""
        attempt = self._attempt
        if self.backend is not None or not self.starting or attempt is None:
            return None
        return PendingBackend(self, attempt.engine)

    def wait_for_backend(self, token: CancelToken | None = None) -> SynthesisBackend:
        """The engine once its start has finished (follows a newer start). Blocks: workers only.

        Raises the start's StudioError if it failed, or Cancelled if ``token`` is cancelled.
        """
        while True:
            attempt = self._attempt
            if attempt is None:
                backend = self.backend
                if backend is None:
                    raise EngineUnavailableError("No speech engine is running", "Restart Narration Studio.")
                return backend
            if not attempt.done.is_set() and not attempt.announced:
                attempt.announced = True
                name = ENGINE_NAMES.get(attempt.engine, "the speech engine")
                self.status.emit(f"Waiting for the {name[0].lower() + name[1:]} to finish starting…"
                                 if attempt.engine == "offline" else f"Waiting for {name} to connect…")
            while not attempt.done.wait(0.05):
                if token is not None and token.cancelled:
                    raise Cancelled()
            if attempt is not self._attempt:
                continue  # a newer start replaced this one: its engine is the one to use
            if attempt.error is not None:
                raise attempt.error
            assert attempt.backend is not None
            return attempt.backend

    def shutdown(self) -> None:
        self._generation += 1
        attempt, self._attempt = self._attempt, None
        if attempt is not None and not attempt.done.is_set():
            attempt.finish(None, EngineUnavailableError("The studio is closing", ""))
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
            error = _as_studio_error(error)
        self.status.emit("No speech engine.")
        self.error.emit(error)

    def _on_subscription(self, backend: SynthesisBackend, subscription: Subscription | None) -> None:
        if backend is self.backend:
            self.subscription_changed.emit(subscription)

    def _on_subscription_error(self, backend: SynthesisBackend, error: BaseException) -> None:
        if backend is self.backend:
            self.subscription_failed.emit(error)
