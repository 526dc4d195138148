"""Errors of the offline (Piper) engine, in words a narrator understands."""

from __future__ import annotations

from studio.errors import StudioError


class OfflineEngineError(StudioError):
    """The offline voice could not load or speak something."""


class EmptyTextError(OfflineEngineError):
    """There was nothing to speak."""

    def __init__(self) -> None:
        super().__init__(
            "There is no text to speak: the text is empty or only spaces",
            "Type or select some words, then try again.",
        )


class VoiceLoadError(OfflineEngineError):
    """A voice model file could not be opened."""
