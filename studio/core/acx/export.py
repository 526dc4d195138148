"""The ACX preset's files: mastered chapters written as 44.1 kHz, 192 kbps CBR MP3, then checked.

:func:`write_acx_audio` is what ``export … --preset acx`` runs for one file (the exporter's
spool in, its writer out); :func:`export_acx_chapters` is the same for a folder of one file per
chapter, for the audiobook folder export to call. Every file written is checked again, read
back from disk by the checker (libsndfile decodes, mutagen reads the header): a preset file
that fails anyway is reported, never passed off as passing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from studio.core.acx import rules
from studio.core.acx.check import ChapterReport, check_file
from studio.core.acx.master import Mastered, master_pcm
from studio.core.audio import float_to_int16
from studio.core.audio_export import AudioFileWriter
from studio.core.timeline import Timeline

PRESETS = ("acx",)


def acx_writer(destination: Path, *, title: str | None = None, artist: str | None = None,
               overwrite: bool = False) -> AudioFileWriter:
    """The studio's MP3 writer set to what ACX takes: 44.1 kHz, 192 kbps constant bit rate."""
    return AudioFileWriter(destination, rules.SAMPLE_RATE, title=title, artist=artist, overwrite=overwrite,
                           constant_kbps=rules.BITRATE_KBPS)


def write_acx_audio(pcm: bytes, sample_rate: int, writer: AudioFileWriter, *, name: str) -> Mastered:
    """Master ``pcm`` (s16le mono) and write it into ``writer`` (opened here, committed by the caller)."""
    mastered = master_pcm(pcm, sample_rate, name=name)
    writer.open()
    writer.write(float_to_int16(mastered.samples))
    return mastered


def failures_in_words(report: ChapterReport) -> list[str]:
    return [f"ACX check of “{report.path.name}”: {r.label} {r.value}: {r.advice}" for r in report.failures()]


def shift_timeline(timeline: Timeline, shift_s: float, duration_s: float) -> Timeline:
    """``timeline`` with every placement and character moved by ``shift_s`` (room tone added or
    trimmed at the head), in its own sample rate, ``duration_s`` long: subtitles stay in sync."""
    rate = timeline.sample_rate
    shift = round(shift_s * rate)
    total = round(duration_s * rate)

    def at(sample: int) -> int:
        return min(total, max(0, sample + shift))

    return replace(
        timeline,
        placements=[replace(p, start_sample=at(p.start_sample)) for p in timeline.placements],
        chars=[replace(c, start_sample=at(c.start_sample), end_sample=at(c.end_sample)) for c in timeline.chars],
        total_samples=total,
    )


def export_acx_chapters(chapters: Iterable[tuple[str, bytes]], sample_rate: int, folder: Path, *,
                        overwrite: bool = False, artist: str | None = None) -> list[ChapterReport]:
    """One ACX file per chapter in ``folder``: ``(title, s16le mono PCM)`` pairs, named
    ``01 Title.mp3``…, each mastered, written atomically and checked; returns the reports.

    For the audiobook folder export (one file per chapter): call it with each chapter's audio.
    A chapter over 120 minutes raises AcxMasteringError naming it before its file is written;
    chapters already written stay.
    """
    reports = []
    for number, (title, pcm) in enumerate(chapters, start=1):
        safe = "".join(ch if ch.isalnum() or ch in " -_,." else "_" for ch in title).strip() or "Chapter"
        path = Path(folder) / f"{number:02d} {safe}.mp3"
        with acx_writer(path, title=title, artist=artist, overwrite=overwrite) as writer:
            write_acx_audio(pcm, sample_rate, writer, name=f"Chapter {number} (“{title}”)")
        reports.append(check_file(path))
    return reports
