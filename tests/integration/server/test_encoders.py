"""The server's encoders and page tokens, checked against independent references."""

from __future__ import annotations

import io
import warnings

import numpy as np
import pytest
import soundfile as sf

from studio.server.encoders import Mp3Encoder, linear_to_alaw, linear_to_ulaw, mp3_compression_level
from studio.server.formats import parse_format
from studio.server.voice_query import BadPageToken, PageTokens, VoiceQuery

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import audioop  # the stdlib's C implementation of G.711 (removed in 3.13; 3.11 here)

ALL_SAMPLES = np.arange(-32768, 32768, dtype=np.int16)


def test_ulaw_matches_the_stdlib_for_every_sample() -> None:
    assert linear_to_ulaw(ALL_SAMPLES) == audioop.lin2ulaw(ALL_SAMPLES.tobytes(), 2)


def test_alaw_matches_the_stdlib_for_every_sample() -> None:
    assert linear_to_alaw(ALL_SAMPLES) == audioop.lin2alaw(ALL_SAMPLES.tobytes(), 2)


# MPEG-1 layer III bitrate table (kbps by header index) and the MPEG-2 one.
_MPEG1 = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320]
_MPEG2 = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160]


@pytest.mark.parametrize("fmt", ["mp3_22050_32", "mp3_24000_48", "mp3_44100_32", "mp3_44100_64",
                                 "mp3_44100_96", "mp3_44100_128", "mp3_44100_192"])
def test_mp3_stream_has_the_asked_bitrate_and_decodes(fmt: str) -> None:
    spec = parse_format(fmt)
    encoder = Mp3Encoder(spec.sample_rate, spec.bitrate_kbps or 0)
    t = np.arange(spec.sample_rate) / spec.sample_rate
    tone = (8000 * np.sin(2 * np.pi * 330 * t)).astype(np.int16)
    data = b"".join(encoder.feed(tone) for _ in range(3)) + encoder.finish()
    header = data[:4]
    assert header[0] == 0xFF and header[1] & 0xE0 == 0xE0  # frame sync
    mpeg1 = bool(header[1] & 0x08)
    assert mpeg1 == (spec.sample_rate >= 32000)
    table = _MPEG1 if mpeg1 else _MPEG2
    # Frame 1 is the (placeholder) info frame; audio frames follow at the constant bitrate.
    kbps = {table[data[i + 2] >> 4] for i in range(len(data) - 4)
            if data[i] == 0xFF and data[i + 1] == header[1] and data[i + 3] == header[3]}
    assert spec.bitrate_kbps in kbps
    samples, rate = sf.read(io.BytesIO(data))
    assert rate == spec.sample_rate
    assert abs(len(samples) - 3 * spec.sample_rate) < 3 * 1152  # within a few frames
    assert 0.1 < np.sqrt(np.mean(samples ** 2)) < 0.3


def test_compression_level_stays_in_range() -> None:
    assert mp3_compression_level(44100, 320) == 0.0
    assert mp3_compression_level(44100, 32) == 0.99
    assert 0 < mp3_compression_level(22050, 32) < 1


def test_page_tokens_detect_tampering() -> None:
    tokens = PageTokens(b"k" * 32)
    query = VoiceQuery(search="warm")
    token = tokens.make(40, query)
    assert tokens.read(token, query) == 40
    with pytest.raises(BadPageToken):
        tokens.read(token, VoiceQuery(search="cold"))
    with pytest.raises(BadPageToken):
        PageTokens(b"x" * 32).read(token, query)  # another server's token
    with pytest.raises(BadPageToken):
        tokens.read(token[:-3], query)
    with pytest.raises(BadPageToken):
        tokens.read("%%%", query)
