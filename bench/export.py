"""Benchmark of long-form export. Prints ONE JSON line.

* ``parallel_efficiency`` (target ≥ 0.87): 100 short segments generated at concurrency 4
  against the local ElevenLabs-compatible server (``narration-studio serve --faults`` in its
  own process: real HTTP over loopback, real Piper speech — the same app as the
  ``local_server`` test fixture) with an injected per-request latency (``delay`` fault,
  ``--latency`` s, default 2.0: a paragraph takes 1–3 s at ElevenLabs). Ideal time = 100 ×
  (mean time of one request made alone, same latency, measured first over 6 requests) ÷ 4;
  efficiency = ideal ÷ measured wall time. The
  cache is off for this part so every segment really is requested. The server synthesises
  one request at a time per voice and shares the machine's two cores with the client, so
  ``parallel_efficiency_in_process`` also reports the generator alone (an in-process engine
  that only waits 0.5 s per request), to tell the two costs apart.
* ``drift_samples`` (target 0): 500 segments of real Piper speech (8 distinct sentences made
  once by the offline engine, then served from the speech cache) exported to WAV with a 250 ms
  paragraph pause and JSON timings. For every segment the position the timings give is
  compared with where its audio really is in the file (found by checking that the file holds
  that segment's exact samples at the computed offset); the largest difference is reported.
  ``srt_max_error_ms`` is the same comparison for SRT cue starts (milliseconds, so ≤ 0.5).
* ``peak_rss_mb_2h`` (target ≤ 500): peak resident memory (``VmHWM``) of a separate
  process that exports a script of at least two hours of speech to FLAC with SRT and JSON
  timings, streaming to disk. Its audio is real Piper speech: 24 distinct paragraphs made by
  the offline engine into a fresh cache beforehand, repeated in script order until two hours
  are reached (the exporter makes a repeated paragraph once). Generation cost is therefore
  not part of this figure — the memory of the streaming path is: ordered assembly, timeline,
  subtitles and the encoder. ``peak_rss_mb_2h_loudness`` is the same export with −16 LUFS
  normalisation (spool file, measurement, limiter); ``--skip-loudness`` leaves it out.

Usage: ``.venv/bin/python bench/export.py [--latency 2.0] [--skip-loudness]``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import resource
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
import soundfile as sf  # noqa: E402

from studio.core.cache import SpeechCache  # noqa: E402
from studio.core.longform import LongformGenerator, LongformSettings  # noqa: E402

SENTENCES = [
    "The lighthouse keeper climbed the stairs at dusk, as he had done for thirty years.",
    "Below him the sea was restless; the wind had turned, and the gulls were quiet.",
    "He lit the lamp, wound the clockwork, and watched the beam sweep across the water.",
    "Somewhere beyond the rocks, a ship's bell answered, faint and slow.",
    "In the morning the harbour was full of boats that had not been there the night before.",
    "Nobody in the village could say where they had come from, or who had sailed them.",
    "The children ran along the quay, counting masts and shouting names at the painted hulls.",
    "By noon the boats were gone again, and only the keeper had seen them leave.",
]


def offline_settings() -> LongformSettings:
    from studio.offline.voices import bundled_voice

    return LongformSettings(voice_id=bundled_voice().voice_id, model_id="offline_piper", output_format="pcm_22050")


#: Silence between paragraphs in the exports measured here.
PAUSE_MS = 250


def offline_generator(cache: SpeechCache, settings: LongformSettings | None = None) -> LongformGenerator:
    from studio.core.backends.offline import OfflineBackend

    return LongformGenerator(OfflineBackend(), settings or offline_settings(), cache=cache)


# -- parallel efficiency -------------------------------------------------------------------


@contextlib.contextmanager
def server_process() -> Iterator[str]:
    """``narration-studio serve --faults`` in its own process (as a real service would be, so
    client and server do not share one interpreter lock); yields its base URL."""
    import httpx

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "studio", "serve", "--port", str(port), "--faults"],
        cwd=Path(__file__).resolve().parents[1], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError("the local server stopped: " + process.stderr.read().decode()[-500:])  # type: ignore[union-attr]
            try:
                if httpx.get(f"{base_url}/v1/models", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the local server did not start")
            time.sleep(0.2)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def measure_parallel(latency: float, segments: int = 100, concurrency: int = 4) -> dict[str, float]:
    import httpx

    from studio.api.client import ElevenLabsClient
    from studio.api.requests import VoiceSearch
    from studio.core.backends.elevenlabs import ElevenLabsBackend

    with server_process() as base_url:
        backend = ElevenLabsBackend(ElevenLabsClient("bench-key", base_url, max_retries=0))
        voice_id = backend.search_voices(VoiceSearch(page_size=1)).voices[0].voice_id

        def run(texts: list[str], workers: int) -> float:
            settings = LongformSettings(voice_id=voice_id, model_id="eleven_multilingual_v2", concurrency=workers)
            generator = LongformGenerator(backend, settings, cache=None)
            plan = generator.plan("\n\n".join(texts))
            assert len(plan.segments) == len(texts)
            started = time.perf_counter()
            result = generator.run(plan, lambda s, p: None)
            elapsed = time.perf_counter() - started
            assert result.segments_generated == len(texts) and result.rate_limited == 0
            return elapsed

        run(["Warm the engine up."], 1)
        httpx.post(f"{base_url}/_test/faults", json=[{"kind": "delay", "delay": latency, "count": 1000}]).raise_for_status()
        try:
            single_texts = [f"Single {i} here." for i in range(6)]
            single = run(single_texts, 1) / len(single_texts)
            texts = [f"Segment {i} here." for i in range(segments)]
            measured = run(texts, concurrency)
        finally:
            httpx.delete(f"{base_url}/_test/faults")
        backend.close()
    ideal = segments * single / concurrency
    return {
        "parallel_efficiency": round(ideal / measured, 3),
        "parallel_ideal_s": round(ideal, 2),
        "parallel_measured_s": round(measured, 2),
        "single_request_s": round(single, 3),
        "injected_latency_s": latency,
    }


def measure_parallel_in_process(latency: float, segments: int = 100, concurrency: int = 4) -> dict[str, float]:
    """The generator's own overhead: the same run over an in-process engine that only waits
    ``latency`` and then returns tone PCM (no HTTP, no synthesis to share two cores with)."""
    from tests.unit.core.fake_backend import FakeBackend

    backend = FakeBackend(latency=latency)
    generator = LongformGenerator(backend, LongformSettings(voice_id="v", model_id="m", concurrency=concurrency))
    plan = generator.plan("\n\n".join(f"Segment {i} here." for i in range(segments)))
    started = time.perf_counter()
    generator.run(plan, lambda s, p: None)
    measured = time.perf_counter() - started
    return {"parallel_efficiency_in_process": round(segments * latency / concurrency / measured, 3)}


# -- drift ---------------------------------------------------------------------------------


def measure_drift(work: Path) -> dict[str, float]:
    import srt

    from studio.core.exporter import ExportOptions, export_script

    cache = SpeechCache(work / "cache")
    generator = offline_generator(cache)
    script = "\n\n".join(SENTENCES[i % len(SENTENCES)] for i in range(500))
    out = work / "drift.wav"
    export_script(generator, script, ExportOptions(out, ("json", "srt"), pause_ms=PAUSE_MS))
    timings = json.loads((work / "drift.timings.json").read_text())
    audio, rate = sf.read(out, dtype="int16")
    pause = PAUSE_MS * rate // 1000
    plan = generator.plan(script)
    assert len(plan.segments) == 500 and all(plan.cached)

    # Where each segment really is: integer sums of the real lengths, confirmed by content.
    speech = {key: cache.get(key) for key in set(plan.keys) if key}
    true_starts = []
    position = 0
    for index, key in enumerate(plan.keys):
        if index:
            position += pause
        pcm = np.frombuffer(speech[key].pcm, dtype="<i2")  # type: ignore[union-attr]
        assert np.array_equal(audio[position : position + pcm.size], pcm), f"segment {index} is not where expected"
        true_starts.append(position)
        position += pcm.size
    assert position == audio.size
    drift = max(abs(seg["start_sample"] - true) for seg, true in zip(timings["segments"], true_starts, strict=True))

    # First word of every segment: JSON sample vs true sample; SRT cue start vs true time.
    first_words = {}
    for word in timings["words"]:
        first_words.setdefault(word["paragraph"], word)
    word_drift = 0
    srt_error_ms = 0.0
    cue_starts = {round(c.start.total_seconds() * 1000) for c in srt.parse((work / "drift.srt").read_text())}
    for paragraph, word in first_words.items():
        alignment = speech[plan.keys[paragraph]].alignment  # type: ignore[union-attr]
        local = round(alignment.character_start_times_seconds[0] * rate)
        true = true_starts[paragraph] + local
        word_drift = max(word_drift, abs(word["start_sample"] - true))
        true_ms = true * 1000 / rate
        nearest = min(cue_starts, key=lambda ms: abs(ms - true_ms))
        srt_error_ms = max(srt_error_ms, abs(nearest - true_ms))
    return {
        "drift_samples": int(max(drift, word_drift)),
        "srt_max_error_ms": round(srt_error_ms, 3),
        "drift_segments": 500,
        "drift_audio_s": round(audio.size / rate, 1),
    }


# -- two hours, streamed -------------------------------------------------------------------


def prepare_two_hours(work: Path) -> tuple[Path, Path]:
    """Make 24 distinct paragraphs with Piper into a cache; write a ≥ 2 h script of them."""
    cache = SpeechCache(work / "cache2h", max_bytes=10 * 1024**3)
    paragraphs = [
        " ".join(SENTENCES[(i + j) % len(SENTENCES)] for j in range(3)).replace("keeper", f"keeper {i + 1}")
        for i in range(24)
    ]
    generator = offline_generator(cache)
    plan = generator.plan("\n\n".join(paragraphs))
    generator.run(plan, lambda s, p: None)
    seconds = [cache.get(k).n_samples / plan.sample_rate for k in plan.keys if k]  # type: ignore[union-attr]
    per_cycle = sum(seconds) + 0.25 * len(seconds)
    cycles = int(np.ceil(2 * 3600 / per_cycle))
    script = work / "two_hours.txt"
    script.write_text("\n\n".join(paragraphs * cycles), encoding="utf-8")
    return script, work / "cache2h"


def peak_rss_kb() -> int:
    """This process's peak resident memory. VmHWM, not ru_maxrss: Linux carries ru_maxrss over
    fork and exec, so a child of a big parent would report the parent's peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def child_export(script: Path, cache_dir: Path, out: Path, loudness: float | None) -> None:
    from studio.core.exporter import ExportOptions, export_script

    cache = SpeechCache(cache_dir, max_bytes=10 * 1024**3)
    started = time.perf_counter()
    result = export_script(
        offline_generator(cache), script.read_text(encoding="utf-8"),
        ExportOptions(out, ("srt", "json"), loudness_target=loudness, pause_ms=PAUSE_MS),
    )
    peak_kb = peak_rss_kb()
    print(json.dumps({
        "peak_rss_mb": round(peak_kb / 1024, 1),
        "audio_hours": round(result.duration_seconds / 3600, 3),
        "seconds": round(time.perf_counter() - started, 1),
        "segments": result.generation.segments_total,
    }))


def measure_two_hours(work: Path, with_loudness: bool) -> dict[str, float]:
    script, cache_dir = prepare_two_hours(work)
    figures: dict[str, float] = {}
    runs = [("", None)] + ([("_loudness", -16.0)] if with_loudness else [])
    for suffix, loudness in runs:
        out = work / f"two_hours{suffix}.flac"
        command = [sys.executable, __file__, "--child", str(script), str(cache_dir), str(out)]
        if loudness is not None:
            command += ["--child-loudness", str(loudness)]
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        child = json.loads(done.stdout.strip().splitlines()[-1])
        figures[f"peak_rss_mb_2h{suffix}"] = child["peak_rss_mb"]
        figures[f"export_2h_seconds{suffix}"] = child["seconds"]
        figures["audio_hours_2h"] = child["audio_hours"]
        figures["segments_2h"] = child["segments"]
        out.unlink()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--latency", type=float, default=2.0)
    parser.add_argument("--skip-loudness", action="store_true")
    parser.add_argument("--child", nargs=3, metavar=("SCRIPT", "CACHE", "OUT"), help=argparse.SUPPRESS)
    parser.add_argument("--child-loudness", type=float, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child_export(Path(args.child[0]), Path(args.child[1]), Path(args.child[2]), args.child_loudness)
        return
    with tempfile.TemporaryDirectory(prefix="bench-export-") as tmp:
        work = Path(tmp)
        figures: dict[str, float] = {}
        figures.update(measure_parallel(args.latency))
        figures.update(measure_parallel_in_process(0.5))
        figures.update(measure_drift(work))
        figures.update(measure_two_hours(work, not args.skip_loudness))
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
