"""``plan_render``: the one function that turns a :class:`Script` into a :class:`RenderPlan`.

See :mod:`studio.core.script.plan` for what the plan decides and why; this module is the
deciding. Pure computation plus ``key in cache``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Collection, Container
from dataclasses import dataclass, replace
from typing import Any

from studio.core.script.capabilities import MAX_REQUEST_IDS, REQUEST_ID_MAX_AGE, Capabilities
from studio.core.script.document import Block, Script, Take, new_id
from studio.core.script.plan import (
    BlockPlan,
    BlockStatus,
    PartPlan,
    RenderPlan,
    RenderSettings,
    RequestSpec,
    request_context,
    settings_material,
    spoken_key,
)
from studio.core.script.spoken import Rewrite, SpokenText
from studio.core.segmenter import split_script
from studio.markup import MarkupError

__all__ = ["plan_render"]

#: A planned part: (start, end, text, key, cached, request id, created, spoken) — see PartPlan.
_Part = tuple[int, int, str, "str | None", bool, "str | None", float, "SpokenText | None"]


@dataclass
class _Draft:
    """A block being planned; parts are (start, end, text, key, cached, request_id, created)."""

    block: Block
    status: BlockStatus
    text: str
    parts: list[_Part]
    spoken_key: str | None
    take_id: str | None = None
    variant: str | None = None
    missing_audio: bool = False
    recording: bool = False
    #: What it is spoken with (its speaker's voice: :meth:`RenderSettings.for_block`).
    settings: RenderSettings | None = None


class _Planner:
    def __init__(self, settings: RenderSettings, capabilities: Capabilities, cache: Container[str] | None) -> None:
        self.settings = settings
        self.capabilities = capabilities
        self.engine = capabilities.engine_id
        self.limit = max(1, min(capabilities.request_limit(), settings.max_segment_chars))
        self.cache = cache
        self.material = settings_material(settings)
        self.warnings: list[str] = []
        self.problems: list[MarkupError] = []
        #: Per voice (id and settings): the block settings and their key material, made once.
        self._voices: dict[tuple[str, str], tuple[RenderSettings, dict[str, Any]]] = {}
        self._voiceless: set[str] = set()

    def voice(self, index: int, block: Block) -> tuple[RenderSettings, dict[str, Any]]:
        """The settings ``block`` is spoken with and their key material (its speaker's voice)."""
        settings = self.settings.for_block(block)
        if settings is self.settings:
            pair = (settings, self.material)
        else:
            material = settings_material(settings)
            pair = self._voices.setdefault((settings.voice_id, json.dumps(material, sort_keys=True)),
                                           (settings, material))
        cast = self.settings.cast
        if cast is not None and block.speaker and not cast.voice_for(block).has_voice:
            name = cast.voice_for(block).name
            if name not in self._voiceless:
                self._voiceless.add(name)
                self.warnings.append(
                    f"Paragraph {index + 1}: {name} has no voice yet, so the narrator's voice says their lines. "
                    f"Choose a voice for {name} in the Cast panel (or export with --cast \"{name}=VOICE_ID\")."
                )
        return pair

    def spoken(self, text: str, rewrites: list[Rewrite], index: int | None = None, *,
               first: bool = False) -> SpokenText:
        """What is sent for ``text`` (a block's, or a part's with its rewrites shifted to it).
        A tag that cannot be sent is recorded (``index``: the paragraph) and the text planned
        as written, so counting still works and every run refuses before spending."""
        try:
            # Only a paragraph's first part can start with its NAME: prefix.
            return SpokenText.build(text, self.capabilities, rewrites,
                                    speaker_prefix=first and self.settings.speaker_prefix)
        except MarkupError as error:
            if index is not None:
                self.problems.append(MarkupError(f"Paragraph {index + 1}: {error.cause}", error.remedy,
                                                 error.tag, error.offset))
            return SpokenText.plain(text)

    def rewrites(self, text: str) -> list[Rewrite]:
        rewriter = self.settings.rewriter
        return list(rewriter(text)) if rewriter is not None else []

    def contains(self, key: str) -> bool:
        return self.cache is not None and key in self.cache

    def key(self, spoken: SpokenText, voice: tuple[RenderSettings, dict[str, Any]], variant: str | None = None) -> str:
        return spoken_key(spoken, voice[0], self.engine, variant, voice[1])

    def take_parts(self, take: Take, available: bool) -> list[_Part]:
        # The take's audio says its own text: map its timings back through that text's spoken form.
        rewrites = self.rewrites(take.text)
        parts: list[_Part] = []
        for p in take.parts:
            spoken = self.spoken(take.text[p.start : p.end], _shifted(rewrites, p.start, p.end), first=p.start == 0)
            parts.append((p.start, p.end, spoken.text, p.cache_key if available else None, available,
                          p.request_id, p.created_unix, spoken))
        return parts

    def usable(self, take: Take | None, key: str | None = None) -> bool:
        return (take is not None and take.complete and (key is None or take.spoken_key == key)
                and all(self.contains(k) for k in take.cache_keys))

    def kept(self, block: Block, take: Take, status: BlockStatus, key: str | None, gone: str,
             recording: bool = False, settings: RenderSettings | None = None) -> _Draft:
        """A take used as it is (locked, or a recording): silent, with the warning ``gone``, when
        its audio left the cache, but never planned again."""
        available = self.usable(take)
        if not available:
            self.warnings.append(gone)
        return _Draft(block, status, take.text, self.take_parts(take, available), key,
                      take_id=take.id, missing_audio=not available, recording=recording, settings=settings)

    def draft(self, index: int, block: Block, regenerate: bool) -> _Draft:
        chosen = block.chosen_take
        voice = self.voice(index, block)
        if block.locked and chosen is not None:
            return self.kept(block, chosen, BlockStatus.LOCKED, None,
                             f"Paragraph {index + 1} is locked, but its chosen take is no longer in the speech cache; "
                             "it stays silent until you unlock it to make it again.", settings=voice[0])
        segments = split_script(block.text, self.limit)
        rewrites = self.rewrites(block.text)
        whole = self.spoken(block.text, rewrites, index, first=True)
        if not whole.speakable:
            # Nothing to send; a pause tag alone (between chapters) is still silence to make.
            parts = [(s.start, s.end, s.text, None, False, None, 0.0,
                      self.spoken(s.text, [], first=s.start == 0) if whole.pauses else None) for s in segments]
            return _Draft(block, BlockStatus.NOTHING_TO_SPEAK, block.text, parts, None, settings=voice[0])
        key = self.key(whole, voice)
        if chosen is not None and chosen.is_recording and chosen.text == block.text and not regenerate:
            # The narrator's own recording of these words: current whatever voice is chosen,
            # and never replaced by generated speech behind their back (not even when its
            # audio left the cache: then it is silent and says so, like a locked take).
            return self.kept(block, chosen, BlockStatus.TAKE, key,
                             f"Paragraph {index + 1}'s recording ({chosen.recording}) is no longer in the speech "
                             "cache; it stays silent until you import the recording again.", recording=True,
                             settings=voice[0])
        variant = new_id() if regenerate and not block.locked else None
        if variant is None:
            candidates = [chosen, *reversed([t for t in block.takes if t is not chosen])]
            for take in candidates:
                if take is not None and self.usable(take, key):
                    return _Draft(block, BlockStatus.TAKE, take.text, self.take_parts(take, True), key, take_id=take.id,
                                  settings=voice[0])
        parts = []
        for s in segments:
            spoken = whole if s.text == block.text else self.spoken(s.text, _shifted(rewrites, s.start, s.end),
                                                                    first=s.start == 0)
            if not spoken.speakable:
                part_key = None
            elif variant is None and spoken is whole:
                part_key = key  # a block in one part: its key is the part's
            else:
                part_key = self.key(spoken, voice, variant)
            parts.append((s.start, s.end, spoken.text, part_key, part_key is not None and self.contains(part_key), None,
                          0.0, spoken))
        all_cached = all(p[4] for p in parts if p[3] is not None)
        status = BlockStatus.CACHED if all_cached else BlockStatus.NEEDS_GENERATION
        return _Draft(block, status, block.text, parts, key, variant=variant, settings=voice[0])


def _shifted(rewrites: list[Rewrite], start: int, end: int) -> list[Rewrite]:
    """The rewrites inside ``[start, end)`` of a block, as offsets into that part."""
    if not rewrites:
        return rewrites
    return [Rewrite(r.start - start, r.end - start, r.replacement, r.rule_id)
            for r in rewrites if start <= r.start and r.end <= end]


def plan_render(
    script: Script,
    settings: RenderSettings,
    capabilities: Capabilities,
    cache: Container[str] | None = None,
    *,
    regenerate: Collection[str] = (),
) -> RenderPlan:
    """Plan ``script`` (see the module notes). ``cache`` is a :class:`SpeechCache` or anything
    that answers ``key in cache`` (None: nothing is cached). ``regenerate`` holds the ids of
    blocks to make a new take of even if they have a current one (locked blocks are skipped)."""
    if capabilities.model_id != settings.model_id:
        # The limit and stitching would be another model's than the one keyed and spoken.
        raise ValueError(f"capabilities are for {capabilities.model_id}, the settings speak {settings.model_id}")
    planner = _Planner(settings, capabilities, cache)
    regenerate = set(regenerate)
    drafts = [planner.draft(i, b, b.id in regenerate) for i, b in enumerate(script.blocks)]

    # Offsets of every block in the text as heard (context for requests).
    starts: list[int] = []
    position = 0
    for draft in drafts:
        starts.append(position)
        position += len(draft.text) + 2
    text = "\n\n".join(d.text for d in drafts)

    stitching = settings.stitching == "request_ids" and capabilities.supports_stitching()
    if settings.stitching == "request_ids" and not stitching:
        planner.warnings.append(
            f"{settings.model_id} does not support request stitching; neighbouring text is sent instead."
        )
    rate = capabilities.credits_per_character()
    flat: list[tuple[int, int]] = [(b, p) for b, d in enumerate(drafts) for p in range(len(d.parts))]
    request_of: dict[str, int] = {}
    specs: list[RequestSpec] = []
    block_plans: list[BlockPlan] = []
    position_in_flat = 0
    for b, draft in enumerate(drafts):
        parts: list[PartPlan] = []
        for p, (start, end, part_text, key, cached, request_id, created, spoken) in enumerate(draft.parts):
            request: int | None = None
            if key is not None and not cached:
                if key in request_of:
                    request = request_of[key]
                    spec = specs[request]
                    if draft.block.id not in spec.block_ids:
                        specs[request] = _with_block(spec, draft.block.id)
                else:
                    request = request_of[key] = len(specs)
                    previous_text, next_text = request_context(text, starts[b] + start, starts[b] + end,
                                                        settings.context_chars)
                    previous_ids = next_ids = ()
                    if stitching:
                        previous_ids = _neighbour_ids(drafts, flat, position_in_flat, -1)
                        next_ids = _neighbour_ids(drafts, flat, position_in_flat, +1)
                    specs.append(RequestSpec(request, key, part_text, draft.settings or settings, (draft.block.id,), b, p,
                                             previous_text, next_text, previous_ids, next_ids,
                                             credits=len(part_text) * rate))
            parts.append(PartPlan(b, p, start, end, starts[b] + start, starts[b] + end, part_text, key, cached,
                                  request, request_id, created, spoken if spoken is not None and not spoken.is_plain
                                  else None))
            position_in_flat += 1
        block_plans.append(BlockPlan(draft.block.id, b, draft.status, draft.text, tuple(parts), draft.spoken_key,
                                     draft.take_id, draft.variant, draft.missing_audio, recording=draft.recording,
                                     speaker=draft.block.speaker,
                                     settings=None if draft.settings is settings else draft.settings))
    return RenderPlan(settings, capabilities, text, tuple(block_plans), tuple(specs), planner.limit, rate,
                      stitching, tuple(planner.warnings), tuple(planner.problems), tuple(script.chapters()))


def _with_block(spec: RequestSpec, block_id: str) -> RequestSpec:
    return replace(spec, block_ids=(*spec.block_ids, block_id))


def _neighbour_ids(drafts: list[_Draft], flat: list[tuple[int, int]], at: int, step: int) -> tuple[str, ...]:
    """Request ids of up to three parts before (step -1) or after (+1) flat position ``at`` that
    come from takes, nearest first in the walk, stopping at the first that has none (a part
    made in this run, or an id too old to be honoured)."""
    now = time.time()
    ids: list[str] = []
    j = at + step
    while 0 <= j < len(flat) and len(ids) < MAX_REQUEST_IDS:
        b, p = flat[j]
        draft = drafts[b]
        _, _, _, key, cached, request_id, created, _ = draft.parts[p]
        j += step
        if key is None and draft.status is not BlockStatus.LOCKED:
            continue  # nothing spoken there
        from_take = draft.status in (BlockStatus.TAKE, BlockStatus.LOCKED) and cached
        if not from_take or not request_id or now - created > REQUEST_ID_MAX_AGE:
            break
        ids.append(request_id)
    if step < 0:
        ids.reverse()  # the API wants them in script order
    return tuple(ids)
