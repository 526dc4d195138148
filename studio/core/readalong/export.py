"""Export a plan as a read-along EPUB: the exporter's run, cut into one MP3 per chapter.

:func:`studio.core.exporter.export_script` hands a ``.epub`` destination here, so the export
dialog and ``narration-studio export SCRIPT book.epub`` share this path with every other
export: the same plan, the same generator (cache first: a paragraph already made is never
requested again; what is missing is generated now, and every finished part is cached the
moment it completes), the same :class:`~studio.core.exporter.Assembler` building the one
timeline, and the same take recording (``tap``).

All or nothing: chapter MP3s are encoded into a hidden work folder beside the destination as
the segments arrive (memory stays flat), the EPUB is zipped into a temporary file there too,
and only then renamed over the destination. A failure or a cancel at any point removes the
work folder and the temporary file; the destination is never half-written.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import tempfile
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from studio.cancel import CancelToken
from studio.core.audiobook.cover import read_cover
from studio.core.audio_export import ExportError, check_writable, write_error
from studio.core.files import stage_beside
from studio.core.audiobook.encoder import EncoderSettings, PcmEncoder, decoded_samples
from studio.core.readalong.epub import write_epub
from studio.core.readalong.package import GRANULARITIES, BookInfo
from studio.core.readalong.timing import ChapterCut, ReadAlongChapter, build_chapters
from studio.core.script.document import paragraphs

if TYPE_CHECKING:
    from studio.core.cache import CachedSpeech
    from studio.core.exporter import ExportOptions, ExportResult
    from studio.core.longform import LongformGenerator, Plan
    from studio.core.segmenter import Segment

SUFFIX = ".epub"
#: The audio inside: MP3 (with AAC, the only audio every EPUB 3 reading system must play), at
#: the speech's own rate; 64 kbit/s constant is transparent for one voice (a 10-hour book ≈ 290 MB).
AUDIO = EncoderSettings(codec="mp3", bitrate=64_000)


def is_readalong(destination: Path) -> bool:
    return destination.suffix.lower() == SUFFIX


def check_readalong(options: ExportOptions) -> None:
    """The refusals that need no work, for a ``.epub`` destination."""
    if options.subtitle_formats:
        raise ExportError("Subtitle files are not written beside a read-along EPUB (it has its own timings inside)",
                          "Untick the subtitles, or export them with an audio format (.mp3, .wav…).")
    if options.loudness_target is not None:
        raise ExportError("Loudness normalisation is not offered for a read-along EPUB yet",
                          "Turn loudness off for the EPUB, or export an audio file to normalise.")
    if options.overlay_granularity not in GRANULARITIES:
        raise ExportError(f"Unknown read-along granularity “{options.overlay_granularity}”",
                          "Use sentence or word.")
    check_writable(options.destination, overwrite=options.overwrite, endings=SUFFIX)
    if options.cover is not None:
        read_cover(options.cover)  # a wrong picture is refused before anything is requested


class _ChapterAudio:
    """The assembler's sink: its samples go into the current chapter's MP3 (opened at the first sample)."""

    def __init__(self, plan: Plan, workdir: Path) -> None:
        self.plan, self.workdir = plan, workdir
        self.current = -1
        self.starts: list[int] = []
        self.encoder: PcmEncoder | None = None
        self.files: dict[int, Path] = {}
        #: Each chapter file's length as decoded, which the clips tile and media:duration states.
        self.decoded: dict[int, int] = {}

    def enter(self, chapter: int, at_sample: int) -> None:
        """Chapters up to ``chapter`` start (at ``at_sample``: the ones without segments are empty)."""
        while self.current < chapter:
            self._close()
            self.current += 1
            self.starts.append(at_sample)

    def write(self, samples: np.ndarray) -> None:
        if samples.size == 0:
            return
        if self.encoder is None:
            path = self.workdir / f"{self.current:04d}.mp3"
            try:
                self.encoder = PcmEncoder(path, self.plan.sample_rate, AUDIO)
            except OSError as error:
                raise write_error(self.workdir.parent, error) from error
            self.files[self.current] = path
        try:
            self.encoder.write(samples)
        except OSError as error:
            raise write_error(self.workdir.parent, error) from error

    def _close(self) -> None:
        if self.encoder is not None:
            try:
                self.encoder.finish()
                self.decoded[self.current] = decoded_samples(self.encoder.path)
            except OSError as error:
                raise write_error(self.workdir.parent, error) from error
            self.encoder = None

    def finish(self, chapters: int, total: int) -> list[int]:
        """Close the last chapter; returns every chapter's start sample (and the end, last)."""
        self.enter(chapters - 1, total)
        self._close()
        return [*self.starts, total]

    def abort(self) -> None:
        if self.encoder is not None:
            self.encoder.abort()
            self.encoder = None


def _cuts(plan: Plan) -> tuple[list[tuple[str, int, int]], list[int], list[str]]:
    """(title, first block, last block) per chapter, each segment's chapter, and the block texts."""
    if plan.render is not None:
        spans = plan.chapter_spans()
        texts = [b.text for b in plan.render.blocks]
        chapters = [(s.chapter.title, s.chapter.first_block, s.chapter.last_block) for s in spans]
        of = [0] * len(plan.segments)
        for k, span in enumerate(spans):
            for i in range(span.first_segment, span.end_segment):
                of[i] = k
        return chapters, of, texts
    texts = paragraphs(plan.script)
    return [("", 0, len(texts) - 1)], [0] * len(plan.segments), texts


def book_info(options: ExportOptions, plan: Plan) -> BookInfo:
    title = options.title or options.destination.stem
    language = (plan.render.settings.language_code if plan.render is not None else None) or "en"
    # The same book text and title keep the same identifier across exports (a reader's
    # bookmarks and positions survive a re-export); a new text is a new book.
    digest = hashlib.sha256(f"{title}\n{plan.script}".encode()).hexdigest()
    identifier = f"urn:uuid:{uuid.UUID(digest[:32])}"
    modified = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    cover = read_cover(options.cover) if options.cover is not None else None
    return BookInfo(title, language, identifier, modified, author=options.author or options.artist,
                    narrator=options.narrator, year=options.year, description=options.description,
                    cover=(cover.data, cover.mime) if cover is not None else None)


def export_readalong(
    generator: LongformGenerator,
    plan: Plan,
    options: ExportOptions,
    *,
    cancel: CancelToken,
    stage: Callable[[str], None],
    tap: Callable[[Segment, CachedSpeech | None], None] | None = None,
) -> ExportResult:
    from studio.core.exporter import Assembler, ExportResult

    check_readalong(options)
    titles, chapter_of, texts = _cuts(plan)
    folder = options.destination.parent
    try:
        workdir = Path(tempfile.mkdtemp(dir=folder, prefix=".narration-readalong-"))
    except OSError as error:
        raise write_error(folder, error) from error
    staged: Path | None = None
    audio = _ChapterAudio(plan, workdir)
    try:
        assembler = Assembler(plan, options.pause_ms * plan.sample_rate // 1000, audio.write)

        def consume(segment: Segment, speech: CachedSpeech | None) -> None:
            audio.enter(chapter_of[segment.index], assembler.timeline.total_samples)
            assembler(segment, speech)
            if tap is not None:
                tap(segment, speech)

        generation = generator.run(plan, consume, cancel)
        timeline = assembler.timeline
        bounds = audio.finish(len(titles), timeline.total_samples)
        stage("Writing the read-along EPUB")
        cancel.raise_if_cancelled()
        cuts = [ChapterCut(t, a, b, bounds[k], bounds[k + 1], audio.decoded.get(k))
                for k, (t, a, b) in enumerate(titles)]
        chapters = build_chapters(timeline, texts, cuts)
        info = book_info(options, plan)
        try:
            staged = stage_beside(options.destination, lambda handle: write_epub(
                handle, chapters, audio.files, info, plan.sample_rate, options.overlay_granularity))
        except OSError as error:
            raise write_error(folder, error) from error
        cancel.raise_if_cancelled()
        if options.destination.exists() and not options.overwrite:
            raise ExportError(f"“{options.destination.name}” appeared while exporting",
                              "Choose another name or allow replacing it.")
        try:
            os.replace(staged, options.destination)
        except OSError as error:
            raise write_error(folder, error) from error
        staged = None
        result = ExportResult(
            audio_path=options.destination, subtitle_paths=[], duration_seconds=timeline.total_samples / plan.sample_rate,
            total_samples=timeline.total_samples, sample_rate=plan.sample_rate, generation=generation,
            warnings=list(generation.warnings),
        )
        result.warnings.extend(_warnings(chapters))
        return result
    finally:
        audio.abort()
        shutil.rmtree(workdir, ignore_errors=True)
        if staged is not None:
            with contextlib.suppress(OSError):
                staged.unlink()


def _warnings(chapters: list[ReadAlongChapter]) -> list[str]:
    estimated = [c.title or f"chapter {i + 1}" for i, c in enumerate(chapters) if c.estimated]
    if not estimated:
        return []
    return [f"The voice engine sent no timings for {', '.join(estimated)}: the highlight there follows an "
            "estimate from the sentence lengths."]
