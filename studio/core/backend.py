"""The one seam between the studio and a speech engine.

Both engines offer the same few operations: ``ElevenLabsBackend`` (studio.core.backends.
elevenlabs) wraps the HTTP client in :mod:`studio.api`; ``OfflineBackend``
(studio.core.backends.offline) wraps the Piper engine in :mod:`studio.offline`. The UI, the
player and the exporter only ever see this protocol, so everything above it works the same
with or without an account. Every method may block (network, synthesis): call them from a
worker, never from the GUI thread.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from studio.api.models import Model, Subscription, Voice, VoiceSettings
    from studio.api.pages import VoicePage
    from studio.api.requests import TextToSpeechRequest, VoiceSearch
    from studio.api.streaming import SpeechStream


@runtime_checkable
class SynthesisBackend(Protocol):
    #: "elevenlabs" or "offline": part of every cache key, shown in the status bar.
    engine_id: str
    #: A name for people: "ElevenLabs" or "Offline voice".
    display_name: str

    def search_voices(self, search: VoiceSearch) -> VoicePage: ...

    def get_voice(self, voice_id: str) -> Voice: ...

    def get_voice_settings(self, voice_id: str) -> VoiceSettings: ...

    def get_default_voice_settings(self) -> VoiceSettings: ...

    def list_models(self) -> list[Model]:
        """Models that can do text to speech."""
        ...

    def get_subscription(self) -> Subscription | None:
        """The account's usage, or None for an engine with no account (offline)."""
        ...

    def unsupported_settings(self, model_id: str) -> dict[str, str]:
        """Voice-setting names this engine/model ignores, each with the reason, for the UI."""
        ...

    def stream_with_timestamps(self, request: TextToSpeechRequest) -> SpeechStream:
        """Start speaking ``request``; iterate the stream for SpeechChunks, close() to stop."""
        ...

    def preview_audio(self, voice: Voice) -> bytes:
        """A short sample of the voice as audio bytes a QMediaPlayer can play (MP3 or WAV)."""
        ...

    def close(self) -> None: ...
