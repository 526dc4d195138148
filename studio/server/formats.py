"""The ``output_format`` values the API accepts, and what each one means.

28 values on convert and with-timestamps, 21 on the two stream endpoints (no ``wav_*``)
(ENDPOINTS.md §1). FastAPI validates the query value against these lists, so an unknown
value gets the same 422 ``literal_error`` body ElevenLabs sends. Every listed format is
produced: pcm (raw s16le), wav, mp3 (CBR), opus (Ogg Opus), ulaw and alaw (G.711).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ConvertFormat = Literal[
    "alaw_8000", "mp3_22050_32", "mp3_24000_48", "mp3_44100_128", "mp3_44100_192",
    "mp3_44100_32", "mp3_44100_64", "mp3_44100_96", "opus_48000_128", "opus_48000_192",
    "opus_48000_32", "opus_48000_64", "opus_48000_96", "pcm_16000", "pcm_22050", "pcm_24000",
    "pcm_32000", "pcm_44100", "pcm_48000", "pcm_8000", "ulaw_8000", "wav_16000", "wav_22050",
    "wav_24000", "wav_32000", "wav_44100", "wav_48000", "wav_8000",
]
StreamFormat = Literal[
    "mp3_22050_32", "mp3_24000_48", "mp3_44100_32", "mp3_44100_64", "mp3_44100_96",
    "mp3_44100_128", "mp3_44100_192", "pcm_8000", "pcm_16000", "pcm_22050", "pcm_24000",
    "pcm_32000", "pcm_44100", "pcm_48000", "ulaw_8000", "alaw_8000", "opus_48000_32",
    "opus_48000_64", "opus_48000_96", "opus_48000_128", "opus_48000_192",
]
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
    parts = value.split("_")
    bitrate = int(parts[2]) if len(parts) > 2 else None
    return OutputFormat(parts[0], int(parts[1]), bitrate)
