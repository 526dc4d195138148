"""Errors of the offline (Piper) engine, in words a narrator understands."""

from __future__ import annotations

from studio.errors import StudioError


class OfflineEngineError(StudioError):
    """The offline voice could not load or speak something."""


class EmptyTextError(OfflineEngineError):
    """There was nothing to speak."""

    def __init__(self) -> None:
        super().__init__(
            "There is nothing to speak: the text has no words, numbers or amounts, only "
            "spaces, punctuation or symbols",
            "Type or select some words, then try again.",
        )


class VoiceLoadError(OfflineEngineError):
    """A voice model file could not be opened."""
