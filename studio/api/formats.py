"""The audio formats the text-to-speech endpoints can return.

The lists are the enums of the newest API spec (ENDPOINTS.md §1): 28 values on convert and
with-timestamps, 21 on both stream endpoints (the stream endpoints have no ``wav_*``).
A name is ``codec_samplerate[_bitrate]``; :func:`parse_output_format` splits it so callers
never parse strings themselves.
"""

from __future__ import annotations

from typing import NamedTuple

OUTPUT_FORMATS_STREAM: tuple[str, ...] = (
    "mp3_22050_32",
    "mp3_24000_48",
    "mp3_44100_32",
    "mp3_44100_64",
    "mp3_44100_96",
    "mp3_44100_128",
    "mp3_44100_192",
    "pcm_8000",
    "pcm_16000",
    "pcm_22050",
    "pcm_24000",
    "pcm_32000",
    "pcm_44100",
    "pcm_48000",
    "ulaw_8000",
    "alaw_8000",
    "opus_48000_32",
    "opus_48000_64",
    "opus_48000_96",
    "opus_48000_128",
    "opus_48000_192",
)

OUTPUT_FORMATS_CONVERT: tuple[str, ...] = OUTPUT_FORMATS_STREAM + (
    "wav_8000",
    "wav_16000",
    "wav_22050",
    "wav_24000",
    "wav_32000",
    "wav_44100",
    "wav_48000",
)

#: What the studio asks for itself: raw PCM needs no decoder and gives exact durations.
DEFAULT_OUTPUT_FORMAT = "pcm_24000"


class OutputFormat(NamedTuple):
    codec: str  # "mp3", "pcm", "wav", "ulaw", "alaw" or "opus"
    sample_rate: int  # Hz
    bitrate: int | None  # kbit/s for compressed codecs, None for PCM-like ones

    @property
    def is_pcm(self) -> bool:
        """Raw signed 16-bit little-endian mono samples."""
        return self.codec == "pcm"

    @property
    def bytes_per_second(self) -> int | None:
        """Exact for uncompressed PCM, None where the size does not tell the duration."""
        if self.codec == "pcm":
            return self.sample_rate * 2
        if self.codec in ("ulaw", "alaw"):
            return self.sample_rate
        return None

    @property
    def required_tier(self) -> str | None:
        """The lowest plan that may use this format, from the spec's enum description."""
        if self.codec == "mp3" and self.bitrate == 192:
            return "creator"
        if self.codec in ("pcm", "wav") and self.sample_rate == 44100:
            return "pro"
        return None


def parse_output_format(fmt: str) -> OutputFormat:
    """Split a known output format name. Unknown names raise ``ValueError``."""
    if fmt not in OUTPUT_FORMATS_CONVERT:
        raise ValueError(f"unknown output format {fmt!r}")
    parts = fmt.split("_")
    bitrate = int(parts[2]) if len(parts) > 2 else None
    return OutputFormat(parts[0], int(parts[1]), bitrate)
