"""History audio as takes: what Rebuild and "Add as take" do once the match is known. No credits.

* :func:`fetch_found_takes` — for each paragraph :func:`~studio.core.history_match.match_history`
  found, download its items' audio (``fetch_audio(history_item_id) -> bytes``, e.g.
  ``client.get_history_audio``), decode it to the render format, store it in the speech cache
  under the keys the plan gives those parts, and make the take the plan would have made
  (:meth:`RenderPlan.take_from`, or :meth:`RenderPlan.take_of_whole` for one item that holds a
  paragraph the plan splits). Play and Export then find the audio without a request.
  A paragraph whose audio cannot be had (deleted meanwhile, damaged) is listed in
  ``failures`` with its error and left as it was; the others still get their takes.
* :func:`add_history_item_as_take` — one item (its audio already downloaded) as a take of every
  paragraph whose text it says; with the render's voice and model the take is current
  (Play uses it), with another voice or model it is kept beside the others as that voice's take.

Threads: both block (network, decoding, disk). A CLI passes ``script`` and ``record=True``; a
GUI, whose Script belongs to its own thread, applies ``result.takes`` there with
:func:`apply_takes`. Qt-free.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from studio.api.formats import parse_output_format
from studio.api.models import CharacterAlignment, HistoryItem, lenient_voice_settings
from studio.cancel import CancelToken
from studio.core.audio_decode import decode_to_pcm
from studio.core.cache import CachedSpeech, SpeechCache
from studio.core.history_match import FoundBlock, HistoryMatch, history_text
from studio.core.script import Capabilities, RenderPlan, RenderSettings, Script, Take, plan_render
from studio.core.script.document import Block
from studio.errors import StudioError

__all__ = ["NoMatchingParagraphError", "RebuildResult", "add_history_item_as_take", "apply_takes",
           "fetch_found_takes", "speech_from_history"]

FetchAudio = Callable[[str], bytes]


class NoMatchingParagraphError(StudioError):
    """No paragraph of the script says what the history item says."""


@dataclass
class RebuildResult:
    #: Block id → the take made of it (already added to the script when ``record`` was set).
    takes: dict[str, Take] = field(default_factory=dict)
    #: Block id → why its audio could not be had (the paragraph is left as it was).
    failures: dict[str, StudioError] = field(default_factory=dict)
    downloaded_bytes: int = 0


def _alignment(value: CharacterAlignment | None, text: str | None) -> CharacterAlignment | None:
    """An alignment to keep: it must spell ``text`` when given (else the times would point elsewhere)."""
    if value is None or not value.characters:
        return None
    if text is not None and "".join(value.characters) != text:
        return None
    return value


def speech_from_history(item: HistoryItem, audio: bytes, output_format: str, text: str | None) -> CachedSpeech:
    """``audio`` of ``item`` (an audio file) as a cache entry in the PCM ``output_format``."""
    fmt = parse_output_format(output_format)
    if not fmt.is_pcm:
        raise ValueError(f"the speech cache holds PCM, not {output_format}")
    alignments = item.alignments
    return CachedSpeech(
        pcm=decode_to_pcm(audio, fmt.sample_rate),
        sample_rate=fmt.sample_rate,
        alignment=_alignment(alignments.alignment if alignments else None, text),
        normalized_alignment=_alignment(alignments.normalized_alignment if alignments else None, None),
        request_id=item.request_id,
        created_unix=float(item.date_unix or 0),
        character_cost=float(item.characters) if item.characters is not None else None,
    )


def _take_for(plan: RenderPlan, found: FoundBlock, fetch_audio: FetchAudio, cache: SpeechCache,
              result: RebuildResult) -> Take:
    block = plan.block(found.block_id)
    output_format = plan.settings.output_format

    def fetched(item: HistoryItem, text: str) -> CachedSpeech:
        audio = fetch_audio(item.history_item_id)
        result.downloaded_bytes += len(audio)
        return speech_from_history(item, audio, output_format, text)

    if found.whole:
        speech = fetched(found.items[0], block.text)
        assert block.spoken_key is not None
        cache.put(block.spoken_key, speech)
        return plan.take_of_whole(block.block_id, speech)
    items = iter(found.items)
    speeches: list[CachedSpeech | None] = []
    for part in block.parts:
        if part.key is None:
            speeches.append(None)
        elif part.request is None:
            made = cache.get(part.key)  # made before (another paragraph, an earlier run)
            if made is None:
                raise StudioError(f"Part of paragraph {block.index + 1} left the speech cache meanwhile",
                                  "Rebuild from history again; nothing was spent.")
            speeches.append(made)
        else:
            speech = fetched(next(items), part.text)
            cache.put(part.key, speech)
            speeches.append(speech)
    return plan.take_from(block.block_id, speeches)


def fetch_found_takes(match: HistoryMatch, fetch_audio: FetchAudio, cache: SpeechCache, *,
                      script: Script | None = None, record: bool = False, cancel: CancelToken | None = None,
                      on_take: Callable[[str, Take], None] | None = None) -> RebuildResult:
    """Fill the takes of every found paragraph (see the module notes). Raises Cancelled."""
    result = RebuildResult()
    for found in match.found:
        if cancel is not None:
            cancel.raise_if_cancelled()
        try:
            take = _take_for(match.plan, found, fetch_audio, cache, result)
        except StudioError as error:
            result.failures[found.block_id] = error
            continue
        result.takes[found.block_id] = take
        if record and script is not None:
            apply_takes(script, {found.block_id: take})
        if on_take is not None:
            on_take(found.block_id, take)
    return result


def apply_takes(script: Script, takes: dict[str, Take]) -> int:
    """Add ``takes`` to their blocks (chosen, unless a block is locked); returns how many were
    added. A block deleted meanwhile is skipped."""
    added = 0
    for block_id, take in takes.items():
        try:
            script.add_take(block_id, take)
        except KeyError:
            continue
        added += 1
    return added


def add_history_item_as_take(item: HistoryItem, audio: bytes, script: Script, settings: RenderSettings,
                             capabilities: Capabilities, cache: SpeechCache) -> list[tuple[str, Take]]:
    """``item`` as a take of each paragraph that says its text: ``[(block id, take)]``, not yet
    added (see :func:`apply_takes`). Raises NoMatchingParagraphError when none does."""
    text = history_text(item)
    blocks = [b for b in script if text is not None and b.text == text]
    if not blocks or text is None:
        raise NoMatchingParagraphError(
            "No paragraph of the script says exactly what this history item says",
            "Add it where its text is, or edit the paragraph to say the same; nothing was changed.")
    own = item.voice_id == settings.voice_id and item.model_id == settings.model_id
    if not own:
        # Another voice or model: keyed as what it is, so it never passes for the render's voice.
        settings = replace(settings, voice_id=item.voice_id or settings.voice_id,
                           model_id=item.model_id or settings.model_id,
                           voice_settings=lenient_voice_settings(item.settings))
        capabilities = replace(capabilities, model_id=settings.model_id, model=None)
    probe = Block(text)
    plan = plan_render(Script([probe]), settings, capabilities, cache)
    block = plan.block(probe.id)
    speech = speech_from_history(item, audio, settings.output_format, text)
    # One request said the whole paragraph: keyed as the paragraph (for a paragraph the plan
    # keeps in one part that is also the part's key, so Play and Export find it either way).
    assert block.spoken_key is not None
    cache.put(block.spoken_key, speech)
    take = plan.take_of_whole(probe.id, speech)
    return [(b.id, take) for b in blocks]
