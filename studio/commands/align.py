"""``narration-studio align RECORDING SCRIPT --out BASE --subtitles srt,vtt,json``: subtitles for a
recording of a script, headless.

The same path as the studio's File ▸ Import Recording (:func:`studio.core.recording.import_recording`):
the recording is timed against the script by ElevenLabs forced alignment when an API key is set
(or by the offline recogniser, always with ``--offline``), its paragraphs become takes in the
speech cache (so a later ``export`` of the same words would find them there too), and the
subtitles are written with the exporter's writers as ``BASE.srt``, ``BASE.vtt``,
``BASE.timings.json`` … Their times are the recording's own.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

NAME = "align"
HELP = "Time a recording of a script (WAV, FLAC or MP3) against the script and write its subtitles."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("recording", type=Path, metavar="RECORDING", help="the narration: a WAV, FLAC or MP3 file")
    parser.add_argument("script", type=Path, metavar="SCRIPT",
                        help="what it reads: a UTF-8 text file or a .narration project")
    parser.add_argument("--out", type=Path, required=True, metavar="BASE",
                        help="where the subtitles go: BASE.srt, BASE.vtt, BASE.timings.json …")
    parser.add_argument("--subtitles", default="srt,vtt", metavar="FORMATS",
                        help="comma-separated: srt, vtt, karaoke, lrc, json (default: srt,vtt)")
    parser.add_argument("--offline", action="store_true",
                        help="time it with the offline recogniser even if an API key is set")
    parser.add_argument("--overwrite", action="store_true", help="replace existing subtitle files")


def _aligner(offline: bool):  # type: ignore[no-untyped-def]
    from studio.core.recording.aligners import choose_aligner

    client = None
    if not offline:
        from studio.api.auth import load_api_key

        if load_api_key():
            from studio.commands._api_common import client_from_environment

            client = client_from_environment()
    return choose_aligner(client, offline=offline)


def run(args: argparse.Namespace) -> int:
    from studio.commands.export import _read
    from studio.core.cache import SpeechCache
    from studio.core.recording import import_recording
    from studio.core.recording.subtitles import subtitle_files, write_recording_subtitles
    from studio.core.script import Script

    formats = [f.strip() for f in args.subtitles.split(",") if f.strip()]
    subtitle_files(args.out, formats)  # an unknown format is refused before any work
    text, _project, _book = _read(args.script)
    script = Script.from_text(text)
    aligner = _aligner(args.offline)
    print(f"Timing {args.recording.name} with {aligner.name}…", file=sys.stderr)
    said: set[str] = set()

    def progress(p) -> None:  # type: ignore[no-untyped-def]
        if p.fraction < 1 and p.stage not in said:
            said.add(p.stage)
            print(f"  {p.stage}", file=sys.stderr)

    result = import_recording(script, args.recording, aligner, SpeechCache(), on_progress=progress)
    for block_id, take in result.takes.items():
        script.add_take(block_id, take)
    written = write_recording_subtitles(script, result, args.out, formats, overwrite=args.overwrite)
    for warning in result.warnings:
        print(f"Note: {warning}", file=sys.stderr)
    print(f"Timed {len(result.takes)} paragraphs ({result.recording.duration:.1f} s) with {aligner.name}; "
          f"match {max(0.0, 1 - result.loss):.0%}.", file=sys.stderr)
    for path in written:
        print(path)
    return 0
