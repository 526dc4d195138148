"""What an export's destination means: the one rule for "the output's suffix chooses".

``.wav``/``.flac``/``.ogg`` → one file through libsndfile (:mod:`studio.core.audio_export`);
``.mp3`` → one MP3 with ID3v2.4 tags and chapter frames; ``.m4b`` (or ``.m4a``) → AAC in MP4
with chapter marks; ``.zip`` → a ZIP of one MP3 per chapter; no suffix (``outdir/``) → a
folder of one MP3 per chapter. Quality presets map to constant bit rates here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from studio.core.audio_export import FORMATS as SNDFILE_FORMATS
from studio.core.audiobook.encoder import EncoderSettings

__all__ = ["AUDIO_SUFFIXES", "BOOK_SUFFIXES", "BookKind", "book_kind", "encoder_settings"]

BookKind = Literal["mp3", "m4b", "folder", "zip"]
BOOK_SUFFIXES: dict[str, BookKind] = {".mp3": "mp3", ".m4b": "m4b", ".m4a": "m4b", ".zip": "zip"}
#: Every single-file suffix an export accepts.
AUDIO_SUFFIXES: tuple[str, ...] = (*SNDFILE_FORMATS, ".mp3", ".m4b", ".m4a")

# Mono speech: AAC is transparent for voice well below MP3's rates.
_BITRATES: dict[str, dict[str, int]] = {
    "aac": {"low": 48_000, "medium": 64_000, "high": 96_000, "best": 128_000},
    "mp3": {"low": 64_000, "medium": 128_000, "high": 192_000, "best": 256_000},
}


def book_kind(destination: Path) -> BookKind | None:
    """The audiobook layout ``destination`` asks for, or None for a libsndfile format."""
    suffix = destination.suffix.lower()
    if suffix in BOOK_SUFFIXES:
        return BOOK_SUFFIXES[suffix]
    if not suffix or destination.is_dir():
        return "folder"
    return None


def encoder_settings(kind: BookKind, quality: str, override: EncoderSettings | None = None) -> EncoderSettings:
    """``override`` (an ACX preset's 44.1 kHz 192 kbps, say) or the quality preset's bit rate."""
    if override is not None:
        return override
    codec = "aac" if kind == "m4b" else "mp3"
    return EncoderSettings(codec=codec, bitrate=_BITRATES[codec].get(quality, _BITRATES[codec]["high"]))
