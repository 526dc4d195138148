"""Text to Dialogue in the render: runs of speakers in one request, split back into paragraphs.

With a model whose capability says ``dialogue`` (:attr:`Capabilities.dialogue`), consecutive
paragraphs that need generating, each one request of its own in the plan and spoken by
different voices, are sent as ONE ``/v1/text-to-dialogue/stream/with-timestamps`` request
(:func:`dialogue_runs`): at most :data:`~studio.api.dialogue.MAX_DIALOGUE_VOICES` distinct
voices and at most the plan's per-request character limit, else the run is split between
paragraphs. A paragraph in several parts, a cached or locked one, or a run with a single voice
is left to the ordinary one-request-per-part path.

The answer is cut back into one :class:`~studio.core.cache.CachedSpeech` per paragraph
(:func:`split_dialogue`): its characters are those of the ``voice_segments`` with its
``dialogue_input_index`` (or, from a server that sends none, where the one matcher
:func:`studio.core.alignment_map.map_alignment_to_text` places them in the inputs' text), its
audio runs from its first character to the next paragraph's first, and its times start at 0.
Each is stored under the paragraph's OWN cache key (the plan's key of its part), so the run
that follows finds every paragraph cached and makes takes, highlight and subtitles from it
exactly as for single-voice speech; Play and Export share it, and nothing is paid twice.

:func:`prerender_dialogue` is what :meth:`LongformGenerator.run` calls first, on its worker
thread. A run that fails raises; the runs before it stay in the cache.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from studio.api.errors import ApiError, VoiceNotFoundError
from studio.api.dialogue import MAX_DIALOGUE_VOICES, DialogueChunk, DialogueInput, DialogueRequest
from studio.api.models import CharacterAlignment
from studio.core.alignment_map import map_alignment_to_text
from studio.core.cache import CachedSpeech, SpeechCache
from studio.core.script.plan import BlockStatus, RenderPlan
from studio.errors import StudioError

if TYPE_CHECKING:
    from studio.api.dialogue_client import DialogueResult
    from studio.cancel import CancelToken
    from studio.core.run_plan import Plan

__all__ = ["DialogueLine", "DialogueRun", "check_voices", "dialogue_runs", "prerender_dialogue", "split_dialogue"]


class DialogueBackend(Protocol):
    def dialogue_with_timestamps(self, request: DialogueRequest, output_format: str,
                                 cancel: Any = None) -> DialogueResult: ...


@dataclass(frozen=True)
class DialogueLine:
    """One paragraph of a run: its plan position, key, request text and voice."""

    block_index: int
    key: str
    text: str
    voice_id: str


@dataclass(frozen=True)
class DialogueRun:
    lines: tuple[DialogueLine, ...]

    @property
    def voices(self) -> set[str]:
        return {line.voice_id for line in self.lines}

    @property
    def characters(self) -> int:
        return sum(len(line.text) for line in self.lines)

    def request(self, plan: RenderPlan) -> DialogueRequest:
        s = plan.settings
        stability = s.voice_settings.stability if s.voice_settings is not None else None
        locators = [{"pronunciation_dictionary_id": loc.pronunciation_dictionary_id, "version_id": loc.version_id}
                    for loc in s.pronunciation_locators] or None
        return DialogueRequest(
            inputs=[DialogueInput(text=line.text, voice_id=line.voice_id) for line in self.lines],
            model_id=s.model_id, language_code=s.language_code, seed=s.seed,
            settings={"stability": stability} if stability is not None else None,
            pronunciation_dictionary_locators=locators,
        )


def _line(plan: RenderPlan, block_index: int) -> DialogueLine | None:
    """The block as a dialogue line, or None when it is not one request of its own to make."""
    block = plan.blocks[block_index]
    spoken = [p for p in block.parts if p.key is not None]
    if block.status is not BlockStatus.NEEDS_GENERATION or len(spoken) != 1 or spoken[0].request is None:
        return None
    part = spoken[0]
    spec = plan.requests[part.request]  # type: ignore[index]
    if spec.block_ids != (block.block_id,):
        return None  # the same words elsewhere share the request: leave it to the TTS path
    return DialogueLine(block_index, part.key, part.text, spec.settings.voice_id)  # type: ignore[arg-type]


def dialogue_runs(plan: RenderPlan) -> list[DialogueRun]:
    """The dialogue requests ``plan`` needs (see the module notes); [] unless the model takes dialogue."""
    if not plan.capabilities.dialogue:
        return []
    runs: list[DialogueRun] = []
    current: list[DialogueLine] = []

    def close() -> None:
        if len({line.voice_id for line in current}) >= 2:  # one voice: plain TTS is the same
            runs.append(DialogueRun(tuple(current)))
        current.clear()

    for index in range(len(plan.blocks)):
        line = _line(plan, index)
        if line is None:
            close()
            continue
        voices = {c.voice_id for c in current} | {line.voice_id}
        if current and (len(voices) > MAX_DIALOGUE_VOICES
                        or sum(len(c.text) for c in current) + len(line.text) > plan.character_limit):
            close()  # split between paragraphs, never inside one
        current.append(line)
    close()
    return runs


def _input_spans(run: DialogueRun, chunks: Sequence[DialogueChunk], characters: list[str]) -> list[tuple[int, int]]:
    """Each input's ``[start, end)`` in the dialogue's characters."""
    spans: list[list[int]] = [[len(characters), 0] for _ in run.lines]
    segments = [s for c in chunks for s in c.voice_segments]
    if segments:
        for s in segments:
            if 0 <= s.dialogue_input_index < len(spans):
                span = spans[s.dialogue_input_index]
                span[0], span[1] = min(span[0], s.character_start_index), max(span[1], s.character_end_index)
    else:
        joined = "".join(line.text for line in run.lines)
        bounds, position = [], 0
        for line in run.lines:
            bounds.append((position, position + len(line.text)))
            position += len(line.text)
        for k, at in enumerate(map_alignment_to_text(characters, joined)):
            if at is None:
                continue
            i = next(n for n, (lo, hi) in enumerate(bounds) if lo <= at < hi or n == len(bounds) - 1)
            spans[i][0], spans[i][1] = min(spans[i][0], k), max(spans[i][1], k + 1)
    # An input with no characters (never expected) gets an empty span where it would be.
    fixed, last = [], 0
    for lo, hi in spans:
        if hi <= lo:
            lo = hi = last
        fixed.append((lo, hi))
        last = hi
    return fixed


def _cut(alignment: CharacterAlignment, lo: int, hi: int, shift: float) -> CharacterAlignment:
    return CharacterAlignment(
        characters=alignment.characters[lo:hi],
        character_start_times_seconds=[max(0.0, round(t - shift, 4)) for t in alignment.character_start_times_seconds[lo:hi]],
        character_end_times_seconds=[max(0.0, round(t - shift, 4)) for t in alignment.character_end_times_seconds[lo:hi]],
    )


def _joined(chunks: Sequence[DialogueChunk], name: str) -> CharacterAlignment:
    whole = CharacterAlignment()
    for chunk in chunks:
        part = getattr(chunk.speech, name)
        if part is not None:
            whole.characters += part.characters
            whole.character_start_times_seconds += part.character_start_times_seconds
            whole.character_end_times_seconds += part.character_end_times_seconds
    return whole


def split_dialogue(run: DialogueRun, result: DialogueResult, sample_rate: int,
                   credits_per_character: float = 1.0) -> list[CachedSpeech]:
    """One speech per line of ``run`` from the dialogue's answer (see the module notes)."""
    pcm = result.audio[: len(result.audio) // 2 * 2]
    total_seconds = len(pcm) / 2 / sample_rate
    alignment = _joined(result.chunks, "alignment")
    normalized = _joined(result.chunks, "normalized_alignment")
    spans = _input_spans(run, result.chunks, alignment.characters)
    starts = [alignment.character_start_times_seconds[lo] if hi > lo else None for lo, hi in spans]
    cuts = [0.0]
    for i in range(1, len(spans)):
        cuts.append(starts[i] if starts[i] is not None else cuts[-1])
    cuts.append(total_seconds)
    cost = result.info.character_cost
    speeches = []
    for i, (line, (lo, hi)) in enumerate(zip(run.lines, spans, strict=True)):
        t0, t1 = cuts[i], max(cuts[i], cuts[i + 1])
        a, b = round(t0 * sample_rate) * 2, round(t1 * sample_rate) * 2
        n_lo = next((k for k, t in enumerate(normalized.character_start_times_seconds) if t >= t0 - 1e-6),
                    len(normalized.characters))
        n_hi = next((k for k, t in enumerate(normalized.character_start_times_seconds) if t >= t1 - 1e-6),
                    len(normalized.characters)) if i + 1 < len(run.lines) else len(normalized.characters)
        share = len(line.text) / max(1, run.characters)
        speeches.append(CachedSpeech(
            pcm=pcm[a:b], sample_rate=sample_rate,
            alignment=_cut(alignment, lo, hi, t0),
            normalized_alignment=_cut(normalized, n_lo, n_hi, t0) if normalized.characters else None,
            request_id=result.info.request_id,
            character_cost=(cost * share) if cost is not None else len(line.text) * credits_per_character,
        ))
    return speeches


def _paragraphs(numbers: Sequence[int]) -> str:
    shown = ", ".join(str(n) for n in numbers[:3])
    more = f" and {len(numbers) - 3} more" if len(numbers) > 3 else ""
    return f"Paragraph{'s' if len(numbers) > 1 else ''} {shown}{more}"


def check_voices(render: RenderPlan, backend: object) -> None:
    """Before any speech is requested: every cast voice the plan will speak with is still in
    the account (``GET /v1/voices/{id}``, which costs nothing). Raises a StudioError naming the
    paragraphs and what to do. The plan's own voice (the one chosen in the window or on the
    command line) is not checked, so a one-voice script sends nothing extra."""
    needed: dict[str, list[int]] = {}
    for spec in render.requests:
        if spec.settings.voice_id != render.settings.voice_id:
            needed.setdefault(spec.settings.voice_id, []).append(spec.block_index + 1)
    get_voice = getattr(backend, "get_voice", None)
    if not needed or get_voice is None:
        return
    for voice_id, numbers in needed.items():
        try:
            get_voice(voice_id)
        except VoiceNotFoundError:
            raise StudioError(
                f"{_paragraphs(sorted(set(numbers)))}: the voice {voice_id} is no longer in your account",
                "Choose another voice for that speaker in the Cast panel, then play or export again; "
                "nothing was generated or charged, and the paragraphs already made are kept.",
            ) from None


def prerender_dialogue(plan: Plan, backend: object, cache: SpeechCache | None,
                       cancel: CancelToken | None = None) -> int:
    """Check the voices (:func:`check_voices`), then make every dialogue run of ``plan.render``
    and cache each paragraph under its own key; marks those segments cached in ``plan``.
    Returns the number of dialogue requests sent."""
    render = plan.render
    if render is None:
        return 0
    check_voices(render, backend)
    sender = getattr(backend, "dialogue_with_timestamps", None)
    if cache is None or sender is None:
        return 0
    sent = 0
    for run in dialogue_runs(render):
        if cancel is not None and cancel.cancelled:
            break
        if all(line.key in cache for line in run.lines):
            continue
        try:
            result = sender(run.request(render), render.settings.output_format, cancel)
        except ApiError as error:
            numbers = [line.block_index + 1 for line in run.lines]
            raise ApiError(f"{_paragraphs(numbers)} (one dialogue request): {error.cause}", error.remedy,
                           status_code=error.status_code, api_status=error.api_status) from error
        sent += 1
        for line, speech in zip(run.lines, split_dialogue(run, result, plan.sample_rate,
                                                          render.credits_per_character), strict=True):
            cache.put(line.key, speech)
    for i, key in enumerate(plan.keys):
        if key is not None and not plan.cached[i] and key in cache:
            plan.cached[i] = True
    return sent
