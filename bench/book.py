"""Benchmark of books in and audiobooks out (issue 13). Prints ONE JSON line.

Import half (this file):

* A generated EPUB 3 (written by ebooklib) of about 500,000 characters of *distinct* paragraphs
  (varied sentences, never repeats), in 40 chapters plus a copyright page and a dedication.
* ``import_s``: wall time, inside a fresh child process, of ``import_book(path)`` plus
  ``book.to_script()`` (reading, parsing every spine file, chapters, front matter, the Script).
* ``import_peak_rss_mb``: the child's peak resident memory, measured from outside
  (``resource.getrusage(RUSAGE_CHILDREN).ru_maxrss`` after it exits), interpreter included.
* Target: ``import_s`` ≤ 5 (``import_ok``).

Export half (``bench/book_export.py``, in child processes):

* A book of distinct paragraphs long enough for ``--hours`` (default 10) of speech at 15
  characters a second, in 40 chapters; the speech cache is filled with *speech-like noise* per
  paragraph (with character timings), not synthesised, and the JSON says so (``export_speech``).
* ``export_s``, ``export_peak_rss_mb``: wall time and the export child's own peak RSS for the
  M4B (AAC, 40 chapter marks, SRT), everything from the cache (``export_generated`` must be 0).
* Read back with mutagen: ``export_read_back_hours``, ``export_read_back_chapters``.
* Target: peak RSS ≤ 500 MB (``export_ok``).

Usage: ``.venv/bin/python bench/book.py [--characters N] [--hours H]``.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fixtures.books import write_epub  # noqa: E402 - ebooklib writes the book
from tests.unit.core.script.prose import paragraphs  # noqa: E402 - distinct book-like paragraphs

IMPORT_TARGET_S = 5.0
EXPORT_TARGET_MB = 500.0
CHAPTERS = 40

_CHILD = """
import json, sys, time
from studio.core.book_import import import_book
start = time.perf_counter()
book = import_book(sys.argv[1])
script = book.to_script()
elapsed = time.perf_counter() - start
print(json.dumps({"import_s": elapsed, "paragraphs": len(script), "chapters": len(script.chapters()),
                  "characters": book.characters, "skipped": len(book.default_skip())}))
"""


def _book(folder: Path, characters: int) -> tuple[Path, int]:
    """An EPUB of about ``characters`` characters of distinct paragraphs; returns it and its size in characters."""
    made: list[str] = []
    total = 0
    count = max(1, characters // 240)
    while total < characters:
        made = paragraphs(count, seed=5)
        total = sum(len(p) for p in made)
        count = int(count * characters / max(total, 1)) + 10
    kept: list[str] = []
    total = 0
    for paragraph in made:  # just past the target size
        if total >= characters:
            break
        kept.append(paragraph)
        total += len(paragraph)
    made = kept
    assert len(set(made)) == len(made), "paragraphs must be distinct"
    per = -(-len(made) // CHAPTERS)
    chapters = [(f"Chapter {n + 1}", made[n * per:(n + 1) * per]) for n in range(CHAPTERS) if made[n * per:(n + 1) * per]]
    return write_epub(folder / "bench-book.epub", chapters), total


def import_half(characters: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        path, written = _book(Path(folder), characters)
        child = subprocess.run([sys.executable, "-c", _CHILD, str(path)], capture_output=True, text=True,
                               cwd=ROOT, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, check=False)
        peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
    if child.returncode != 0:
        raise SystemExit(f"import failed: {child.stderr.strip()[-2000:]}")
    found = json.loads(child.stdout.strip().splitlines()[-1])
    return {
        "epub_characters": written,
        "imported_characters": found["characters"],
        "chapters": found["chapters"],
        "paragraphs": found["paragraphs"],
        "front_matter_skipped": found["skipped"],
        "import_s": round(found["import_s"], 3),
        "import_peak_rss_mb": round(peak_kb / 1024, 1),
        "import_target_s": IMPORT_TARGET_S,
        "import_ok": found["import_s"] <= IMPORT_TARGET_S,
    }


def _child(*args: str) -> dict[str, Any]:
    child = subprocess.run([sys.executable, str(ROOT / "bench" / "book_export.py"), *args], capture_output=True,
                           text=True, cwd=ROOT, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, check=False)
    if child.returncode != 0:
        raise SystemExit(f"export bench failed: {child.stderr.strip()[-2000:]}")
    return json.loads(child.stdout.strip().splitlines()[-1])


def export_half(hours: float) -> dict[str, Any]:
    """A ``hours``-hour M4B from cached speech (bench/book_export.py): the cache is filled with
    speech-like noise per distinct paragraph, not synthesised; the export runs in its own child
    process, whose own peak RSS is reported."""
    with tempfile.TemporaryDirectory() as folder:
        filled = _child("fill", folder, str(hours))
        found = _child("export", folder, str(hours))
    return {
        "export_hours_asked": hours,
        "export_paragraphs": filled["paragraphs"],
        "export_characters": filled["characters"],
        "export_speech": "speech-like noise per distinct paragraph, cached (not synthesised)",
        **found,
        "export_target_peak_rss_mb": EXPORT_TARGET_MB,
        "export_ok": found["export_peak_rss_mb"] <= EXPORT_TARGET_MB and found["export_generated"] == 0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--characters", type=int, default=500_000)
    parser.add_argument("--hours", type=float, default=10.0, help="length of the exported M4B (0: skip the export half)")
    args = parser.parse_args()
    # The import half first: its peak is RUSAGE_CHILDREN's, the largest of every child so far.
    imported = import_half(args.characters)
    exported = export_half(args.hours) if args.hours > 0 else {}
    print(json.dumps({"bench": "book", **imported, **exported}))


if __name__ == "__main__":
    main()
