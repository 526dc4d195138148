"""The work a playback worker does off the GUI thread: play blocks of the script through the one plan.

Run as a generator by :class:`studio.ui.worker.Worker` (the one worker pattern), with a
snapshot of the script, the indices of the blocks to hear, and the take the player plays
(:class:`PcmBuffer`). It:

1. waits for the engine if it is still starting and describes the speech for the engine that
   really started (:func:`~studio.core.render_inputs.ready_inputs`);
2. plans the whole script with :func:`~studio.core.script.plan_render` and the speech cache
   (a stat per key: disk, so here and never on the GUI thread) — the ONE plan that also
   decides what Export, the CLI and the counter do, so a paragraph heard is a paragraph
   paid for once, everywhere — and reports what the blocks to hear will cost
   (:class:`PlayPlanned`);
3. for each block to hear, in order (:mod:`studio.playback.block_audio` does one block):
   its audio comes from its take or the cache (``take`` / ``cached`` / ``locked``), and is
   streamed otherwise (``needs_generation``) from each part's ``RequestSpec.to_request()``;
   audio goes into the take (waiting here, in the worker, while as much as its bound allows
   is waiting to be played) and timings are yielded shifted by the audio before them. Each
   part that streamed to its natural end is stored in the cache under its part's key the
   moment it completes; when every part of a ``cached`` / ``needs_generation`` block is there,
   the block's new take (``plan.take_from``) is yielded (:class:`TakeMade`) for the GUI thread
   to add to its document. A stream cut short (Stop, failure) is never stored and makes no take.

Whatever happens, the buffer is closed at the end so the player knows no more is coming.
Plain Python: no Qt, so it is unit-testable with a real backend and no event loop.
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from studio.cancel import Cancelled, CancelToken
from studio.core.render_inputs import RenderInputs, ready_inputs
from studio.core.script import BlockStatus, Script, plan_render
from studio.playback.block_audio import BlockPlayer, StreamProgress, TakeMade
from studio.playback.pcm_buffer import PcmBuffer

if TYPE_CHECKING:
    from studio.core.cache import SpeechCache

__all__ = ["BlockStarted", "PlayPlanned", "StreamEnded", "StreamProgress", "TakeMade", "pcm_sample_rate", "play_job"]


@dataclass(frozen=True)
class PlayPlanned:
    """The plan is made: how the blocks to hear will sound and what they cost."""

    sample_rate: int
    #: Text-to-speech requests the blocks to hear need (0: everything from takes or the cache).
    requests: int
    credits: float
    engine_name: str
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class BlockStarted:
    """Block ``index`` of the script begins at ``at_seconds`` of the track."""

    index: int
    block_id: str
    status: BlockStatus
    at_seconds: float
    #: Its audio says the block's text as it is now. False for a locked take of older text:
    #: such a block is never highlighted (never a wrong word).
    matches_text: bool


@dataclass(frozen=True)
class StreamEnded:
    """Every block was heard. ``cached``: all of it is in the cache now (the next Play is free)."""

    received_seconds: float
    cached: bool


def pcm_sample_rate(output_format: str) -> int:
    """Sample rate of a ``pcm_<rate>`` format; anything else cannot be streamed to the sink."""
    codec, _, rate = output_format.partition("_")
    if codec != "pcm" or not rate.isdigit():
        raise ValueError(f"live playback needs a pcm_* output format, not {output_format!r}")
    return int(rate)


def play_job(
    token: CancelToken,
    inputs: RenderInputs,
    script: Script,
    indices: Sequence[int],
    buffer: PcmBuffer,
    cache: SpeechCache | None = None,
    *,
    regenerate: Collection[str] = (),
    rate_agreed: threading.Event | None = None,
) -> Iterator[PlayPlanned | BlockStarted | StreamProgress | TakeMade | StreamEnded]:
    """Generator run by a Worker; see the module docstring.

    ``script`` is the worker's own snapshot (never the GUI's live document). ``rate_agreed``:
    when the engine was still starting, the GUI could only guess the sample rate; after
    :class:`PlayPlanned` the job waits for this event (set once the player is ready for that
    rate), so no credit is spent before the sound output has accepted the audio.
    """
    try:
        inputs = ready_inputs(inputs, token)
        plan = plan_render(script, inputs.settings, inputs.capabilities, cache, regenerate=regenerate)
        plan.check_markup()  # a pause tag that cannot be sent: say so before anything is spent
        rate = pcm_sample_rate(plan.settings.output_format)
        heard = [plan.blocks[i] for i in indices]
        needed = sorted({p.request for b in heard for p in b.parts if p.request is not None})
        yield PlayPlanned(rate, len(needed), sum(plan.requests[r].credits for r in needed), inputs.engine_name,
                          plan.warnings)
        if rate_agreed is not None:
            while not rate_agreed.wait(0.05):
                if token.cancelled:
                    raise Cancelled()
        player = BlockPlayer(token, inputs.backend, plan, buffer, cache, rate)
        all_cached = True
        for block in heard:
            token.raise_if_cancelled()
            stored = script.blocks[block.index]
            yield BlockStarted(block.index, block.block_id, block.status, player.seconds,
                               matches_text=block.text == stored.text)
            all_cached = (yield from player.play(block, stored)) and all_cached
        yield StreamEnded(player.seconds, cached=all_cached and cache is not None)
    finally:
        buffer.close()
