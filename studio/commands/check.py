"""``narration-studio check AUDIO SCRIPT [--json]``: listen to a recording of a script, headless.

The same listen-check as the studio's (:func:`studio.core.listen_check.run.check_recording`):
the offline recogniser hears AUDIO with SCRIPT as its expectation, and each paragraph of the
script (the studio's paragraph rule) gets a score and its flagged words — skipped, repeated,
inserted, misread — with the times they were (or should have been) heard.

Exit status: 0 when nothing is flagged, 3 when something is, 1 on an error (a missing
recogniser names its remedy: ``pip install 'narration-studio[listen]'``).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

NAME = "check"
HELP = "Listen to a recording of a script (WAV, FLAC, OGG, MP3) and report skipped, repeated, inserted and misread words."
FLAGGED_EXIT = 3


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("audio", type=Path, metavar="AUDIO", help="the recording: WAV, FLAC, OGG or MP3")
    parser.add_argument("script", type=Path, metavar="SCRIPT",
                        help="what it should say: a UTF-8 text file or a .narration project")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")


def _report(audio: Path, script: Path, reports: list) -> dict:
    words = sum(r.check.words for r in reports)
    score = sum(r.check.score * r.check.words for r in reports) / max(1, words)
    return {
        "audio": str(audio),
        "script": str(script),
        "recogniser": reports[0].check.recogniser if reports else "pocketsphinx",
        "score": round(score, 4),
        "flagged_paragraphs": sum(1 for r in reports if r.check.flagged),
        "paragraphs": [
            {
                "paragraph": r.index + 1,
                "score": r.check.score,
                "words": r.check.words,
                "flags": [
                    {
                        "kind": f.kind,
                        "expected": f.expected,
                        "heard": f.heard,
                        "start_seconds": round(f.time_start, 2),
                        "end_seconds": round(f.time_end, 2),
                        "characters": [f.start, f.end],
                        "whole_sentence": f.whole_sentence,
                        "message": f.describe(),
                        "when": f.when(),
                    }
                    for f in r.check.flags
                ],
            }
            for r in reports
        ],
    }


def _print_text(report: dict) -> None:
    out = sys.stdout  # looked up now: a caller may have replaced it
    for paragraph in report["paragraphs"]:
        state = "ok" if not paragraph["flags"] else f"{len(paragraph['flags'])} flagged"
        print(f"Paragraph {paragraph['paragraph']}: score {paragraph['score']:.0%} "
              f"({paragraph['words']} words) {state}", file=out)
        for flag in paragraph["flags"]:
            print(f"  {flag['when']:<17} {flag['message']}", file=out)
    print(f"Overall: score {report['score']:.0%}, {report['flagged_paragraphs']} of "
          f"{len(report['paragraphs'])} paragraphs flagged.", file=out)


def run(args: argparse.Namespace) -> int:
    from studio.commands.export import _read  # the one reader of a script or project file
    from studio.core.listen_check.run import check_recording
    from studio.core.recording import RecordingError, decode_recording
    from studio.offline import recognizer

    recognizer.require()  # before decoding anything: the remedy comes at once
    text, _project, _book = _read(args.script)
    audio = Path(args.audio)
    if not audio.is_file():
        raise RecordingError(f"The recording “{audio}” does not exist", "Check the file name and try again.")
    # The one decoder of recordings (the import uses it too): any rate, mono 16-bit.
    recording = decode_recording(audio.read_bytes(), audio.name)
    reports = check_recording(recording.pcm, recording.sample_rate, text)
    report = _report(args.audio, args.script, reports)
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
    else:
        _print_text(report)
    return FLAGGED_EXIT if report["flagged_paragraphs"] else 0
