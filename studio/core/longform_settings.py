"""What a long-form run is told and what it tells back: its settings, progress, result and error.

Plain data, apart from :class:`GenerationError` (a :class:`~studio.errors.StudioError` that names
the segment). Kept apart from the generator and its run loop so the export dialog, the CLI and
the exporter can name them without loading either.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Literal

from studio.api.models import VoiceSettings
from studio.core.script.plan import RenderSettings, Rewriter
from studio.core.segmenter import Segment
from studio.errors import StudioError

if TYPE_CHECKING:
    from studio.api.requests import PronunciationDictionaryLocator
    from studio.core.cast import Cast

__all__ = ["GenerationError", "GenerationResult", "LongformSettings", "Progress"]


class GenerationError(StudioError):
    """A segment could not be made even after retries; names where it is in the script."""

    def __init__(self, cause: str, remedy: str, *, segment: Segment, original: BaseException) -> None:
        super().__init__(cause, remedy)
        self.segment = segment
        self.original = original
        self.retryable = bool(getattr(original, "retryable", False))


@dataclass(frozen=True)
class LongformSettings:
    voice_id: str
    model_id: str
    voice_settings: VoiceSettings | None = None
    seed: int | None = None
    #: Raw PCM: needs no decoder and gives exact durations.
    output_format: str = "pcm_24000"
    stitching: Literal["text", "request_ids"] = "text"
    #: None: automatic (plan table, then the account's header).
    concurrency: int | None = None
    #: Segments are at most this long even when the model allows more: smaller requests
    #: parallelise, report progress and cache better, and a retry costs less.
    max_segment_chars: int = 5_000
    language_code: str | None = None
    #: How much neighbouring script to send as previous_text / next_text.
    context_chars: int = 1_000
    #: Attempts per segment for failures that may pass (429, 5xx, network).
    max_attempts: int = 6
    #: Longest wait between attempts when the server gives no Retry-After.
    max_backoff_seconds: float = 30.0
    #: Pronunciation rules as rewrites of a block's text (see RenderSettings.rewriter).
    rewriter: Rewriter | None = None
    #: Dictionaries the service applies (see RenderSettings.pronunciation_locators).
    pronunciation_locators: tuple[PronunciationDictionaryLocator, ...] = ()
    #: Who says which paragraph (see RenderSettings.cast).
    cast: Cast | None = None

    def render_settings(self) -> RenderSettings:
        """The part of these settings that decides what is spoken (and so the cache keys)."""
        return RenderSettings(**{f.name: getattr(self, f.name) for f in fields(RenderSettings)})

    @classmethod
    def from_render(cls, settings: RenderSettings, **tuning: object) -> LongformSettings:
        """Settings that speak as ``settings`` says, with ``tuning`` (concurrency, attempts…)."""
        return cls(**{f.name: getattr(settings, f.name) for f in fields(RenderSettings)}, **tuning)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Progress:
    """A snapshot for a progress bar or an export dialog."""

    phase: str  # "generating", "finishing", "done"
    segments_total: int
    segments_done: int
    segments_from_cache: int
    characters_total: int
    characters_done: int
    credits_spent: float
    credits_saved: float
    credits_estimated: float
    elapsed_seconds: float
    seconds_left: float | None
    concurrency: int
    requests_sent: int
    message: str = ""

    @property
    def fraction(self) -> float:
        return self.characters_done / self.characters_total if self.characters_total else 1.0


@dataclass
class GenerationResult:
    segments_total: int = 0
    segments_generated: int = 0
    segments_from_cache: int = 0
    requests_sent: int = 0
    credits_spent: float = 0.0
    credits_saved: float = 0.0
    rate_limited: int = 0
    final_concurrency: int = 0
    warnings: list[str] = field(default_factory=list)
