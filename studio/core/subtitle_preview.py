"""The subtitles an export would write, worked out before it runs, from the takes already made.

The export dialog lists the cues that break the chosen rule set before anything is exported.
:func:`preview_subtitles` lays the plan's audio out exactly as the export does (the same
flattened plan, the same :class:`~studio.core.exporter.Assembler`, pauses included) but only
from the speech cache: nothing is generated or paid for. Paragraphs whose audio is not made
yet are left out and named in :attr:`SubtitlePreview.missing_paragraphs` (their cues appear
once they are spoken). Blocking (reads the cache): run it in a worker.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from studio.core.exporter import Assembler, ExportOptions, heard_as_written, timeline_cues
from studio.core.render import generator_for_plan
from studio.core.subtitles.checks import Violation, check_cues
from studio.core.subtitles.cues import Cue
from studio.core.timeline import Timeline

if TYPE_CHECKING:
    from studio.core.backend import SynthesisBackend
    from studio.core.cache import SpeechCache
    from studio.core.script.plan import RenderPlan

__all__ = ["SubtitlePreview", "preview_subtitles"]


@dataclass
class SubtitlePreview:
    """Where every word of the made audio is (the export's own timeline, pauses included)."""

    timeline: Timeline
    missing_paragraphs: list[int] = field(default_factory=list)

    @property
    def sample_rate(self) -> int:
        return self.timeline.sample_rate

    @property
    def audio_ms(self) -> int:
        return self.timeline.total_samples * 1000 // self.timeline.sample_rate

    def cues(self, options: ExportOptions) -> list[Cue]:
        """The cues the export writes with ``options``: its rules, then its fixes (the same function)."""
        return timeline_cues(self.timeline, options)

    def violations(self, options: ExportOptions) -> list[Violation]:
        """What still breaks ``options.subtitle_rules`` once its fixes are applied."""
        return check_cues(self.cues(options), options.subtitle_rules, self.sample_rate, audio_ms=self.audio_ms)


def preview_subtitles(plan: RenderPlan, backend: SynthesisBackend, options: ExportOptions, *,
                      cache: SpeechCache | None, source: str | None = None) -> SubtitlePreview:
    """The cues ``options`` would export for ``plan`` from the cached audio (see the module notes)."""
    generator = generator_for_plan(plan, backend, cache=cache)
    flat = generator.plan_from(plan, source if source is not None and heard_as_written(plan, source) else None)
    rate = flat.sample_rate
    assembler = Assembler(flat, options.pause_ms * rate // 1000, lambda _samples: None)
    missing: set[int] = set()
    for segment, key in zip(flat.segments, flat.keys, strict=True):
        if key is None:
            continue  # nothing to speak here
        speech = cache.get(key) if cache is not None else None
        if speech is None:
            missing.add(segment.paragraph_index)
            continue
        if speech.sample_rate != rate:
            # Only the length matters here: the timings are in seconds already.
            speech = replace(speech, pcm=bytes(2 * round(speech.n_samples * rate / speech.sample_rate)),
                             sample_rate=rate)
        assembler(segment, speech)
    return SubtitlePreview(assembler.timeline, sorted(missing))
