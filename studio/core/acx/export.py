"""The ACX preset's files: mastered chapters written as 44.1 kHz, 192 kbps CBR MP3, then checked.

The MP3s are written by the audiobook writers (:mod:`studio.core.audiobook`: PyAV's LAME at a
constant bit rate, ID3v2.4 tags by mutagen, all or nothing). :func:`master_spool` is what
``export … --preset acx`` runs once the speech is made: into one ``.mp3`` the whole audio is
mastered as one file; into a folder or ZIP (one file per chapter, which is what ACX wants) each
chapter is mastered on its own (each needs its own room tone and level). The words' timeline
is moved to match, so subtitles and chapter marks stay in sync. :func:`export_acx_chapters`
does the same for chapters' PCM given directly. :func:`check_written` checks every file again,
read back from disk (libsndfile decodes, mutagen reads the header): a preset file that fails
anyway is reported, never passed off as passing.
"""

from __future__ import annotations

import tempfile
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from studio.cancel import CancelToken
from studio.core.acx import rules
from studio.core.acx.check import ChapterReport, check_file
from studio.core.acx.master import master_pcm
from studio.core.audiobook.encoder import EncoderSettings
from studio.core.audiobook.tags import BookTags
from studio.core.audiobook.writer import BookFileWriter, ChapterFolderWriter
from studio.core.timeline import Timeline

PRESETS = ("acx",)
#: What ACX takes, for the audiobook encoder.
ACX_MP3 = EncoderSettings(codec="mp3", bitrate=rules.BITRATE_KBPS * 1000, sample_rate=rules.SAMPLE_RATE)

Writer = BookFileWriter | ChapterFolderWriter
#: read(start, end) → s16le samples start…end of the speech (end None: to the end).
Reader = Callable[[int, "int | None"], bytes]


@dataclass(frozen=True)
class _Piece:
    """One mastered file's worth of input: ``start`` … ``end`` in, written from ``out_start`` on."""

    start: int
    end: int
    out_start: int
    out_length: int
    shift_s: float


def master_spool(read: Reader, total: int, rate: int, writer: Writer, timeline: Timeline, *, per_chapter: bool,
                 name: str, cancel: CancelToken | None = None) -> Timeline:
    """Master the speech (``total`` samples by ``read``, s16le mono at ``rate``) into ``writer`` (opened here, committed
    by the caller); returns ``timeline`` moved onto the written audio (at the writer's rate).

    ``per_chapter``: the writer's chapter marks (made while the speech arrived, in input
    samples) cut it into files, each mastered alone and re-marked where it now starts; else the
    whole is one file and the marks are moved with it. A piece over 120 minutes raises
    AcxMasteringError naming it before anything is committed.
    """
    starts = list(writer.marks.starts)
    writer.marks.starts.clear()
    if per_chapter and starts:
        cuts = ([] if starts[0][0] == 0 else [(0, None)]) + [(s, t) for s, t in starts if s < total]
    else:
        cuts = [(0, None)]
    writer.open()
    pieces: list[_Piece] = []
    for n, (start, title) in enumerate(cuts):
        if cancel is not None:
            cancel.raise_if_cancelled()  # between chapters: a long book masters for minutes
        end = cuts[n + 1][0] if n + 1 < len(cuts) else total
        label = f"Chapter {n + 1} (“{title}”)" if title else f"“{name}”"
        mastered = master_pcm(read(start, end), rate, name=label)
        if title is not None:
            writer.mark(title, writer.frames_written)
        pieces.append(_Piece(start, end, writer.frames_written, mastered.samples.size, mastered.shift_s))
        writer.write(mastered.samples)
    if not per_chapter:
        for start, title in starts:
            writer.mark(title, _move(start, pieces, rate, writer.sample_rate))
    return _moved_timeline(timeline, pieces, writer.sample_rate, writer.frames_written)


def _move(sample: int, pieces: list[_Piece], rate: int, out_rate: int) -> int:
    """Where input ``sample`` sits in the written audio (inside its own piece)."""
    piece = next((p for p in reversed(pieces) if p.start <= sample), pieces[0])
    at = round(((sample - piece.start) / rate + piece.shift_s) * out_rate)
    return piece.out_start + min(piece.out_length, max(0, at))


def _moved_timeline(timeline: Timeline, pieces: list[_Piece], out_rate: int, total: int) -> Timeline:
    rate = timeline.sample_rate

    def move(sample: int) -> int:
        return _move(sample, pieces, rate, out_rate)

    placements = []
    for p in timeline.placements:
        start = move(p.start_sample)
        placements.append(replace(p, start_sample=start, n_samples=max(0, move(p.end_sample) - start)))
    return replace(
        timeline, sample_rate=out_rate, placements=placements, total_samples=total,
        chars=[replace(c, start_sample=move(c.start_sample), end_sample=move(c.end_sample)) for c in timeline.chars],
    )


def check_written(destination: Path, writer: Writer) -> list[ChapterReport]:
    """The ACX check of every file ``writer`` committed at ``destination`` (a ZIP's unpacked first)."""
    if isinstance(writer, BookFileWriter):
        return [check_file(destination)]
    names = [f"{n}{writer.suffix}" for n in writer.names()]
    if writer.kind == "folder":
        return [check_file(destination / n) for n in names]
    with tempfile.TemporaryDirectory() as folder, zipfile.ZipFile(destination) as bundle:
        bundle.extractall(folder, members=names)
        return [replace(check_file(Path(folder) / n), path=Path(n)) for n in names]


def failures_in_words(report: ChapterReport) -> list[str]:
    return [f"ACX check of “{report.path.name}”: {r.label} {r.value}: {r.advice}" for r in report.failures()]


def export_acx_chapters(chapters: Iterable[tuple[str, bytes]], sample_rate: int, destination: Path, *,
                        tags: BookTags = BookTags(), overwrite: bool = False) -> list[ChapterReport]:
    """One ACX file per chapter: ``(title, s16le mono PCM at sample_rate)`` pairs into the folder
    (or ``.zip``) ``destination`` as ``01 Title.mp3``…, each mastered on its own, all written at
    once or not at all; returns each file's check. A chapter over 120 minutes raises
    AcxMasteringError naming it, and nothing is written."""
    joined = bytearray()
    kind = "zip" if Path(destination).suffix.lower() == ".zip" else "folder"
    writer = ChapterFolderWriter(Path(destination), rules.SAMPLE_RATE, kind, ACX_MP3, tags, overwrite=overwrite)
    for title, pcm in chapters:
        writer.mark(title, len(joined) // 2)
        joined += pcm
    data = bytes(joined)
    try:
        master_spool(lambda a, b: data[2 * a : None if b is None else 2 * b], len(data) // 2, sample_rate, writer,
                     Timeline(sample_rate), per_chapter=True, name=Path(destination).name)
        writer.commit()
    except BaseException:
        writer.abort()
        raise
    return check_written(Path(destination), writer)
