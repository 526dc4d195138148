"""The subtitles of an imported recording: its paragraphs' slices laid end to end on a timeline.

The slices tile the recording (:mod:`.takes`), so the timeline's times are the recording's
own, and the cues and files come from the same :mod:`studio.core.subtitles` code an export
uses. Files are staged beside their destinations and renamed into place only when every one
was written: a failure leaves no partial subtitle file.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Sequence
from pathlib import Path

from studio.core.audio_export import ExportError, write_error
from studio.core.files import stage_beside
from studio.core.recording.importer import RecordingImport
from studio.core.script.document import Script, paragraph_spans
from studio.core.segmenter import Segment
from studio.core.subtitles import FORMATS, build_cues
from studio.core.subtitles import write as write_subtitles
from studio.core.timeline import Timeline

__all__ = ["recording_timeline", "subtitle_files", "write_recording_subtitles"]


def recording_timeline(script: Script, result: RecordingImport) -> Timeline:
    text = script.text
    spans = paragraph_spans(text)
    timeline = Timeline(result.recording.sample_rate, text)
    for n, piece in enumerate(result.slices):
        start, end = spans[piece.block_index]
        segment = Segment(n, start, end, text[start:end], piece.block_index)
        if piece.start_sample > timeline.total_samples:
            timeline.add_pause(piece.start_sample - timeline.total_samples)
        timeline.add_segment(segment, piece.end_sample - piece.start_sample, piece.alignment)
    return timeline


def subtitle_files(base: Path, formats: Sequence[str]) -> dict[str, Path]:
    """``BASE`` → ``BASE.srt``, ``BASE.vtt``, ``BASE.timings.json`` … (the exporter's names)."""
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise ExportError(f"Unknown subtitle format “{unknown[0]}”", "Use any of: " + ", ".join(FORMATS) + ".")
    return {fmt: base.with_name(base.name + FORMATS[fmt]) for fmt in formats}


def write_recording_subtitles(script: Script, result: RecordingImport, base: Path, formats: Sequence[str],
                              *, overwrite: bool = False) -> list[Path]:
    files = subtitle_files(base, formats)
    for path in files.values():
        if path.exists() and not overwrite:
            raise ExportError(f"“{path.name}” already exists", "Choose another name, or allow replacing it (--overwrite).")
        if not path.parent.is_dir():
            raise ExportError(f"The folder “{path.parent}” does not exist", "Create it first, or choose another --out.")
    timeline = recording_timeline(script, result)
    cues = build_cues(timeline.words(), timeline.sample_rate, audio_samples=timeline.total_samples)
    staged: list[tuple[Path, Path]] = []
    try:
        for fmt, path in files.items():
            try:
                tmp = stage_beside(path, lambda handle, fmt=fmt: write_subtitles(fmt, handle, timeline, cues),
                                   encoding="utf-8")
            except OSError as error:
                raise write_error(path.parent, error) from error
            staged.append((tmp, path))
        for tmp, path in staged:
            os.replace(tmp, path)
    finally:
        for tmp, _ in staged:
            with contextlib.suppress(OSError):
                tmp.unlink()
    return list(files.values())
