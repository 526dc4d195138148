"""Cutting one dialogue answer back into paragraphs (studio.core.dialogue), pure computation."""

from __future__ import annotations

from studio.api.dialogue import DialogueChunk, VoiceSegment
from studio.api.dialogue_client import DialogueResult
from studio.api.models import CharacterAlignment, SpeechChunk
from studio.api.streaming import ResponseInfo
from studio.core.dialogue import DialogueLine, DialogueRun, split_dialogue

RATE = 1000  # samples a second: easy arithmetic
RUN = DialogueRun((DialogueLine(0, "k0", "Hi.", "a"), DialogueLine(1, "k1", "Yo!", "b")))


def _chunk(chars: str, t0: float, segments: list[VoiceSegment]) -> DialogueChunk:
    n = len(chars)
    alignment = CharacterAlignment(characters=list(chars),
                                   character_start_times_seconds=[t0 + 0.1 * k for k in range(n)],
                                   character_end_times_seconds=[t0 + 0.1 * (k + 1) for k in range(n)])
    audio = b"\x05\x00" * int(round(0.1 * n * RATE))
    return DialogueChunk(SpeechChunk(audio=audio, alignment=alignment), segments)


def _segment(index: int, lo: int, hi: int, t0: float, t1: float) -> VoiceSegment:
    return VoiceSegment(voice_id="ab"[index], start_time_seconds=t0, end_time_seconds=t1,
                        character_start_index=lo, character_end_index=hi, dialogue_input_index=index)


def _check(result: DialogueResult) -> None:
    first, second = split_dialogue(RUN, result, RATE)
    assert first.alignment is not None and second.alignment is not None
    assert first.alignment.characters == list("Hi.") and second.alignment.characters == list("Yo!")
    assert second.alignment.character_start_times_seconds[0] == 0.0  # each paragraph on its own clock
    assert len(first.pcm) == len(second.pcm) == 2 * 300  # 0.3 s each, cut where "Yo!" starts
    assert first.character_cost == second.character_cost == 3.0  # the request's cost, shared by characters
    assert first.request_id == second.request_id == "r"


def test_split_by_voice_segments() -> None:
    chunks = [_chunk("Hi.", 0.0, [_segment(0, 0, 3, 0.0, 0.3)]), _chunk("Yo!", 0.3, [_segment(1, 3, 6, 0.3, 0.6)])]
    _check(DialogueResult(chunks, ResponseInfo(request_id="r", character_cost=6)))


def test_split_by_the_matcher_when_the_server_sends_no_segments() -> None:
    chunks = [_chunk("Hi.", 0.0, []), _chunk("Yo!", 0.3, [])]
    _check(DialogueResult(chunks, ResponseInfo(request_id="r", character_cost=6)))
