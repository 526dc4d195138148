"""Export a script to an audio file plus subtitles: the one path the CLI and the GUI share.

:func:`export_plan` exports a :class:`~studio.core.script.RenderPlan` (what the export dialog
and ``narration-studio export`` both run): chosen and locked takes are used as they are,
parts already in the cache cost nothing, and every take the export makes is handed to
``on_block`` (the GUI applies it to its document) or recorded in the Script given.
:func:`export_script` is the machinery underneath, for a generator and a flattened plan.

Audio streams to disk in script order as segments arrive (memory stays flat for any length).
With loudness normalisation the audio first goes to a raw spool file beside the destination
while the loudness is measured, then is copied once with the gain applied. Subtitle files are
staged as temporary files and everything is renamed into place only at the very end, so a
failure or a cancel leaves no partial file behind (and the cache keeps every finished segment).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from studio.core.audio import float_to_int16
from studio.core.audio_export import ExportError, write_error
from studio.core.audiobook.encoder import EncoderSettings
from studio.core.audiobook.export_target import Writer, chapter_subtitles, check_target, is_chapter_folder, marking, open_writer
from studio.core.cache import CachedSpeech, SpeechCache
from studio.cancel import CancelToken
from studio.core.files import stage_beside
from studio.core.longform import GenerationResult, LongformGenerator, Plan, Progress
from studio.core.readalong import check_readalong, export_readalong, is_readalong
from studio.core.loudness import LoudnessMeter, PeakLimiter, block_peaks
from studio.core.render import BlockAudio, TakeRecorder, generator_for_plan
from studio.core.script.document import Script, Take, paragraphs
from studio.core.script.plan import RenderPlan
from studio.core.segmenter import Segment
from studio.core.subtitles import FORMATS as SUBTITLE_FORMATS
from studio.core.subtitles import CueRules, build_cues
from studio.core.subtitles.checks import CueFix, apply_fixes
from studio.core.subtitles.speakers import label_cues
from studio.core.subtitles import write as write_subtitles
from studio.core.timeline import Timeline

if TYPE_CHECKING:
    from studio.core.backend import SynthesisBackend

LOUDNESS_TARGETS = (-16.0, -23.0)
_COPY_BLOCK = 1 << 18  # samples per block when applying gain
_LOUDNESS_TRIES = 3


@dataclass(frozen=True)
class ExportOptions:
    destination: Path
    subtitle_formats: tuple[str, ...] = ()
    loudness_target: float | None = None
    title: str | None = None
    artist: str | None = None
    quality: str = "high"
    overwrite: bool = False
    #: Silence between paragraphs.
    pause_ms: int = 0
    #: The subtitle rule set's limits (:mod:`studio.core.subtitles.rule_sets`), and the fixes
    #: the person chose before exporting (replayed on the cues this export builds).
    subtitle_rules: CueRules = CueRules()
    cue_fixes: tuple[CueFix, ...] = ()
    #: Paragraph i's speaker (None: the narrator) for the subtitles; :func:`export_plan` fills it
    #: from a plan with a cast. ``srt_speaker_names``: ``NAME:`` before a new speaker's SRT cue.
    speakers: tuple[str | None, ...] = ()
    srt_speaker_names: bool = False
    #: "acx": master and write for ACX (studio.core.acx): 44.1 kHz 192 kbps CBR MP3, checked.
    preset: str | None = None
    #: Audiobook tags (M4B, MP3, per-chapter files; :mod:`studio.core.audiobook`). The author
    #: falls back to ``artist``; the cover is checked (JPEG/PNG) before anything is requested.
    author: str | None = None
    narrator: str | None = None
    year: str | None = None
    description: str | None = None
    cover: Path | None = None
    #: Codec, bit rate and sample rate for M4B/MP3 (an ACX preset); None: from ``quality``.
    encoding: EncoderSettings | None = None
    #: A read-along EPUB's (``.epub`` destination) overlay granularity, "sentence" or "word"
    #: (:mod:`studio.core.readalong`; it uses the title, author and narrator above too).
    overlay_granularity: str = "sentence"


@dataclass(frozen=True)
class RunTuning:
    """How hard a run tries (not what it says: nothing here changes a cache key)."""

    #: Requests at once; None: the account's plan, then what the server says.
    concurrency: int | None = None
    #: Attempts per part for failures that may pass (429, 5xx, network).
    max_attempts: int = 6
    #: Longest wait between attempts when the server gives no Retry-After.
    max_backoff_seconds: float = 30.0


@dataclass
class ExportResult:
    audio_path: Path
    subtitle_paths: list[Path]
    duration_seconds: float
    total_samples: int
    sample_rate: int
    generation: GenerationResult
    loudness_measured: float | None = None
    loudness_result: float | None = None
    warnings: list[str] = field(default_factory=list)
    #: Block id → the take this export made of it (exports of a RenderPlan only).
    new_takes: dict[str, Take] = field(default_factory=dict)
    #: The ACX check of each file written with ``preset="acx"`` (studio.core.acx.check.ChapterReport).
    acx_reports: list | None = None  # type: ignore[type-arg]


def subtitle_path(destination: Path, fmt: str) -> Path:
    """Subtitles sit beside the audio with the same base name (``book.mp3`` → ``book.srt``)."""
    return destination.with_name(destination.stem + SUBTITLE_FORMATS[fmt])


def check_export(options: ExportOptions) -> None:
    """Every refusal that needs no work: run before spending anything."""
    unknown = [f for f in options.subtitle_formats if f not in SUBTITLE_FORMATS]
    if unknown:
        raise ExportError(
            f"Unknown subtitle format “{unknown[0]}”", "Use any of: " + ", ".join(SUBTITLE_FORMATS) + "."
        )
    if options.loudness_target is not None and options.loudness_target not in LOUDNESS_TARGETS:
        raise ExportError(
            f"Loudness {options.loudness_target:g} LUFS is not offered",
            "Use −16 (podcasts, online) or −23 (broadcast, EBU R128).",
        )
    if options.pause_ms < 0:
        raise ExportError("The pause between paragraphs cannot be negative", "Give 0 or more milliseconds.")
    if options.preset is not None:
        from studio.core.acx.preset_options import check_preset

        check_preset(options)
    if is_readalong(options.destination):
        check_readalong(options)
        return
    check_target(options)
    for fmt in () if is_chapter_folder(options) else options.subtitle_formats:
        path = subtitle_path(options.destination, fmt)
        if path.exists() and not options.overwrite:
            raise ExportError(f"“{path.name}” already exists", "Choose another name, or allow replacing it (--overwrite).")


class Assembler:
    """Receives segments in order; writes audio (or the spool) and builds the timeline."""

    def __init__(self, plan: Plan, pause_samples: int, sink: Callable[[np.ndarray], None]) -> None:
        self.timeline = Timeline(plan.sample_rate, plan.script)
        self.pause_samples = pause_samples
        self.sink = sink
        self.last_paragraph: int | None = None

    def __call__(self, segment: Segment, speech: CachedSpeech | None) -> None:
        if speech is None:
            # Nothing was sent: punctuation only, or only pause tags (made here as silence).
            pause = segment.spoken.pause_seconds if segment.spoken is not None else 0.0
            samples = round(pause * self.timeline.sample_rate)
            if samples:
                self._paragraph_gap(segment)
                self.sink(np.zeros(samples, dtype=np.int16))
                self.timeline.add_pause(samples)
                self.last_paragraph = segment.paragraph_index
            return
        self._paragraph_gap(segment)
        samples = np.frombuffer(speech.pcm, dtype="<i2")
        self.sink(samples)
        # Timings for the text as written; the normalised ones (numbers spelled out) map back
        # to the script less exactly, so they are only the fallback.
        self.timeline.add_segment(segment, samples.size, speech.alignment or speech.normalized_alignment)
        self.last_paragraph = segment.paragraph_index

    def _paragraph_gap(self, segment: Segment) -> None:
        if self.last_paragraph is not None and segment.paragraph_index != self.last_paragraph and self.pause_samples:
            self.sink(np.zeros(self.pause_samples, dtype=np.int16))
            self.timeline.add_pause(self.pause_samples)


def _then(first: Callable[[Segment, CachedSpeech | None], None],
          second: Callable[[Segment, CachedSpeech | None], None]) -> Callable[[Segment, CachedSpeech | None], None]:
    def both(segment: Segment, speech: CachedSpeech | None) -> None:
        first(segment, speech)
        second(segment, speech)

    return both


class _Spool:
    """Raw int16 audio in a temporary file beside the destination, measured as it is written."""

    def __init__(self, folder: Path, sample_rate: int) -> None:
        try:
            fd, name = tempfile.mkstemp(dir=folder, prefix=".narration-", suffix=".spool")
        except OSError as error:
            raise write_error(folder, error) from error
        self.path = Path(name)
        self.handle = os.fdopen(fd, "wb")
        self.folder = folder
        self.meter = LoudnessMeter(sample_rate)

    def write(self, samples: np.ndarray) -> None:
        try:
            self.handle.write(samples.astype("<i2", copy=False).tobytes())
        except OSError as error:
            raise write_error(self.folder, error) from error
        self.meter.add(samples.astype(np.float64) / 32768.0)

    def read(self, start: int, end: int | None) -> bytes:
        """Samples ``start`` … ``end`` (None: to the end): the ACX preset masters chapter by chapter."""
        try:
            self.handle.flush()
            with open(self.path, "rb") as handle:
                handle.seek(2 * start)
                return handle.read(-1 if end is None else 2 * (end - start))
        except OSError as error:
            raise write_error(self.folder, error) from error

    def blocks(self, size: int):  # type: ignore[no-untyped-def]
        if not self.handle.closed:
            try:
                self.handle.close()  # writes out what is still buffered: the disk may be full
            except OSError as error:
                raise write_error(self.folder, error) from error
        with open(self.path, "rb") as handle:
            while block := handle.read(size * 2):
                yield np.frombuffer(block, dtype="<i2")

    def remove(self) -> None:
        with contextlib.suppress(Exception):
            self.handle.close()
        with contextlib.suppress(OSError):
            self.path.unlink()


def export_script(
    generator: LongformGenerator,
    script: str,
    options: ExportOptions,
    *,
    cancel: CancelToken | None = None,
    plan: Plan | None = None,
    on_stage: Callable[[str], None] | None = None,
    tap: Callable[[Segment, CachedSpeech | None], None] | None = None,
) -> ExportResult:
    """Generate, assemble and write everything; ``on_stage`` hears what happens after the
    speech is made (loudness, subtitles), which can take a minute for a long book. ``tap``
    sees every segment after it is written (a :class:`studio.core.render.TakeRecorder`
    records the takes of a plan made from a Script)."""
    cancel = cancel or CancelToken()
    stage = on_stage or (lambda _text: None)
    check_export(options)
    plan = plan or generator.plan(script)
    if is_readalong(options.destination):  # the same run, cut per chapter into an EPUB
        return export_readalong(generator, plan, options, cancel=cancel, stage=stage, tap=tap)
    rate = plan.sample_rate
    pause_samples = options.pause_ms * rate // 1000
    acx = options.preset == "acx"
    if acx:
        from studio.core.acx.export import ACX_MP3, check_written, failures_in_words, master_spool

        options = replace(options, encoding=ACX_MP3)
    writer = open_writer(options, ACX_MP3.sample_rate if acx else rate)  # type: ignore[arg-type]
    spool: _Spool | None = None
    staged: list[tuple[Path, Path]] = []
    try:
        if options.loudness_target is not None or acx:
            spool = _Spool(options.destination.parent, rate)
            assembler = Assembler(plan, pause_samples, spool.write)
        else:
            writer.open()
            assembler = Assembler(plan, pause_samples, writer.write)
        consumer = assembler if tap is None else _then(assembler, tap)
        mark = marking(plan, writer, lambda: assembler.timeline, options.title)
        consumer = consumer if mark is None else _then(mark, consumer)
        generation = generator.run(plan, consumer, cancel)
        timeline = assembler.timeline

        measured = achieved = None
        if acx and spool is not None:
            stage("Mastering for ACX")
            timeline = master_spool(spool.read, timeline.total_samples, rate, writer, timeline,  # type: ignore[arg-type]
                                    per_chapter=is_chapter_folder(options), name=options.destination.name,
                                    cancel=cancel)
            rate = writer.sample_rate  # the timeline is the file's now
        elif spool is not None:
            stage("Normalising loudness")
            measured, achieved = _normalise(spool, writer, options.loudness_target or -16.0, rate, cancel)
            spool.remove()
            spool = None

        if options.subtitle_formats:
            stage("Writing subtitles")
            cancel.raise_if_cancelled()
            cues = timeline_cues(timeline, options)
            if is_chapter_folder(options):  # each chapter's subtitles beside its file, inside the folder
                chapter_subtitles(writer, timeline, cues, options.subtitle_formats, title=options.title,  # type: ignore[arg-type]
                                  artist=options.artist, srt_speakers=options.srt_speaker_names)
            for fmt in () if is_chapter_folder(options) else options.subtitle_formats:
                final = subtitle_path(options.destination, fmt)
                staged.append((_stage_text(final, fmt, timeline, cues, options), final))

        cancel.raise_if_cancelled()
        for _, final in staged:
            if final.exists() and not options.overwrite:  # the audio's commit checks the same
                raise ExportError(
                    f"“{final.name}” appeared while exporting", "Choose another name or allow replacing it."
                )
        audio_path = writer.commit()
        for tmp, final in staged:
            try:
                os.replace(tmp, final)
            except OSError as error:
                raise write_error(final.parent, error) from error
        staged = []
        result = ExportResult(
            audio_path=audio_path,
            subtitle_paths=[] if is_chapter_folder(options) else [subtitle_path(options.destination, f)
                                                                  for f in options.subtitle_formats],
            duration_seconds=timeline.total_samples / rate,
            total_samples=timeline.total_samples,
            sample_rate=rate,
            generation=generation,
            loudness_measured=measured,
            loudness_result=float(achieved) if achieved is not None else None,
            warnings=list(generation.warnings),
        )
        if acx:
            result.acx_reports = check_written(audio_path, writer)  # type: ignore[arg-type]
            result.warnings.extend(w for r in result.acx_reports for w in failures_in_words(r))
        if options.subtitle_formats and not timeline.chars:
            result.warnings.append("The voice engine sent no timings, so the subtitle files are empty.")
        if measured is not None and achieved is not None and abs(achieved - (options.loudness_target or 0)) > 0.5:
            result.warnings.append(
                f"Loudness reached {achieved:.1f} LUFS instead of {options.loudness_target:g}."
            )
        return result
    finally:
        writer.abort()  # no-op after a commit
        if spool is not None:
            spool.remove()
        for tmp, _ in staged:
            with contextlib.suppress(OSError):
                tmp.unlink()


def timeline_cues(timeline: Timeline, options: ExportOptions) -> list:  # type: ignore[type-arg]
    """The cues an export writes: built with the options' rules, then the chosen fixes applied."""
    rate, rules = timeline.sample_rate, options.subtitle_rules
    cues = build_cues(timeline.words(), rate, rules, audio_samples=timeline.total_samples)
    cues = apply_fixes(cues, options.cue_fixes, rules, rate, audio_ms=timeline.total_samples * 1000 // rate)
    return label_cues(cues, options.speakers)


def export_plan(
    plan: RenderPlan,
    backend: SynthesisBackend,
    options: ExportOptions,
    *,
    script: Script | None = None,
    source: str | None = None,
    cache: SpeechCache | None = None,
    on_block: Callable[[BlockAudio], None] | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    on_stage: Callable[[str], None] | None = None,
    cancel: CancelToken | None = None,
    tuning: RunTuning = RunTuning(),
) -> ExportResult:
    """Export what ``plan`` says (see the module notes) with ``backend``.

    ``script``: the Script the plan was made from, to record the new takes in (a CLI's);
    a GUI passes None and applies ``BlockAudio.take`` from ``on_block`` (called on this
    thread, in script order, when ``BlockAudio.new_take``) on its own thread. ``source``:
    the plain text the plan was made from, so subtitle offsets point into it; ignored when
    a locked paragraph is heard with other words than it has now (then offsets are into
    :attr:`RenderPlan.text`, the script as heard). Raises NothingToSpeakError, ExportError,
    GenerationError, Cancelled; every part made before a failure stays in the cache.
    """
    check_export(options)
    plan.require_speech()
    if plan.settings.cast is not None and not options.speakers:
        options = replace(options, speakers=tuple(b.speaker for b in plan.blocks))
    generator = generator_for_plan(plan, backend, cache=cache, on_progress=on_progress, concurrency=tuning.concurrency,
                                   max_attempts=tuning.max_attempts, max_backoff_seconds=tuning.max_backoff_seconds)
    flat = generator.plan_from(plan, source if source is not None and heard_as_written(plan, source) else None)
    recorder = TakeRecorder(flat, script, record=script is not None, on_block=on_block)
    result = export_script(generator, flat.script, options, cancel=cancel, plan=flat, on_stage=on_stage, tap=recorder)
    result.new_takes = dict(recorder.new_takes)
    return result


def heard_as_written(plan: RenderPlan, source: str) -> bool:
    """Whether every paragraph of ``source`` is what ``plan`` says there (no locked take of older words)."""
    written = paragraphs(source)
    return len(written) == len(plan.blocks) and all(b.text == t for b, t in zip(plan.blocks, written, strict=True))


def _normalise(
    spool: _Spool, writer: Writer, target: float, rate: int, cancel: CancelToken
) -> tuple[float, float | None]:
    """Copy the spool into the writer at ``target`` LUFS, limiting peaks; returns (before, after)."""
    measured = spool.meter.integrated_lufs()
    writer.open()
    if not np.isfinite(measured):  # silence: nothing to normalise
        for block in spool.blocks(_COPY_BLOCK):
            writer.write(block)
        return measured, None
    gain = float(10 ** ((target - measured) / 20))
    block = max(1, rate // 500)
    size = block * (_COPY_BLOCK // block)  # whole limiter blocks per read
    peaks = np.concatenate([block_peaks(b.astype(np.float32) / 32768.0, block) for b in spool.blocks(size)] or [np.zeros(0)])

    def limited(limiter: PeakLimiter):  # type: ignore[no-untyped-def]
        offset = 0
        for samples in spool.blocks(size):
            cancel.raise_if_cancelled()
            yield float_to_int16(limiter.apply(samples.astype(np.float64) / 32768.0, offset))
            offset += samples.size

    # Limiting peaks takes a little loudness away; measure and make up for it (a dry run
    # costs about a second per ten minutes of audio), at most a few times.
    limiter = PeakLimiter(peaks, block, gain)
    for _ in range(_LOUDNESS_TRIES):
        if limiter.limited_blocks == 0:
            break
        trial = LoudnessMeter(rate)
        for out in limited(limiter):
            trial.add(out.astype(np.float64) / 32768.0)
        miss = target - trial.integrated_lufs()
        if not np.isfinite(miss) or abs(miss) < 0.1:
            break
        gain *= float(10 ** (miss / 20))
        limiter = PeakLimiter(peaks, block, gain)
    after = LoudnessMeter(rate)
    for out in limited(limiter):
        after.add(out.astype(np.float64) / 32768.0)
        writer.write(out)
    return measured, after.integrated_lufs()


def _stage_text(final: Path, fmt: str, timeline: Timeline, cues: list, options: ExportOptions) -> Path:  # type: ignore[type-arg]
    try:
        return stage_beside(
            final,
            lambda handle: write_subtitles(fmt, handle, timeline, cues, title=options.title, artist=options.artist,
                                           srt_speakers=options.srt_speaker_names),
            encoding="utf-8",
        )
    except OSError as error:
        raise write_error(final.parent, error) from error
