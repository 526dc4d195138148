"""The ACX preset's files: mastered chapters written as 44.1 kHz, 192 kbps CBR MP3, then checked.

The MP3s are written by the audiobook writers (:mod:`studio.core.audiobook`: PyAV's LAME at a
constant bit rate, ID3v2.4 tags by mutagen, all or nothing). :func:`write_acx_audio` is what
``export … --preset acx`` runs for one file (the exporter's spool in, the writer out);
:func:`export_acx_chapters` makes a folder (or ZIP) of one ACX file per chapter, each mastered
on its own (each needs its own room tone and level), for the audiobook folder export to call.
Every file written is checked again, read back from disk by the checker (libsndfile decodes,
mutagen reads the header): a preset file that fails anyway is reported, never passed off.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from studio.core.acx import rules
from studio.core.acx.check import ChapterReport, check_file
from studio.core.acx.master import Mastered, master_pcm
from studio.core.audio import float_to_int16
from studio.core.audiobook.encoder import EncoderSettings
from studio.core.audiobook.tags import BookTags
from studio.core.audiobook.writer import BookFileWriter, ChapterFolderWriter
from studio.core.timeline import Timeline

#: What ACX takes, for the audiobook encoder.
ACX_MP3 = EncoderSettings(codec="mp3", bitrate=rules.BITRATE_KBPS * 1000, sample_rate=rules.SAMPLE_RATE)

PRESETS = ("acx",)


def acx_writer(destination: Path, tags: BookTags = BookTags(), *, overwrite: bool = False) -> BookFileWriter:
    """The audiobook MP3 writer set to what ACX takes: 44.1 kHz, 192 kbps constant bit rate."""
    return BookFileWriter(destination, rules.SAMPLE_RATE, "mp3", ACX_MP3, tags, overwrite=overwrite)


def write_acx_audio(pcm: bytes, sample_rate: int, writer: BookFileWriter | ChapterFolderWriter, *,
                    name: str) -> Mastered:
    """Master ``pcm`` (s16le mono) and write it into ``writer`` (opened by the caller, who commits)."""
    mastered = master_pcm(pcm, sample_rate, name=name)
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


def export_acx_chapters(chapters: Iterable[tuple[str, bytes]], sample_rate: int, destination: Path, *,
                        tags: BookTags = BookTags(), overwrite: bool = False) -> list[ChapterReport]:
    """One ACX file per chapter: ``(title, s16le mono PCM at sample_rate)`` pairs into the folder
    (or ``.zip``) ``destination`` as ``01 Title.mp3``…, each mastered on its own, all written at
    once or not at all; returns each file's check.

    A chapter over 120 minutes raises AcxMasteringError naming it, and nothing is written.
    """
    kind = "zip" if Path(destination).suffix.lower() == ".zip" else "folder"
    writer = ChapterFolderWriter(Path(destination), rules.SAMPLE_RATE, kind, ACX_MP3, tags, overwrite=overwrite)
    writer.open()
    try:
        for number, (title, pcm) in enumerate(chapters, start=1):
            writer.mark(title, writer.frames_written)  # each chapter starts a file
            write_acx_audio(pcm, sample_rate, writer, name=f"Chapter {number} (“{title}”)")
        names = writer.names()
        writer.commit()
    except BaseException:
        writer.abort()
        raise
    if kind == "folder":
        return [check_file(Path(destination) / f"{n}.mp3") for n in names]
    return _check_zip(Path(destination), names)


def _check_zip(archive: Path, names: list[str]) -> list[ChapterReport]:
    """Each MP3 in the ZIP, unpacked to a temporary folder and checked (reported by its name)."""
    import tempfile
    import zipfile

    with tempfile.TemporaryDirectory() as folder, zipfile.ZipFile(archive) as bundle:
        bundle.extractall(folder)
        return [replace(check_file(Path(folder) / f"{n}.mp3"), path=Path(f"{n}.mp3")) for n in names]
