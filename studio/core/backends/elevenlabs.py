"""The ElevenLabs engine behind the one backend seam (:mod:`studio.core.backend`).

A thin adapter: every call goes to :class:`studio.api.client.ElevenLabsClient`, which
owns validation, retries and error mapping. What this adds is the studio's view of the
service: only models that can speak are listed, and the settings a model ignores are named
from its own capability flags rather than a hard-coded table.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from typing import TypeVar

from studio.api.client import Cancellable, ElevenLabsClient
from studio.api.dialogue import DialogueRequest
from studio.api.dialogue_client import DialogueResult
from studio.api.errors import ApiError
from studio.core.pronunciation.stale import StaleCopies
from studio.api.models import Model, Subscription, Voice, VoiceSettings
from studio.api.pages import VoicePage
from studio.api.requests import TextToSpeechRequest, VoiceSearch
from studio.api.streaming import SpeechResult, SpeechStream
from studio.core.script.capabilities import Capabilities

_R = TypeVar("_R")


class ElevenLabsBackend:
    engine_id = "elevenlabs"
    display_name = "ElevenLabs"

    def __init__(self, client: ElevenLabsClient) -> None:
        self.client = client
        self._lock = threading.Lock()
        self._models: dict[str, Model] | None = None
        #: Streams handed out (weakly: a finished one may go), so close() can end each one.
        self._streams: weakref.WeakSet[SpeechStream] = weakref.WeakSet()
        #: Dictionaries synced for this account, uploaded again if it turns out not to have them.
        self.stale_copies = StaleCopies()

    def __repr__(self) -> str:
        return f"ElevenLabsBackend({self.client!r})"

    # --- voices ------------------------------------------------------------------------

    def search_voices(self, search: VoiceSearch) -> VoicePage:
        return self.client.search_voices(search)

    def get_voice(self, voice_id: str) -> Voice:
        return self.client.get_voice(voice_id)

    def get_voice_settings(self, voice_id: str) -> VoiceSettings:
        return self.client.get_voice_settings(voice_id)

    def get_default_voice_settings(self) -> VoiceSettings:
        return self.client.get_default_voice_settings()

    def preview_audio(self, voice: Voice) -> bytes:
        """The voice's public preview (MP3). Fetched without the key unless it is our server."""
        if not voice.preview_url:
            raise ApiError(
                f"The voice '{voice.name or voice.voice_id}' has no preview sample",
                "Type a line in the editor and press Play to hear it instead.",
            )
        return self.client.download(voice.preview_url)

    # --- models and account ----------------------------------------------------------------

    def list_models(self) -> list[Model]:
        models = [m for m in self.client.list_models() if m.can_do_text_to_speech]
        with self._lock:
            self._models = {m.model_id: m for m in models}
        return models

    def _model(self, model_id: str) -> Model | None:
        with self._lock:
            known = self._models
        if known is None:
            self.list_models()
            with self._lock:
                known = self._models or {}
        return known.get(model_id)

    def unsupported_settings(self, model_id: str) -> dict[str, str]:
        """Settings this model ignores, from the capability table (blocks once for the models)."""
        model = self._model(model_id)
        if model is None:
            return {}
        return Capabilities(self.engine_id, model_id, model).unsupported_settings()

    def get_subscription(self) -> Subscription | None:
        return self.client.get_subscription()

    # --- speech -------------------------------------------------------------------------------

    def stream_with_timestamps(self, request: TextToSpeechRequest) -> SpeechStream:
        return self._track(self._send(self.client.stream_with_timestamps, request))

    def stream(self, request: TextToSpeechRequest) -> SpeechStream:
        return self._track(self._send(self.client.stream, request))

    def _send(self, send: Callable[[TextToSpeechRequest], _R], request: TextToSpeechRequest) -> _R:
        """``send(request)``; if the account no longer has one of its dictionaries (a 404, before
        anything is made or charged), once more with that dictionary uploaded again."""
        request = self.stale_copies.current(request)
        try:
            return send(request)
        except ApiError as error:
            again = self.stale_copies.replace(self.client, request, error)
            if again is None:
                raise
            return send(again)

    def _track(self, stream: SpeechStream) -> SpeechStream:
        with self._lock:
            self._streams.add(stream)
        return stream

    def dialogue_with_timestamps(self, request: DialogueRequest, output_format: str,
                                 cancel: Cancellable | None = None) -> DialogueResult:
        """Text to Dialogue: several voices in one request (:mod:`studio.core.dialogue`)."""
        return self.client.dialogue_with_timestamps(request, output_format, cancel=cancel)

    def convert(self, request: TextToSpeechRequest) -> SpeechResult:
        return self._send(self.client.convert, request)

    def close(self) -> None:
        """End every stream still running (each by its own close(): quietly, and never as
        ``completed``), then the connections. Used when the person switches engines."""
        with self._lock:
            streams = list(self._streams)
        for stream in streams:
            stream.close()
        self.client.close()
