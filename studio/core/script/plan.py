"""The render plan: for each block of a script, the take it already has or the requests it needs.

The types live here; :func:`studio.core.script.planner.plan_render` makes them.

This is the ONE place that segments text under the per-request limit, keys the speech cache
and counts credits. Play, the export dialog, the CLI ``export`` and the script counter all
consume a :class:`RenderPlan`, so what the counter promises is what Play and Export spend, and
whichever runs first pays for everyone after it.

``plan_render(script, settings, capabilities, cache)`` decides, block by block:

``locked``            the block is locked and has a chosen take: that take, whatever changed
                      since (text, voice, settings). Never regenerated; if its audio left the
                      cache the block is silent and ``missing_audio`` says so. (A block locked
                      before it had any take is planned like any other, once.)
``nothing_to_speak``  no letter or digit (``* * *``): no request.
``take``              a complete take of exactly what would be spoken now (the chosen one
                      first, else the newest matching) whose audio is in the cache.
``cached``            no such take, but every part's audio is in the cache (made by an earlier
                      Play or Export, or by an identical paragraph elsewhere).
``needs_generation``  the parts not in the cache become requests.

Keys. A part's cache key is :meth:`SpeechCache.key_for` of its text, voice, model,
settings, seed, output format, engine and language: what is spoken, never where it sits, so
editing paragraph 17 leaves every other key unchanged. The continuity context sent with a
request (``previous_text``/``next_text``, request ids) is not part of the key. Identical parts
share one key and therefore one request. A regenerated block (``regenerate=``) gets a fresh
``variant`` in its keys, so the new take never overwrites the old one.

Segmenting. A block longer than the limit is split by :func:`split_script` (sentences, then
clauses, then words); the limit is ``min(Capabilities.request_limit(), max_segment_chars)``,
so a free-tier account never sends more than its model allows.

Stitching. With ``stitching="request_ids"`` on a model that supports it, a request carries the
``request-id`` of up to three neighbouring parts that come from takes (under two hours old):
before it as ``previous_request_ids``, after it as ``next_request_ids``. Ids of parts made in
the same run are filled in while it runs (:mod:`studio.core.longform` then goes one request
at a time). Otherwise the neighbouring text is sent.

Pure computation plus ``key in cache`` (a stat per key); no Qt, no network.
"""

from __future__ import annotations

import enum
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal

from studio.api.models import VoiceSettings
from studio.core.cache import CachedSpeech, SpeechCache
from studio.core.script.capabilities import ELEVENLABS_RENDER_FORMAT, Capabilities
from studio.core.script.chapters import Chapter
from studio.core.script.document import Block, Take, TakePart, new_id
from studio.core.script.spoken import Rewrite, SpokenText
from studio.errors import StudioError
from studio.markup import MarkupError, blank, tag_spans

if TYPE_CHECKING:
    from studio.core.cast import Cast
    from studio.api.requests import PronunciationDictionaryLocator, TextToSpeechRequest

__all__ = ["BlockPlan", "BlockStatus", "NothingToSpeakError", "PartPlan", "RenderPlan", "RenderSettings",
           "RequestSpec", "Rewriter", "spoken_key"]

#: Pronunciation rules as a function: a block's script text → the rewrites that match in it
#: (offsets into that text). Part of what decides keys, through the rewrites it returns.
Rewriter = Callable[[str], Sequence[Rewrite]]


class NothingToSpeakError(StudioError):
    pass


@dataclass(frozen=True)
class RenderSettings:
    """How a script is to be spoken (the engine and account are in :class:`Capabilities`)."""

    voice_id: str
    model_id: str
    voice_settings: VoiceSettings | None = None
    seed: int | None = None
    #: Use :func:`~studio.core.script.capabilities.render_output_format` so every path agrees.
    output_format: str = ELEVENLABS_RENDER_FORMAT
    language_code: str | None = None
    stitching: Literal["text", "request_ids"] = "text"
    #: Parts are at most this long even when the model allows more: smaller requests
    #: parallelise, report progress and cache better, and a retry costs less. Part of what
    #: decides the keys of long paragraphs, so every path must use the same figure.
    max_segment_chars: int = 5_000
    #: How much neighbouring script to send as previous_text / next_text.
    context_chars: int = 1_000
    #: Pronunciation rules applied on our side (None: none). Compared by identity only: the
    #: keys depend on the rewrites it makes, never on the function.
    rewriter: Rewriter | None = field(default=None, compare=False, repr=False)
    #: Dictionaries the service applies, sent with every request. Not part of any key (the
    #: rewrites that matched are, through ``rewriter``): a new dictionary version re-voices
    #: only the parts whose matched rules changed (:mod:`studio.core.pronunciation.context`).
    pronunciation_locators: tuple[PronunciationDictionaryLocator, ...] = field(default=(), compare=False)
    #: Who says which paragraph (issue 11). None: one voice for all, and ``NAME:`` is text.
    #: With a cast, ``voice_id``/``voice_settings`` above are the narrator's unless the cast
    #: gives the narrator a voice, and each block is spoken with :meth:`for_block`.
    cast: Cast | None = None

    def for_block(self, block: Block) -> RenderSettings:
        """The settings ``block`` is spoken with: its speaker's voice and voice settings (each
        falling back to these settings' when the speaker has none yet). Without a cast: self."""
        if self.cast is None:
            return self
        member, narrator = self.cast.voice_for(block), self.cast.narrator
        # A speaker with no voice yet is heard in the narrator's (the cast's, else the project's).
        voice_id = member.voice_id or narrator.voice_id or self.voice_id
        settings = member.voice_settings if member.has_voice else None
        return self.with_voice(voice_id, settings or narrator.voice_settings or self.voice_settings)

    def with_voice(self, voice_id: str, voice_settings: VoiceSettings | None) -> RenderSettings:
        if voice_id == self.voice_id and voice_settings == self.voice_settings:
            return self
        return replace(self, voice_id=voice_id, voice_settings=voice_settings)

    @property
    def speaker_prefix(self) -> bool:
        """Whether a paragraph's ``NAME: `` prefix is markup (left unsent) rather than text."""
        return self.cast is not None and self.cast.speaker_prefix


class BlockStatus(str, enum.Enum):
    CACHED = "cached"
    TAKE = "take"
    NEEDS_GENERATION = "needs_generation"
    LOCKED = "locked"
    NOTHING_TO_SPEAK = "nothing_to_speak"


@dataclass(frozen=True)
class PartPlan:
    """One request's worth of a block's audio, in script order."""

    block_index: int
    index: int  # within the block
    #: Where the text sits in the block's spoken text and in :attr:`RenderPlan.text`.
    start: int
    end: int
    script_start: int
    script_end: int
    #: What the engine is sent for it (``spoken.text``; the script's text unless it has pause
    #: tags or rewritten words).
    text: str
    #: The cache key of its audio; None when there is nothing to speak (or nothing to play:
    #: a locked take whose audio is gone).
    key: str | None
    #: Its audio is in the cache (or in a take) already.
    cached: bool
    #: Index into :attr:`RenderPlan.requests` when it must be generated.
    request: int | None = None
    #: From the take it comes from: for stitching neighbours to it.
    request_id: str | None = None
    created_unix: float = 0.0
    #: The request text with its map back to the script's ``start:end`` (None: the same).
    spoken: SpokenText | None = None

    def __len__(self) -> int:
        return self.end - self.start


@dataclass(frozen=True)
class BlockPlan:
    block_id: str
    index: int
    status: BlockStatus
    #: The text that will be heard: the block's, or its take's (a locked take of older text).
    text: str
    parts: tuple[PartPlan, ...]
    #: The key of what the block says now (None: nothing to speak).
    spoken_key: str | None
    #: The take whose audio is used (``take`` and ``locked``).
    take_id: str | None = None
    #: The variant of the take that generating this block will make (a regeneration).
    variant: str | None = None
    #: A locked block whose take's audio is no longer in the cache: it stays silent.
    missing_audio: bool = False
    #: Its take is the narrator's own recording (``Take.recording``): like a locked take, its
    #: audio is never generated, even if it leaves the cache after planning.
    recording: bool = False

    @property
    def never_generated(self) -> bool:
        return self.status is BlockStatus.LOCKED or self.recording
    #: Who says it (None: the narrator) and the settings its requests and take use (None:
    #: the plan's; differs per speaker with a cast, :meth:`RenderSettings.for_block`).
    speaker: str | None = None
    settings: RenderSettings | None = None

    def settings_in(self, plan: RenderPlan) -> RenderSettings:
        return self.settings if self.settings is not None else plan.settings

    @property
    def needs_generation(self) -> bool:
        return any(p.request is not None for p in self.parts)


@dataclass(frozen=True)
class RequestSpec:
    """One text-to-speech request the plan needs; :meth:`to_request` builds it."""

    index: int
    key: str
    text: str
    settings: RenderSettings
    #: Every block whose audio this request makes (more than one: repeated paragraphs).
    block_ids: tuple[str, ...]
    #: Where it is first needed.
    block_index: int
    part_index: int
    previous_text: str | None = None
    next_text: str | None = None
    previous_request_ids: tuple[str, ...] = ()
    next_request_ids: tuple[str, ...] = ()
    credits: float = 0.0

    @property
    def characters(self) -> int:
        return len(self.text)

    def to_request(self, previous_request_ids: Sequence[str] | None = None) -> TextToSpeechRequest:
        """The request; ``previous_request_ids`` (found while a run goes) replace the planned ones."""
        from studio.api.requests import TextToSpeechRequest

        s = self.settings
        previous_ids = tuple(previous_request_ids or self.previous_request_ids)
        return TextToSpeechRequest(
            voice_id=s.voice_id,
            text=self.text,
            model_id=s.model_id,
            language_code=s.language_code,
            voice_settings=s.voice_settings,
            seed=s.seed,
            # The API ignores the text when ids are sent; do not send both.
            previous_text=None if previous_ids else self.previous_text,
            next_text=None if self.next_request_ids else self.next_text,
            previous_request_ids=previous_ids or None,
            next_request_ids=self.next_request_ids or None,
            output_format=s.output_format,
            pronunciation_dictionary_locators=s.pronunciation_locators or None,
        )


@dataclass(frozen=True)
class RenderPlan:
    settings: RenderSettings
    capabilities: Capabilities
    #: The script as it will be heard, paragraphs joined by a blank line (context and offsets).
    text: str
    blocks: tuple[BlockPlan, ...]
    requests: tuple[RequestSpec, ...]
    character_limit: int
    credits_per_character: float
    stitching: bool
    warnings: tuple[str, ...] = ()
    #: Tags that cannot be sent (a malformed pause, one over 3 s), one per paragraph that has
    #: one: every run refuses before any request (:meth:`check_markup`); the counter still counts.
    problems: tuple[MarkupError, ...] = ()
    #: The script's chapters (:meth:`Script.chapters`): which block range each covers, so an
    #: export can cut per chapter (``blocks[c.first_block:c.last_block + 1]``).
    chapters: tuple[Chapter, ...] = ()
    _by_id: dict[str, BlockPlan] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._by_id.update({b.block_id: b for b in self.blocks})

    @property
    def engine_id(self) -> str:
        return self.capabilities.engine_id

    @property
    def parts(self) -> list[PartPlan]:
        """Every part of every block, in script order."""
        return [p for b in self.blocks for p in b.parts]

    @property
    def requests_needed(self) -> int:
        return len(self.requests)

    @property
    def characters_to_generate(self) -> int:
        return sum(r.characters for r in self.requests)

    @property
    def credits_needed(self) -> float:
        return sum(r.credits for r in self.requests)

    @property
    def characters_total(self) -> int:
        """Characters of everything that will be heard (spoken parts only)."""
        return sum(len(p) for p in self.parts if p.key is not None)

    @property
    def has_speech(self) -> bool:
        return any(p.key is not None for p in self.parts)

    def block(self, block_id: str) -> BlockPlan:
        return self._by_id[block_id]

    def chapter_blocks(self, chapter: Chapter) -> tuple[BlockPlan, ...]:
        """The planned blocks of ``chapter`` (one of :attr:`chapters`)."""
        return self.blocks[chapter.first_block:chapter.last_block + 1]

    def status(self, block_id: str) -> BlockStatus:
        return self._by_id[block_id].status

    def check_markup(self) -> None:
        """Raise the first :class:`~studio.markup.MarkupError` (before anything is spent)."""
        if self.problems:
            raise self.problems[0]

    def require_speech(self) -> None:
        """Raise :class:`NothingToSpeakError` (in plain words) when nothing would be heard, and
        a tag that cannot be sent (:meth:`check_markup`) first."""
        self.check_markup()
        if self.has_speech:
            return
        if not self.text.strip():
            raise NothingToSpeakError("The script is empty", "Write or open a script with some text first.")
        raise NothingToSpeakError(
            "The script has no words to read aloud (only punctuation or symbols)",
            "Add the text you want narrated, then export again.",
        )

    def spec_for(self, part: PartPlan) -> RequestSpec:
        """The request that makes ``part``: the planned one, or (for audio that left the cache
        after planning) a fresh one with the same key and the text context."""
        if part.request is not None:
            return self.requests[part.request]
        if part.key is None:
            raise ValueError("nothing to speak in this part")
        block = self.blocks[part.block_index]
        previous_text, next_text = request_context(self.text, part.script_start, part.script_end,
                                                   self.settings.context_chars)
        return RequestSpec(-1, part.key, part.text, block.settings_in(self), (block.block_id,), part.block_index, part.index,
                           previous_text, next_text, credits=len(part.text) * self.credits_per_character)

    def take_from(self, block_id: str, speeches: Sequence[CachedSpeech | None]) -> Take:
        """The new take that ``speeches`` (one per part, in order, each from a complete stream)
        make of a ``cached`` or ``needs_generation`` block."""
        block = self._by_id[block_id]
        if block.status not in (BlockStatus.CACHED, BlockStatus.NEEDS_GENERATION) or block.spoken_key is None:
            raise ValueError(f"a {block.status.value} block makes no new take")
        if len(speeches) != len(block.parts):
            raise ValueError("one speech per part is needed")
        parts = []
        for part, speech in zip(block.parts, speeches, strict=True):
            if part.key is None:
                continue  # nothing spoken there
            if speech is None:
                raise ValueError("every spoken part needs its audio")
            parts.append(TakePart(part.key, part.start, part.end, speech.request_id, speech.created_unix,
                                  speech.character_cost))
        return self._take(block, parts)

    def take_of_whole(self, block_id: str, speech: CachedSpeech) -> Take:
        """The new take of a block whose whole text was spoken in ONE request (a history item
        made elsewhere), though the plan would split it: one part, keyed by the block's
        :attr:`BlockPlan.spoken_key` (the caller stores ``speech`` under that key). The plan
        uses such a take like any other: it is current while the block says the same."""
        block = self._by_id[block_id]
        if block.spoken_key is None:
            raise ValueError("a block with nothing to speak makes no take")
        part = TakePart(block.spoken_key, 0, len(block.text), speech.request_id, speech.created_unix,
                        speech.character_cost)
        return self._take(block, [part])

    def _take(self, block: BlockPlan, parts: list[TakePart]) -> Take:
        assert block.spoken_key is not None
        s = block.settings_in(self)
        return Take(
            id=new_id(),
            text=block.text,
            parts=tuple(parts),
            spoken_key=block.spoken_key,
            voice_id=s.voice_id,
            model_id=s.model_id,
            engine_id=self.engine_id,
            output_format=s.output_format,
            voice_settings=settings_material(s),
            seed=s.seed,
            language_code=s.language_code,
            variant=block.variant,
            created_unix=max((p.created_unix for p in parts), default=time.time()),
            credit_cost=sum(p.character_cost or 0.0 for p in parts),
        )


# -- keys and context -------------------------------------------------------------------------


def settings_material(settings: RenderSettings) -> dict[str, Any]:
    return settings.voice_settings.to_request() if settings.voice_settings is not None else {}


def spoken_key(
    text: str | SpokenText,
    settings: RenderSettings,
    engine_id: str,
    variant: str | None = None,
    material: dict[str, Any] | None = None,
) -> str:
    """The cache key of saying ``text`` with ``settings`` on ``engine_id``.

    ``text`` is what is sent: a :class:`SpokenText` (its request text, plus the signature of
    the rewrites that matched in it) or plain text sent as written. Text with no tag and no
    rewrite keys exactly as before SpokenText existed (the signature is left out when empty).

    With ``variant`` None this is also a block's key of what it says now: a take is current
    when its ``spoken_key`` equals it. ``material`` is :func:`settings_material` computed once
    (planning a long script keys hundreds of parts with the same settings).
    """
    sent, signature = (text.text, text.signature) if isinstance(text, SpokenText) else (text, "")
    return SpeechCache.key_for(
        sent, settings.voice_id, settings.model_id,
        settings_material(settings) if material is None else material,
        settings.seed, settings.output_format, engine_id,
        {"rewrites": signature} if signature else None,
        language_code=settings.language_code, variant=variant,
    )


def request_context(text: str, start: int, end: int, chars: int) -> tuple[str | None, str | None]:
    """``previous_text``/``next_text``: up to ``chars`` of the script each side, whole words."""
    previous_text = text[max(0, start - chars) : start].strip() or None
    next_text = text[end : end + chars].strip() or None
    if previous_text and start - chars > 0:
        previous_text = previous_text.split(None, 1)[-1]  # start on a whole word
    if next_text and end + chars < len(text):
        next_text = next_text.rsplit(None, 1)[0]
    return _untagged(previous_text), _untagged(next_text)


def _untagged(context: str | None) -> str | None:
    """Context without pause tags: they say nothing, and a model that does not take them (v3)
    must not be shown them as words."""
    if not context or "<" not in context:
        return context
    return " ".join(blank(context, tag_spans(context)).split()) or None
