"""Benchmark of the read-along EPUB export. Prints ONE JSON line.

``peak_rss_mb_2h`` (target ≤ 500, the export's): peak resident memory (``VmHWM``) of a separate
process that exports at least two hours of speech as a read-along EPUB, in chapters of 24
paragraphs. The speech is real Piper speech with real alignments: 24 distinct paragraphs made by
the offline engine into a fresh cache first (bench/export.py's two-hour script), repeated in
script order until two hours are reached, so generation is not in the figure — the streaming
path is (ordered assembly, timeline, per-chapter MP3 encoding, sentence clips, the zip).
Also: ``export_2h_seconds``, the EPUB's size, its chapter and sentence (``<par>``) counts, and
``epubcheck_errors`` when Debian's EPUBCheck is installed (``null`` when it is not).

Usage: ``.venv/bin/python bench/readalong.py``.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from export import PAUSE_MS, offline_generator, peak_rss_kb, prepare_two_hours  # noqa: E402

from studio.core.cache import SpeechCache  # noqa: E402

CHAPTER_PARAGRAPHS = 24


def child_export(script_path: Path, cache_dir: Path, out: Path) -> None:
    from studio.core.exporter import ExportOptions, export_script
    from studio.core.script import Script

    cache = SpeechCache(cache_dir, max_bytes=10 * 1024**3)
    script = Script.from_text(script_path.read_text(encoding="utf-8"))
    for i in range(0, len(script.blocks), CHAPTER_PARAGRAPHS):
        script.blocks[i].chapter = f"Chapter {i // CHAPTER_PARAGRAPHS + 1}"
    generator = offline_generator(cache)
    started = time.perf_counter()
    plan = generator.plan(script)
    result = export_script(generator, plan.script, ExportOptions(out, pause_ms=PAUSE_MS, title="Two hours"), plan=plan)
    peak_kb = peak_rss_kb()
    print(json.dumps({"peak_rss_mb": round(peak_kb / 1024, 1), "audio_hours": round(result.duration_seconds / 3600, 3),
                      "seconds": round(time.perf_counter() - started, 1), "segments": result.generation.segments_total}))


def main() -> None:
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        child_export(Path(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4]))
        return
    with tempfile.TemporaryDirectory(prefix="bench-readalong-") as tmp:
        work = Path(tmp)
        script, cache_dir = prepare_two_hours(work)
        out = work / "two_hours.epub"
        done = subprocess.run([sys.executable, __file__, "--child", str(script), str(cache_dir), str(out)],
                              capture_output=True, text=True, check=True)
        child = json.loads(done.stdout.strip().splitlines()[-1])
        with zipfile.ZipFile(out) as book:
            smils = [n for n in book.namelist() if n.endswith(".smil")]
            pars = sum(book.read(n).count(b"<par ") for n in smils)
        figures = {"peak_rss_mb_2h": child["peak_rss_mb"], "export_2h_seconds": child["seconds"],
                   "audio_hours": child["audio_hours"], "segments": child["segments"], "chapters": len(smils),
                   "sentences": pars, "epub_mb": round(out.stat().st_size / 1024**2, 1), "epubcheck_errors": None}
        jar, java = Path("/usr/share/java/epubcheck.jar"), shutil.which("java")
        if jar.exists() and java:
            check = subprocess.run([java, "-jar", str(jar), str(out)], capture_output=True, text=True, check=False)
            found = re.search(r"(\d+) fatals / (\d+) errors / (\d+) warnings", check.stdout + check.stderr)
            figures["epubcheck_errors"] = int(found.group(1)) + int(found.group(2)) if found else -1
            figures["epubcheck_warnings"] = int(found.group(3)) if found else -1
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
