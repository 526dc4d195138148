"""A history item's audio as ``/audio`` and ``/download`` send it.

The API sends history audio as ``audio/mpeg``. A generation made as MP3 (or Opus, μ-law, A-law:
files a player can open) is sent exactly as it was made; raw PCM has no header, so PCM and WAV
generations are sent as MP3 made from the same samples (128 kbit/s, 64 at the MPEG-2 rates
below 32 kHz). ``output_format="wav"`` on a download asks for WAV instead. Each conversion is
made once per item and kept with it.
"""

from __future__ import annotations

import io

import numpy as np
import soundfile as sf

from studio.server.encoders import Mp3Encoder
from studio.server.formats import MEDIA_TYPES, parse_format
from studio.server.history_store import HistoryRecord

__all__ = ["EXTENSIONS", "audio_for", "content_type_of"]

EXTENSIONS = {"audio/mpeg": "mp3", "audio/wav": "wav", "audio/ogg": "ogg", "audio/basic": "ulaw",
              "audio/x-alaw-basic": "alaw"}
_PLAYABLE_AS_MADE = ("mp3", "opus", "ulaw", "alaw")


def content_type_of(output_format: str) -> str:
    """The media type ``/audio`` will send for a generation made in ``output_format``."""
    codec = parse_format(output_format).codec
    return MEDIA_TYPES[codec] if codec in _PLAYABLE_AS_MADE else "audio/mpeg"


def _samples(record: HistoryRecord) -> tuple[np.ndarray, int]:
    fmt = parse_format(str(record.item["output_format"]))
    if fmt.codec == "pcm":
        return np.frombuffer(record.audio, dtype="<i2"), fmt.sample_rate
    if fmt.codec in ("ulaw", "alaw"):  # headerless G.711
        data, rate = sf.read(io.BytesIO(record.audio), dtype="int16", format="RAW", subtype=fmt.codec.upper(),
                             samplerate=fmt.sample_rate, channels=1)
        return data, int(rate)
    data, rate = sf.read(io.BytesIO(record.audio), dtype="int16")
    return (data if data.ndim == 1 else data[:, 0]), int(rate)


def _mp3(samples: np.ndarray, rate: int) -> bytes:
    encoder = Mp3Encoder(rate, 128 if rate >= 32000 else 64)
    return encoder.feed(samples) + encoder.finish()


def _wav(samples: np.ndarray, rate: int) -> bytes:
    out = io.BytesIO()
    sf.write(out, samples, rate, format="WAV", subtype="PCM_16")
    return out.getvalue()


def audio_for(record: HistoryRecord, output_format: str | None = None) -> tuple[bytes, str]:
    """``(audio, media type)`` of ``record``; ``output_format`` "wav" for WAV, else the default."""
    wanted = "wav" if output_format == "wav" else "default"
    if wanted in record.converted:
        return record.converted[wanted], "audio/wav" if wanted == "wav" else str(record.item["content_type"])
    codec = parse_format(str(record.item["output_format"])).codec
    if wanted == "default" and codec in _PLAYABLE_AS_MADE:
        return record.audio, content_type_of(str(record.item["output_format"]))
    samples, rate = _samples(record)
    data = _wav(samples, rate) if wanted == "wav" else _mp3(samples, rate)
    record.converted[wanted] = data
    return data, "audio/wav" if wanted == "wav" else "audio/mpeg"
