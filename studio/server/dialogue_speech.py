"""One Text to Dialogue request spoken by the offline engine: each input with its own voice.

The inputs are spoken one after another into ONE encoder (a single mp3/wav/opus stream, not
one file per speaker glued together). Every engine chunk becomes a :class:`DialoguePiece`
whose alignment is absolute over the whole dialogue: times from the start of the first input,
and its characters continue the characters before it (the inputs' texts concatenated, no
separator). Each piece with characters carries one ``voice_segment`` for them:
``character_start_index``/``character_end_index`` (exclusive) index the ``alignment`` array of
the whole dialogue, times are absolute, ``dialogue_input_index`` is the input's index. The spec
leaves open which array the indexes point into and whether stream times are absolute
(ENDPOINTS-NARRATION.md §1.1, "not in spec"); these are the choices here, and the studio's
client copes with one segment per chunk or per input.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from studio.api.models import VoiceSettings
from studio.cancel import CancelToken
from studio.core.script.spoken import Rewrite, SpokenText
from studio.server.encoders import Encoder, make_encoder
from studio.server.formats import OutputFormat
from studio.server.pronounce import InputAlignment
from studio.server.synthesis import AudioPiece, EngineStream, open_stream


@dataclass
class Turn:
    """One dialogue input as the engine speaks it."""

    index: int
    voice_id: str
    engine_voice_id: str
    spoken: SpokenText
    rewritten: list[Rewrite]


@dataclass
class DialoguePiece:
    audio: bytes
    alignment: dict[str, list[Any]] | None
    normalized_alignment: dict[str, list[Any]] | None
    voice_segments: list[dict[str, Any]] = field(default_factory=list)


def _shifted(alignment: dict[str, list[Any]] | None, seconds: float) -> dict[str, list[Any]] | None:
    if alignment is None:
        return None
    return {
        "characters": list(alignment["characters"]),
        "character_start_times_seconds": [round(t + seconds, 4) for t in alignment["character_start_times_seconds"]],
        "character_end_times_seconds": [round(t + seconds, 4) for t in alignment["character_end_times_seconds"]],
    }


class DialogueStream:
    """The pieces of a whole dialogue, input by input (see the module notes)."""

    def __init__(self, engine_provider: Any, turns: list[Turn], fmt: OutputFormat,
                 settings: VoiceSettings | None, seed: int | None, v3_tags: bool) -> None:
        self.engine_provider = engine_provider
        self.turns = turns
        self.fmt = fmt
        self.settings = settings
        self.seed = seed
        self.v3_tags = v3_tags
        self._encoder: Encoder = make_encoder(fmt)
        # Each input's engine stream hands over raw PCM at the output rate; one encoder here.
        self._pcm = OutputFormat("pcm", fmt.sample_rate)
        self._current: EngineStream | None = None
        #: Cancelled when the client goes away: stops the input being spoken and the rest.
        self.cancel = CancelToken()

    async def _open(self, turn: Turn) -> EngineStream:
        stream = await open_stream(self.engine_provider, turn.engine_voice_id, turn.spoken.text,
                                   self.settings, self.seed, self._pcm, v3_tags=self.v3_tags)
        if not turn.spoken.is_plain:
            stream.remap = InputAlignment(turn.spoken, turn.rewritten)
        self.cancel.on_cancel(stream.cancel.cancel)
        return stream

    async def first_stream(self) -> None:
        """Open the first input's engine before answering (an engine failure is a clean 500)."""
        self._current = await self._open(self.turns[0])

    async def pieces(self) -> AsyncIterator[DialoguePiece]:
        samples_done = 0
        characters_done = 0
        try:
            for position, turn in enumerate(self.turns):
                if self.cancel.cancelled:
                    return
                stream = self._current if position == 0 and self._current is not None else await self._open(turn)
                self._current = stream
                offset = samples_done / self.fmt.sample_rate
                async for piece in stream.pieces():
                    yield self._piece(piece, turn, offset, characters_done)
                    characters_done += len(piece.alignment["characters"]) if piece.alignment else 0
                    samples_done += len(piece.audio) // 2
            tail = self._encoder.finish()
            if tail:
                yield DialoguePiece(tail, None, None)
        finally:
            self.cancel.cancel()

    def _piece(self, piece: AudioPiece, turn: Turn, offset: float, characters_done: int) -> DialoguePiece:
        encoded = self._encoder.feed(np.frombuffer(piece.audio, dtype="<i2"))
        alignment = _shifted(piece.alignment, offset)
        segments: list[dict[str, Any]] = []
        if alignment and alignment["characters"]:
            segments.append({
                "voice_id": turn.voice_id,
                "start_time_seconds": alignment["character_start_times_seconds"][0],
                "end_time_seconds": alignment["character_end_times_seconds"][-1],
                "character_start_index": characters_done,
                "character_end_index": characters_done + len(alignment["characters"]),
                "dialogue_input_index": turn.index,
            })
        return DialoguePiece(encoded, alignment, _shifted(piece.normalized_alignment, offset), segments)


def merge_segments(pieces: list[DialoguePiece]) -> list[dict[str, Any]]:
    """One segment per run of the same input (what ``/with-timestamps`` answers in one object)."""
    merged: list[dict[str, Any]] = []
    for segment in (s for p in pieces for s in p.voice_segments):
        last = merged[-1] if merged else None
        if last is not None and last["dialogue_input_index"] == segment["dialogue_input_index"]:
            last["end_time_seconds"] = segment["end_time_seconds"]
            last["character_end_index"] = segment["character_end_index"]
        else:
            merged.append(dict(segment))
    return merged
