"""Benchmark of the listen-check on real offline takes with known faults. Prints ONE JSON line.

For each paragraph of :mod:`bench.listen_check_texts` the bundled Piper voice makes:

* a clean take of the script (every word of it is a clean word);
* a **swapped word**: the voice says another word in one place: a common word (``swap``),
  a rarer one outside the recogniser's list of common words (``swap_rare``), and one that
  sounds nearly like the script's word (``swap_close``: "ship" → "sheep");
* a **repeated phrase**: the voice says a phrase twice;
* a **skipped sentence**: the voice leaves one sentence out;
* a **truncated end**: the clean take's audio cut where the third-last word starts (the
  word's time from the engine's own alignment).

Each take goes through the same code as the studio and ``narration-studio check``
(:func:`studio.core.listen_check.run.check_audio`). A fault is *caught* when a flag overlaps
its script span; every script word outside the fault spans is a clean word, and a clean word
under a flag is a false flag.

* ``recall`` (target ≥ 0.9): caught faults / injected faults (and per kind);
* ``kind_right``: caught faults whose flag has the fault's own kind;
* ``false_flag_rate`` (target ≤ 0.02): false flags / clean words;
* ``recognise_rtf``: recognition time / audio time.

Usage: ``PYTHONPATH=$PWD .venv/bin/python bench/listen_check.py [--paragraphs N] [--verbose]``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.listen_check_texts import PARAGRAPHS  # noqa: E402
from studio.core.alignment_map import map_alignment_to_text  # noqa: E402
from studio.core.listen_check.result import ListenCheck  # noqa: E402
from studio.core.listen_check.run import check_audio  # noqa: E402
from studio.core.listen_check.words import script_words  # noqa: E402
from studio.offline.engine import get_engine  # noqa: E402
from studio.text_rules import sentence_ends  # noqa: E402

KIND_OF_FAULT = {"swap": "misread", "swap_rare": "misread", "swap_close": "misread", "repeat": "repeated", "skip": "skipped", "truncate": "skipped"}


def speak(text: str, seed: int):
    chunks = list(get_engine().stream(text, seed=seed))
    return chunks, b"".join(c.audio for c in chunks)


def sentences(text: str) -> list[tuple[int, int]]:
    cuts = [0, *sentence_ends(text), len(text)]
    spans = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        while a < b and text[a].isspace():
            a += 1
        spans.append((a, b))
    return spans


def faulted_takes(entry: dict, seed: int):
    """(fault name, fault span in the script, pcm) for each injected fault of one paragraph."""
    text = entry["text"]
    for fault, extra_seed in (("swap", 0), ("swap_rare", 4), ("swap_close", 5)):
        word, instead = entry[fault]
        match = re.search(rf"\b{re.escape(word)}\b", text)
        assert match, word
        said = text[: match.start()] + instead + text[match.end():]
        yield fault, (match.start(), match.end()), speak(said, seed + extra_seed)[1]

    phrase = entry["repeat"]
    at = text.index(phrase)
    said = text[: at + len(phrase)] + ", " + phrase + text[at + len(phrase):]
    yield "repeat", (at, at + len(phrase)), speak(said, seed + 1)[1]

    a, b = sentences(text)[entry["skip"]]
    yield "skip", (a, b), speak((text[:a] + text[b:]).replace("  ", " ").strip(), seed + 2)[1]

    chunks, pcm = speak(text, seed + 3)
    chars = [c for chunk in chunks for c in chunk.alignment.characters]
    starts = [t for chunk in chunks for t in chunk.alignment.character_start_times_seconds]
    where = map_alignment_to_text(chars, text)
    cut_word = script_words(text)[-3]
    index = next(i for i, w in enumerate(where) if w is not None and w >= cut_word.start)
    cut = int(starts[index] * get_engine().sample_rate) * 2
    yield "truncate", (cut_word.start, len(text)), pcm[:cut]


def flagged_words(text: str, check: ListenCheck) -> set[int]:
    return {w.index for w in script_words(text) for f in check.flags if f.start < w.end and f.end > w.start}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--paragraphs", type=int, default=len(PARAGRAPHS))
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    rate = get_engine().sample_rate
    caught: dict[str, list[bool]] = {k: [] for k in KIND_OF_FAULT}
    kind_right = 0
    clean_words = false_flags = 0
    audio_s = recognise_s = 0.0
    misses: list[str] = []

    def run(text: str, pcm: bytes) -> ListenCheck:
        nonlocal audio_s, recognise_s
        started = time.perf_counter()
        check = check_audio(pcm, rate, text)
        recognise_s += time.perf_counter() - started
        audio_s += len(pcm) / 2 / rate
        return check

    for n, entry in enumerate(PARAGRAPHS[: args.paragraphs]):
        text = entry["text"]
        words = script_words(text)
        seed = 100 + 10 * n
        check = run(text, speak(text, seed)[1])
        wrong = flagged_words(text, check)
        clean_words += len(words)
        false_flags += len(wrong)
        if wrong and args.verbose:
            misses.append(f"clean #{n}: {[f.describe() for f in check.flags]}")
        for fault, (a, b), pcm in faulted_takes(entry, seed + 1):
            check = run(text, pcm)
            hits = [f for f in check.flags if f.start < b and f.end > a]
            caught[fault].append(bool(hits))
            kind_right += any(f.kind == KIND_OF_FAULT[fault] for f in hits)
            outside = [w for w in words if not (w.start < b and w.end > a)]
            clean_words += len(outside)
            wrong = {w.index for w in outside} & flagged_words(text, check)
            false_flags += len(wrong)
            if args.verbose and (not hits or wrong):
                misses.append(f"{fault} #{n}: {[f.describe() for f in check.flags]}")
    total = sum(len(v) for v in caught.values())
    found = sum(sum(v) for v in caught.values())
    for line in misses:
        print(line, file=sys.stderr)
    print(json.dumps({
        "paragraphs": min(args.paragraphs, len(PARAGRAPHS)),
        "faults": total,
        "recall": round(found / max(1, total), 3),
        "recall_by_kind": {k: round(sum(v) / max(1, len(v)), 3) for k, v in caught.items()},
        "kind_right": round(kind_right / max(1, total), 3),
        "clean_words": clean_words,
        "false_flags": false_flags,
        "false_flag_rate": round(false_flags / max(1, clean_words), 4),
        "recognise_rtf": round(recognise_s / max(audio_s, 1e-9), 3),
        "targets": {"recall": ">= 0.9", "false_flag_rate": "<= 0.02"},
    }))


if __name__ == "__main__":
    main()
