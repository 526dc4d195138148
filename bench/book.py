"""Benchmark of books in and audiobooks out (issue 13). Prints ONE JSON line.

Import half (this file):

* A generated EPUB 3 (written by ebooklib) of about 500,000 characters of *distinct* paragraphs
  (varied sentences, never repeats), in 40 chapters plus a copyright page and a dedication.
* ``import_s``: wall time, inside a fresh child process, of ``import_book(path)`` plus
  ``book.to_script()`` (reading, parsing every spine file, chapters, front matter, the Script).
* ``import_peak_rss_mb``: the child's peak resident memory, measured from outside
  (``resource.getrusage(RUSAGE_CHILDREN).ru_maxrss`` after it exits), interpreter included.
* Target: ``import_s`` ≤ 5 (``import_ok``).

Export half: :func:`export_half` is the place for the 10-hour M4B from cached speech (keys
``export_s``, ``export_peak_rss_mb``; target peak ≤ 500 MB); until it is filled in it adds nothing.

Usage: ``.venv/bin/python bench/book.py [--characters N]``.
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


def export_half() -> dict[str, Any]:
    """The 10-hour M4B export from cached speech (helper ``audiobook``): ``export_s``,
    ``export_peak_rss_mb`` (target ≤ 500 MB). Not measured yet: adds no keys."""
    return {}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--characters", type=int, default=500_000)
    args = parser.parse_args()
    print(json.dumps({"bench": "book", **import_half(args.characters), **export_half()}))


if __name__ == "__main__":
    main()
