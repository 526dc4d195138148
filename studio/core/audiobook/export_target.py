"""Where an export's audio goes, chosen by its destination (see :mod:`.formats`), and the
chapter marks and per-chapter subtitles that go with an audiobook.

:func:`check_target` is part of the exporter's "refuse before spending anything" checks (the
destination, and the cover: point 7 of issue 13). :func:`open_writer` returns the writer for
the destination, not yet opened: :class:`~studio.core.audio_export.AudioFileWriter` for WAV,
FLAC and OGG, the :mod:`.writer` classes for M4B, MP3, a folder or a ZIP. :func:`marking`
tells the writer where each chapter of the plan starts as the segments go by.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from studio.core.audio_export import AudioFileWriter, check_destination
from studio.core.audiobook.cover import read_cover
from studio.core.audiobook.formats import book_kind, encoder_settings
from studio.core.audiobook.tags import BookTags
from studio.core.audiobook.writer import BookFileWriter, ChapterFolderWriter, check_book_destination

if TYPE_CHECKING:
    from studio.core.cache import CachedSpeech
    from studio.core.exporter import ExportOptions
    from studio.core.run_plan import Plan
    from studio.core.segmenter import Segment
    from studio.core.subtitles import Cue
    from studio.core.timeline import Timeline

__all__ = ["OPENING_TITLE", "chapter_subtitles", "check_target", "is_chapter_folder", "marking", "open_writer"]

#: The name of an untitled opening chapter (text before the first heading) in chapter lists.
OPENING_TITLE = "Opening"

Writer = AudioFileWriter | BookFileWriter | ChapterFolderWriter


def check_target(options: ExportOptions) -> None:
    """Refuse, before anything is requested, a destination or a cover that cannot be used."""
    kind = book_kind(options.destination)
    if kind is None:
        check_destination(options.destination, overwrite=options.overwrite)
    else:
        check_book_destination(options.destination, kind, overwrite=options.overwrite)
    if options.cover is not None:
        read_cover(options.cover)


def is_chapter_folder(options: ExportOptions) -> bool:
    """One file per chapter (a folder or a ZIP): subtitles go per chapter, inside it."""
    return book_kind(options.destination) in ("folder", "zip")


def book_tags(options: ExportOptions) -> BookTags:
    return BookTags(title=options.title, author=options.author or options.artist, narrator=options.narrator,
                    year=options.year, description=options.description,
                    cover=read_cover(options.cover) if options.cover is not None else None)


def open_writer(options: ExportOptions, sample_rate: int) -> Writer:
    kind = book_kind(options.destination)
    if kind is None:
        return AudioFileWriter(options.destination, sample_rate, quality=options.quality, title=options.title,
                               artist=options.artist, overwrite=options.overwrite)
    settings = encoder_settings(kind, options.quality, options.encoding)
    cls = ChapterFolderWriter if kind in ("folder", "zip") else BookFileWriter
    return cls(options.destination, sample_rate, kind, settings, book_tags(options), overwrite=options.overwrite)


def marking(plan: Plan, writer: Writer, timeline: Callable[[], Timeline], book_title: str | None
            ) -> Callable[[Segment, CachedSpeech | None], None] | None:
    """A consumer to run *before* the assembler: at the first segment of each chapter that has
    something to speak it marks the chapter's start (the end of the audio so far, so the pause
    before a new chapter's first paragraph opens that chapter). None when nothing is marked."""
    if not hasattr(writer, "mark"):
        return None
    spans = [s for s in plan.chapter_spans() if s.end_segment > s.first_segment]
    if not spans:
        return None
    starts = {}
    for n, span in enumerate(spans, 1):
        title = span.chapter.title or (OPENING_TITLE if len(spans) > 1 else book_title or f"Chapter {n}")
        starts[span.first_segment] = title

    def mark(segment: Segment, _speech: CachedSpeech | None) -> None:
        title = starts.get(segment.index)
        if title is not None:
            writer.mark(title, timeline().total_samples)  # type: ignore[union-attr]

    return mark


def chapter_subtitles(writer: ChapterFolderWriter, timeline: Timeline, cues: list[Cue],
                      formats: tuple[str, ...], *, title: str | None, artist: str | None,
                      srt_speakers: bool) -> None:
    """Each chapter's cues, timed from the start of its own file, staged into the folder beside
    its audio (``03 Title.srt`` next to ``03 Title.mp3``). The word-timings JSON is the whole
    book's (``timings.json``): its script offsets belong to the book, not to one chapter."""
    from studio.core.subtitles import FORMATS, render, write
    from studio.core.timeline import Timeline as ChapterClock

    rate = timeline.sample_rate
    chapters = writer.marks.chapters(writer.frames_written, rate)
    names = writer.names()
    for fmt in formats:
        if fmt == "json":
            import io

            buffer = io.StringIO()
            write("json", buffer, timeline, cues)
            writer.stage_text("timings.json", buffer.getvalue())
            continue
        for chapter, name in zip(chapters, names, strict=True):
            inside = [_shifted(c, chapter.start_ms) for c in cues if chapter.start_ms <= c.start_ms < chapter.end_ms]
            clock = ChapterClock(rate, "", total_samples=(chapter.end_ms - chapter.start_ms) * rate // 1000)
            text = render(fmt, clock, inside, title=chapter.title or title, artist=artist, srt_speakers=srt_speakers)
            writer.stage_text(name + FORMATS[fmt], text)


def _shifted(cue: Cue, start_ms: int) -> Cue:
    return replace(cue, start_ms=cue.start_ms - start_ms, end_ms=cue.end_ms - start_ms,
                   speech_start_ms=cue.speech_start_ms - start_ms, speech_end_ms=cue.speech_end_ms - start_ms,
                   word_starts_ms=[t - start_ms for t in cue.word_starts_ms])
