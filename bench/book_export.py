"""The export half of ``bench/book.py``: a 10-hour M4B from cached speech (issue 13).

Run as a child process (``python bench/book_export.py fill|export FOLDER HOURS``) so its peak
memory is its own. ``fill`` plans a book of distinct paragraphs (40 chapters) and fills a fresh
speech cache with *speech-like noise* per paragraph (band-limited noise under a syllable-rate
envelope, one seed per paragraph, with evenly spread character timings) instead of
synthesising 10 hours; ``export`` exports it to M4B (AAC 64 kb/s, chapters, SRT subtitles)
through :func:`studio.core.exporter.export_plan`, exactly as the dialog and the CLI do, with an
engine that fails if anything is requested (everything must come from the cache), then reads
the file back with mutagen (duration, chapters) and prints one JSON line with its own
``ru_maxrss``.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from studio.core.cache import CachedSpeech, SpeechCache  # noqa: E402
from studio.core.script import Capabilities, RenderSettings, Script, plan_render  # noqa: E402
from tests.unit.core.script.prose import paragraphs  # noqa: E402 - distinct book-like paragraphs

RATE = 24_000
CHARS_PER_SECOND = 15.0  # a narrator's pace
CHAPTERS = 40
PAUSE_MS = 500
SETTINGS = RenderSettings("bench-voice", "eleven_multilingual_v2")
CAPS = Capabilities("elevenlabs", "eleven_multilingual_v2")


def book(hours: float) -> Script:
    """Distinct paragraphs enough for ``hours`` of speech at CHARS_PER_SECOND, in 40 chapters."""
    target = hours * 3600 * CHARS_PER_SECOND
    count = int(target / 240) + 10
    made = paragraphs(count, seed=11)
    while sum(len(p) for p in made) < target:
        count = int(count * 1.2) + 10
        made = paragraphs(count, seed=11)
    kept, total = [], 0
    for paragraph in made:
        if total >= target:
            break
        kept.append(paragraph)
        total += len(paragraph)
    script = Script.from_text("\n\n".join(kept))
    per = -(-len(script.blocks) // CHAPTERS)
    for n in range(0, len(script.blocks), per):
        script.blocks[n].chapter = f"Chapter {n // per + 1}"
    return script


def speech_like(text: str, seed: int) -> CachedSpeech:
    from studio.api.models import CharacterAlignment

    rng = np.random.default_rng(seed)
    n = int(len(text) / CHARS_PER_SECOND * RATE)
    noise = rng.standard_normal(n)
    noise = np.convolve(noise, np.ones(6) / 6, mode="same")  # a gentle low-pass: voice-band energy
    t = np.arange(n) / RATE
    syllables = 0.55 + 0.45 * np.sin(2 * np.pi * rng.uniform(3.5, 5.0) * t + rng.uniform(0, 6.3))
    pcm = (noise * syllables * 6000).clip(-32000, 32000).astype("<i2").tobytes()
    step = n / RATE / max(len(text), 1)
    alignment = CharacterAlignment(characters=list(text),
                                   character_start_times_seconds=[i * step for i in range(len(text))],
                                   character_end_times_seconds=[(i + 1) * step for i in range(len(text))])
    return CachedSpeech(pcm=pcm, sample_rate=RATE, alignment=alignment, character_cost=float(len(text)))


def fill(folder: Path, hours: float) -> dict[str, object]:
    script = book(hours)
    cache = SpeechCache(folder / "cache", max_bytes=64 * 1024**3)
    plan = plan_render(script, SETTINGS, CAPS, cache)
    for n, part in enumerate(plan.parts):
        assert part.key is not None
        cache.put(part.key, speech_like(part.text, n))
    return {"paragraphs": len(script.blocks), "parts": len(plan.parts), "characters": sum(len(b.text) for b in script)}


class NoRequests:
    """Everything is cached: a request would be a bench (or planning) bug."""

    engine_id = "elevenlabs"
    display_name = "bench"

    def stream_with_timestamps(self, request):  # type: ignore[no-untyped-def]
        raise AssertionError(f"requested {request.text[:40]!r}: it should have come from the cache")


def export(folder: Path, hours: float) -> dict[str, object]:
    from mutagen.mp4 import MP4

    from studio.core.exporter import ExportOptions, export_plan

    script = book(hours)
    cache = SpeechCache(folder / "cache", max_bytes=64 * 1024**3)
    out = folder / "book.m4b"
    start = time.perf_counter()
    plan = plan_render(script, SETTINGS, CAPS, cache)
    result = export_plan(plan, NoRequests(), ExportOptions(out, ("srt",), title="Bench Book", author="Bench",  # type: ignore[arg-type]
                                                          narrator="Noise", pause_ms=PAUSE_MS, quality="medium"),
                         cache=cache)
    elapsed = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    mp4 = MP4(out)  # a second library reads what PyAV wrote
    return {
        "export_s": round(elapsed, 1),
        "export_peak_rss_mb": round(peak_kb / 1024, 1),
        "export_audio_hours": round(result.duration_seconds / 3600, 3),
        "export_read_back_hours": round(mp4.info.length / 3600, 3),
        "export_read_back_chapters": len(mp4.chapters or []),
        "export_file_mb": round(out.stat().st_size / 1048576, 1),
        "export_from_cache": result.generation.segments_from_cache,
        "export_generated": result.generation.segments_generated,
    }


if __name__ == "__main__":
    mode, where, length = sys.argv[1], Path(sys.argv[2]), float(sys.argv[3])
    print(json.dumps(fill(where, length) if mode == "fill" else export(where, length)))
