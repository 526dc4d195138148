"""Text to Dialogue: the request body and what a timestamped answer carries (no I/O here).

``POST /v1/text-to-dialogue/stream/with-timestamps`` takes ``inputs: [{text, voice_id}]``
(ENDPOINTS-NARRATION.md §1.1) and answers NDJSON lines like TTS stream-with-timestamps plus
``voice_segments``. :func:`parse_dialogue_lines` reads them into the studio's own
:class:`~studio.api.models.SpeechChunk` (audio and alignments, via :mod:`studio.api.ndjson`)
plus the segments, so everything downstream of a single-voice stream works unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from studio.api.errors import MalformedResponseError
from studio.api.models import SpeechChunk
from studio.api.ndjson import chunk_from_object, line_objects

__all__ = ["MAX_DIALOGUE_VOICES", "DialogueChunk", "DialogueInput", "DialogueRequest", "VoiceSegment",
           "parse_dialogue_lines", "parse_dialogue_object"]

#: "The maximum number of unique voice IDs is 10" (spec prose on ``inputs``).
MAX_DIALOGUE_VOICES = 10
_REMEDY = "Try again; if it keeps happening, the server address may point at the wrong service."


class DialogueInput(BaseModel):
    text: str
    voice_id: str


class DialogueRequest(BaseModel):
    """The JSON body (the same 7 fields on all four endpoints); None fields are not sent."""

    model_config = ConfigDict(extra="forbid")

    inputs: list[DialogueInput]
    model_id: str
    language_code: str | None = None
    settings: dict[str, float] | None = None
    pronunciation_dictionary_locators: list[dict[str, str | None]] | None = Field(default=None, max_length=3)
    seed: int | None = None
    apply_text_normalization: str | None = None

    def body(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)


class VoiceSegment(BaseModel):
    model_config = ConfigDict(extra="allow")

    voice_id: str
    start_time_seconds: float
    end_time_seconds: float
    character_start_index: int
    character_end_index: int
    dialogue_input_index: int


@dataclass
class DialogueChunk:
    """One line of the stream: the speech (as for one voice) and the segments it carries."""

    speech: SpeechChunk
    voice_segments: list[VoiceSegment]


def _segments(data: Any, where: str) -> list[VoiceSegment]:
    raw = data.get("voice_segments") if isinstance(data, dict) else None
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise MalformedResponseError(f"The server sent unreadable voice segments ({where})", _REMEDY)
    try:
        return [VoiceSegment.model_validate(item) for item in raw]
    except ValueError:
        raise MalformedResponseError(f"The server sent unreadable voice segments ({where})", _REMEDY) from None


def parse_dialogue_object(content: bytes) -> DialogueChunk:
    """The body of ``/v1/text-to-dialogue/with-timestamps``."""
    try:
        data = json.loads(content)
    except ValueError:
        raise MalformedResponseError("The server's timed dialogue response is not valid JSON", _REMEDY) from None
    return DialogueChunk(chunk_from_object(data, "response"), _segments(data, "response"))


def parse_dialogue_lines(lines: Iterable[str]) -> Iterator[DialogueChunk]:
    """Chunks from NDJSON lines; blank lines skipped, a bad line raises (never a silent hole)."""
    for data, where in line_objects(lines, "dialogue stream"):
        yield DialogueChunk(chunk_from_object(data, where), _segments(data, where))
