"""The ``output_format`` values the API accepts, and what each one means.

28 values on convert and with-timestamps, 21 on the two stream endpoints (no ``wav_*``)
(ENDPOINTS.md §1). FastAPI validates the query value against these lists, so an unknown
value gets the same 422 ``literal_error`` body ElevenLabs sends. Every listed format is
produced: pcm (raw s16le), wav, mp3 (CBR), opus (Ogg Opus), ulaw and alaw (G.711).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from studio.api.formats import OUTPUT_FORMATS_CONVERT, OUTPUT_FORMATS_STREAM, parse_output_format

# One list for client and server (studio.api.formats). The API's 422 ``literal_error`` lists the
# convert formats sorted and the stream formats in spec order; so do these.
ConvertFormat = Literal[tuple(sorted(OUTPUT_FORMATS_CONVERT))]  # type: ignore[valid-type]
StreamFormat = Literal[OUTPUT_FORMATS_STREAM]  # type: ignore[valid-type]
DEFAULT_FORMAT = "mp3_44100_128"

MEDIA_TYPES = {
    "pcm": "audio/pcm",
    "wav": "audio/wav",
    "mp3": "audio/mpeg",
    "ulaw": "audio/basic",
    "alaw": "audio/x-alaw-basic",
    "opus": "audio/ogg",
}


@dataclass(frozen=True)
class OutputFormat:
    codec: str
    sample_rate: int
    bitrate_kbps: int | None = None

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.codec]


def parse_format(value: str) -> OutputFormat:
    """``"mp3_44100_128"`` -> OutputFormat("mp3", 44100, 128). The value is already validated."""
    codec, sample_rate, bitrate = parse_output_format(value)
    return OutputFormat(codec, sample_rate, bitrate)
