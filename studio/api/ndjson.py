"""Reading timestamped speech: the one-object response and the NDJSON stream.

``/stream/with-timestamps`` sends one JSON object per line (ENDPOINTS.md §2):
``{audio_base64, alignment|null, normalized_alignment|null}``. Blank lines occur and are
skipped. Unlike the official SDK, a line that is not JSON, or audio that is not base64,
raises :class:`MalformedResponseError`: dropping it silently would leave a hole in the
audio that nobody could explain.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable, Iterator
from typing import Any

from pydantic import ValidationError as PydanticValidationError

from studio.api.errors import MalformedResponseError
from studio.api.models import CharacterAlignment, SpeechChunk

_REMEDY = "Try again; if it keeps happening, the server address may point at the wrong service."


def _alignment(value: Any, name: str, where: str) -> CharacterAlignment | None:
    if value is None:
        return None
    try:
        alignment = CharacterAlignment.model_validate(value)
    except PydanticValidationError:
        raise MalformedResponseError(f"The server sent unreadable timing data ({name}, {where})", _REMEDY) from None
    if not (
        len(alignment.characters)
        == len(alignment.character_start_times_seconds)
        == len(alignment.character_end_times_seconds)
    ):
        raise MalformedResponseError(f"The server sent timing data of mismatched lengths ({name}, {where})", _REMEDY)
    return alignment


def chunk_from_object(data: Any, where: str) -> SpeechChunk:
    """One ``{audio_base64, alignment, normalized_alignment}`` object as a SpeechChunk."""
    if not isinstance(data, dict):
        raise MalformedResponseError(f"The server sent an unexpected speech object ({where})", _REMEDY)
    encoded = data.get("audio_base64")
    if encoded is None:
        encoded = ""
    if not isinstance(encoded, str):
        raise MalformedResponseError(f"The server sent audio in an unexpected form ({where})", _REMEDY)
    try:
        audio = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise MalformedResponseError(f"The server sent audio that is not valid base64 ({where})", _REMEDY) from None
    return SpeechChunk(
        audio=audio,
        alignment=_alignment(data.get("alignment"), "alignment", where),
        normalized_alignment=_alignment(data.get("normalized_alignment"), "normalized_alignment", where),
    )


def parse_object(content: bytes) -> SpeechChunk:
    """The body of ``POST /v1/text-to-speech/{id}/with-timestamps``."""
    try:
        data = json.loads(content)
    except ValueError:
        raise MalformedResponseError("The server's timed speech response is not valid JSON", _REMEDY) from None
    return chunk_from_object(data, "response")


def line_objects(lines: Iterable[str], what: str = "speech stream") -> Iterator[tuple[Any, str]]:
    """Each NDJSON line's JSON value and where it is ("line N"); blank lines skipped, a line
    that is not JSON raises (the TTS and the dialogue streams alike)."""
    for number, line in enumerate(lines, start=1):
        text = line.strip()
        if not text:
            continue
        try:
            data = json.loads(text)
        except ValueError:
            raise MalformedResponseError(f"Line {number} of the {what} is not valid JSON", _REMEDY) from None
        yield data, f"line {number}"


def parse_lines(lines: Iterable[str]) -> Iterator[SpeechChunk]:
    """Chunks from NDJSON lines; blank lines skipped, bad lines raise."""
    for data, where in line_objects(lines):
        yield chunk_from_object(data, where)
