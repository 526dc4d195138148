"""One block's audio into the take the player plays: from its take or the cache, or streamed.

Used by :func:`studio.playback.stream_job.play_job` (see there for the whole job); this
module is the per-block part:

* a part whose audio is in the cache (a take's part, or one made by an earlier Play or
  Export, or by the same paragraph elsewhere) is pushed from there in small pieces, so
  playback starts at once; audio recorded at another rate (a locked take made with another
  engine) is resampled to the track's rate;
* any other part is streamed from ``plan.spec_for(part).to_request()``: ``stream.close`` is
  registered with the cancel token (Stop interrupts a blocked network read at once), chunks
  go into the take and their timings (absolute from the start of the request) are yielded
  shifted by the audio before them;
* a part whose stream ended by itself (``stream.completed``; never one closed early) is
  stored in the cache under the part's key straight from the take, the one copy of the audio;
* once every spoken part of a ``cached`` or ``needs_generation`` block has its audio, the
  block's new take is yielded (:class:`TakeMade`). A ``take`` block whose take is not the
  chosen one yields that take too: what was heard becomes the choice, as in every render.

A locked block is never generated: if its take's audio left the cache, it stays silent.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Generator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from studio.api.models import CharacterAlignment
from studio.core.alignment_clock import AlignedPiece
from studio.core.cache import CachedSpeech
from studio.cancel import CancelToken
from studio.core.script import BlockStatus
from studio.playback.pcm_buffer import PcmBuffer

if TYPE_CHECKING:
    from studio.core.backend import SynthesisBackend
    from studio.core.cache import SpeechCache
    from studio.core.script import Block, BlockPlan, PartPlan, RenderPlan, Take
    from studio.core.script.spoken import SpokenText

log = logging.getLogger(__name__)

#: Audio from the cache is handed over in pieces of this many bytes so playback starts at once.
_CACHE_PIECE_BYTES = 48_000
BYTES_PER_FRAME = 2


@dataclass(frozen=True)
class StreamProgress:
    """Audio arrived: its timings (if any, in track seconds) and the audio received so far.

    ``block_index`` and ``text_start`` say where the timed text is: the part's text starts at
    ``text_start`` in the text of block ``block_index``. ``spoken``: what the part's request
    said when it is not the script's text (pause tags, rewritten words), to map timings back.
    """

    piece: AlignedPiece | None
    received_seconds: float
    block_index: int = 0
    text_start: int = 0
    spoken: SpokenText | None = None


@dataclass(frozen=True)
class TakeMade:
    """A block's take, made (or chosen) by this Play: the GUI adds it to its document."""

    block_id: str
    take: Take


def _shifted(piece: AlignedPiece | None, offset: float) -> AlignedPiece | None:
    if piece is None or not offset:
        return piece
    return AlignedPiece(piece.characters, tuple(t + offset for t in piece.starts), tuple(t + offset for t in piece.ends))


def _joined(pieces: list[AlignedPiece]) -> CharacterAlignment | None:
    """One alignment of a part's pieces (None when the engine sent no timings)."""
    if not pieces:
        return None
    return CharacterAlignment(characters=[c for p in pieces for c in p.characters],
                              character_start_times_seconds=[t for p in pieces for t in p.starts],
                              character_end_times_seconds=[t for p in pieces for t in p.ends])


def _meta(speech: CachedSpeech) -> CachedSpeech:
    """What a take needs of a part's speech (its id, age and cost) without holding its audio."""
    return CachedSpeech(pcm=b"", sample_rate=speech.sample_rate, request_id=speech.request_id,
                        created_unix=speech.created_unix, character_cost=speech.character_cost)


class BlockPlayer:
    """Plays blocks of ``plan`` one after another into ``buffer`` (one track at ``rate``)."""

    def __init__(self, token: CancelToken, backend: SynthesisBackend, plan: RenderPlan, buffer: PcmBuffer,
                 cache: SpeechCache | None, rate: int) -> None:
        self._token = token
        self._backend = backend
        self._plan = plan
        self._buffer = buffer
        self._cache = cache
        self._rate = rate
        self._received = 0  # bytes handed to the take so far
        #: (block index, part index) → request id of parts heard in this run (for stitching).
        self._made_ids: dict[tuple[int, int], str] = {}

    @property
    def seconds(self) -> float:
        return (self._received // BYTES_PER_FRAME) / self._rate

    def play(self, block: BlockPlan, stored: Block) -> Generator[StreamProgress | TakeMade, None, bool]:
        """Push ``block``'s audio; returns whether all of it is in the cache now."""
        if block.missing_audio:
            return False
        if block.status is BlockStatus.NOTHING_TO_SPEAK:
            for part in block.parts:
                self._silence(part)  # only pause tags: silence, made here
            return True
        speeches: list[CachedSpeech | None] = []
        for part in block.parts:
            speech = None
            if part.key is not None:
                speech = yield from self._part(block, part)
            else:
                self._silence(part)
            speeches.append(speech)
        complete = all(s is not None for s, p in zip(speeches, block.parts, strict=True) if p.key is not None)
        if complete and block.status in (BlockStatus.CACHED, BlockStatus.NEEDS_GENERATION):
            yield TakeMade(block.block_id, self._plan.take_from(block.block_id, speeches))
        elif block.status is BlockStatus.TAKE and block.take_id != stored.chosen_take_id and not stored.locked:
            take = stored.take(block.take_id) if block.take_id else None
            if take is not None:
                yield TakeMade(block.block_id, take)
        return complete

    # -- one part --------------------------------------------------------------------------------

    def _part(self, block: BlockPlan, part: PartPlan) -> Generator[StreamProgress, None, CachedSpeech | None]:
        """The part's audio (cache first); its speech's details, or None if it is not complete."""
        assert part.key is not None
        self._token.raise_if_cancelled()
        cached = self._cache.get(part.key) if self._cache is not None else None
        if cached is not None:
            yield from self._push_cached(cached, block.index, part.start, part.spoken)
            if cached.request_id:
                self._made_ids[(block.index, part.index)] = cached.request_id
            return _meta(cached)
        if block.never_generated:
            return None  # its audio left the cache after planning: a locked take or a recording is never remade
        return (yield from self._stream(block, part))

    def _push_cached(self, cached: CachedSpeech, block_index: int, text_start: int,
                     spoken: SpokenText | None = None) -> Generator[StreamProgress, None, None]:
        offset = self.seconds
        pcm = cached.pcm
        if cached.sample_rate != self._rate:
            from studio.core.audio import resample

            pcm = resample(pcm, cached.sample_rate, self._rate)
        # Stored timings start at the part's beginning: placed after the audio before it.
        piece = AlignedPiece.from_alignment(cached.alignment, offset)
        for start in range(0, len(pcm), _CACHE_PIECE_BYTES):
            self._token.raise_if_cancelled()
            chunk = pcm[start : start + _CACHE_PIECE_BYTES]
            self._buffer.push(chunk, self._token)
            self._received += len(chunk)
            yield StreamProgress(piece if start == 0 else None, self.seconds, block_index, text_start, spoken)
        if len(pcm) % BYTES_PER_FRAME:
            self._pad()

    def _stream(self, block: BlockPlan, part: PartPlan) -> Generator[StreamProgress, None, CachedSpeech | None]:
        spec = self._plan.spec_for(part)
        request = spec.to_request(self._previous_ids(block, part, spec.previous_request_ids))
        token, buffer = self._token, self._buffer
        offset = self.seconds
        part_start = buffer.size  # where this part's audio begins in the take
        part_bytes = 0
        written: list[AlignedPiece] = []
        spoken: list[AlignedPiece] = []  # the normalized alignment (the text as spoken), kept for timing QA
        stream = self._backend.stream_with_timestamps(request)
        unregister = token.on_cancel(stream.close)
        try:
            for chunk in stream:
                token.raise_if_cancelled()
                # Times from the start of this request: stored so, so the entry is right wherever
                # the part is heard; played shifted by the audio before it.
                piece = AlignedPiece.from_alignment(chunk.alignment)
                if chunk.audio:
                    buffer.push(chunk.audio, token)
                    part_bytes += len(chunk.audio)
                    self._received = part_start + part_bytes - part_bytes % BYTES_PER_FRAME
                if piece is not None:
                    written.append(piece)
                said = AlignedPiece.from_alignment(chunk.normalized_alignment)
                if said is not None:
                    spoken.append(said)
                yield StreamProgress(_shifted(piece, offset), self.seconds, block.index, part.start, part.spoken)
            token.raise_if_cancelled()
            # A stream closed early (an engine switch, a disconnect) may end without an error:
            # only one that ended by itself is kept.
            completed = stream.completed
        finally:
            unregister()
            stream.close()
        self._received = part_start + part_bytes
        if part_bytes % BYTES_PER_FRAME:
            self._pad()  # never let a half frame at the end of one request shift every later sample
        if not (completed and part_bytes and self._cache is not None):
            return None
        info = getattr(stream, "info", None)
        request_id = getattr(info, "request_id", None)
        cost = getattr(info, "character_cost", None)
        speech = CachedSpeech(pcm=b"", sample_rate=self._rate, request_id=request_id, created_unix=time.time(),
                              character_cost=float(cost) if cost is not None else spec.credits)
        with buffer.view(part_start, part_start + part_bytes - part_bytes % BYTES_PER_FRAME) as pcm:
            if not self._store(part.key, pcm, speech, _joined(written), _joined(spoken)):
                return None
        if request_id:
            self._made_ids[(block.index, part.index)] = request_id
        return speech

    def _silence(self, part: PartPlan) -> None:
        """A part with nothing to send but pause tags: its pauses as silence in the track."""
        seconds = part.spoken.pause_seconds if part.spoken is not None else 0.0
        frames = round(seconds * self._rate)
        if frames:
            self._token.raise_if_cancelled()
            self._buffer.push(bytes(frames * BYTES_PER_FRAME), self._token)
            self._received += frames * BYTES_PER_FRAME

    def _pad(self) -> None:
        self._buffer.push(b"\0", self._token)
        self._received += 1

    def _previous_ids(self, block: BlockPlan, part: PartPlan, planned: tuple[str, ...]) -> list[str] | None:
        """With request stitching: the ids of the parts just before this one made in this run,
        when the plan could not know them (it names only ids of existing takes)."""
        if not self._plan.stitching or planned:
            return None
        flat = [(p.block_index, p.index) for p in self._plan.parts if p.key is not None]
        at = flat.index((block.index, part.index))
        ids: list[str] = []
        for key in reversed(flat[max(0, at - 3) : at]):
            found = self._made_ids.get(key)
            if found is None:
                break
            ids.append(found)
        return list(reversed(ids)) or None

    def _store(self, key: str | None, pcm: memoryview, speech: CachedSpeech, alignment: CharacterAlignment | None,
               normalized: CharacterAlignment | None) -> bool:
        assert key is not None and self._cache is not None
        entry = CachedSpeech(pcm=pcm, sample_rate=self._rate, alignment=alignment,  # type: ignore[arg-type]
                             normalized_alignment=normalized,
                             request_id=speech.request_id, created_unix=speech.created_unix,
                             character_cost=speech.character_cost)
        try:
            # ``pcm`` is a view of the take: the cache writes it out without keeping it.
            return bool(self._cache.put(key, entry))
        except Exception:  # noqa: BLE001 - a cache that cannot write must not spoil playback
            log.warning("could not store speech in the cache", exc_info=True)
            return False
