"""``POST /v1/forced-alignment``: when each character and word of a known text is heard in a recording.

ENDPOINTS-NARRATION.md §1.5: a **multipart** upload of ``file`` (the audio, any major format)
and ``text`` (plain text, not JSON); the answer is ``ForcedAlignmentResponseModel`` with
``characters`` (``text``/``start``/``end``, seconds), ``words`` (the same plus ``loss``) and an
overall ``loss``. A real capture (tests/data/api_samples/forced_alignment_real_2025.json) shows
that the characters are the text as sent, newlines included, and that ``words`` holds the
separators too (``" "``, ``"\\n"``) with punctuation kept on the word it follows ("Dan:").

The request is priced like speech to text, so it is sent like text to speech is: retried only
when the server cannot have received it (:meth:`ElevenLabsClient._send` with ``tts=True``).

A mixin, so :class:`~studio.api.client.ElevenLabsClient` gains the method without growing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import Field

from studio.api import errors as e
from studio.api.models import ApiModel, CharacterAlignment

if TYPE_CHECKING:
    from studio.api.client import Cancellable

__all__ = ["AlignedCharacter", "AlignedWord", "ForcedAlignment", "ForcedAlignmentMixin"]

PATH = "/v1/forced-alignment"


class AlignedCharacter(ApiModel):
    text: str = ""
    start: float = 0.0
    end: float = 0.0


class AlignedWord(ApiModel):
    text: str = ""
    start: float = 0.0
    end: float = 0.0
    #: How poorly this word fitted the audio (0 = perfectly); the API's scale, not a probability.
    loss: float = 0.0


class ForcedAlignment(ApiModel):
    characters: list[AlignedCharacter] = Field(default_factory=list)
    words: list[AlignedWord] = Field(default_factory=list)
    #: The average loss over all characters (the spec's words).
    loss: float = 0.0

    def character_alignment(self) -> CharacterAlignment:
        """The characters in the shape every other timing in the studio has."""
        return CharacterAlignment(
            characters=[c.text for c in self.characters],
            character_start_times_seconds=[c.start for c in self.characters],
            character_end_times_seconds=[c.end for c in self.characters],
        )


class ForcedAlignmentMixin:
    """``forced_alignment``: mixed into :class:`~studio.api.client.ElevenLabsClient`."""

    _request_json: Any
    _parse: Any

    def forced_alignment(
        self, audio: bytes, filename: str, text: str, cancel: Cancellable | None = None
    ) -> ForcedAlignment:
        """Time ``text`` against the recording ``audio`` (its ``filename`` tells the server the format)."""
        if not audio:
            raise e.InvalidRequestError(f"“{filename}” is empty", "Choose a recording with sound in it. Nothing was sent.",
                                        field="file")
        if not text.strip():
            raise e.InvalidRequestError("The script is empty", "Write or open the script that was read. Nothing was sent.",
                                        field="text")
        data = self._request_json(
            "POST", PATH, "forced alignment", files={"file": (filename, audio, _content_type(filename))},
            data={"text": text}, tts=True, cancel=cancel,
        )
        return self._parse(ForcedAlignment, data, "forced alignment")  # type: ignore[no-any-return]


_TYPES = {".wav": "audio/wav", ".flac": "audio/flac", ".mp3": "audio/mpeg", ".ogg": "audio/ogg"}


def _content_type(filename: str) -> str:
    lower = filename.lower()
    return next((kind for suffix, kind in _TYPES.items() if lower.endswith(suffix)), "application/octet-stream")
