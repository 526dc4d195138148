"""The worker's job without Qt: the one plan → bounded buffer, placed timings, cache, takes, cancel."""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest

from studio.core.cache import SpeechCache
from studio.cancel import Cancelled, CancelToken
from studio.core.render_inputs import render_inputs
from studio.core.script import BlockStatus, Script
from studio.errors import StudioError
from studio.playback.pcm_buffer import PcmBuffer
from studio.playback.stream_job import (
    BlockStarted,
    PlayPlanned,
    StreamEnded,
    StreamProgress,
    TakeMade,
    pcm_sample_rate,
    play_job,
)
from tests.integration.player.tone_backend import ToneBackend

TEXT = "Hello there, general."
SCRIPT = "One two three.\n\nFour five six.\n\nSeven eight nine."
CHAR_BYTES = int(0.05 * 24000) * 2


def _inputs(backend, **settings):  # type: ignore[no-untyped-def]
    made = render_inputs(backend, voice_id="tone", model_id="tone_v1")
    return replace(made, settings=replace(made.settings, **settings)) if settings else made


def _run(backend, cache, script: Script, indices=None, token=None, **kw):  # type: ignore[no-untyped-def]
    buffer = PcmBuffer()
    indices = list(range(len(script))) if indices is None else indices
    events = list(play_job(token or CancelToken(), _inputs(backend, **kw.pop("settings", {})), script, indices,
                           buffer, cache, **kw))
    return events, buffer


def _starts(events) -> list[float]:  # type: ignore[no-untyped-def]
    return [s for e in events if isinstance(e, StreamProgress) and e.piece for s in e.piece.starts]


def _takes(events) -> list[TakeMade]:  # type: ignore[no-untyped-def]
    return [e for e in events if isinstance(e, TakeMade)]


@pytest.mark.parametrize("relative", [False, True])
def test_audio_and_absolute_timings(relative: bool) -> None:
    backend = ToneBackend(relative_times=relative, realtime_factor=0)
    events, buffer = _run(backend, None, Script.from_text(TEXT))
    planned = events[0]
    assert isinstance(planned, PlayPlanned) and planned.requests == 1 and planned.sample_rate == 24000
    assert isinstance(events[-1], StreamEnded) and not events[-1].cached
    assert buffer.closed
    assert len(buffer.read()) == len(TEXT) * CHAR_BYTES
    assert _starts(events) == pytest.approx([i * 0.05 for i in range(len(TEXT))])
    assert not _takes(events)  # no cache: no audio to keep a take of


def test_blocks_play_in_order_as_one_track_and_each_becomes_a_take(tmp_path) -> None:
    cache = SpeechCache(tmp_path)
    backend = ToneBackend(realtime_factor=0)
    script = Script.from_text(SCRIPT)
    events, buffer = _run(backend, cache, script)
    paragraphs = SCRIPT.split("\n\n")
    assert [r.text for r in backend.requests] == paragraphs  # one request per paragraph, in order
    started = [e for e in events if isinstance(e, BlockStarted)]
    assert [e.index for e in started] == [0, 1, 2]
    assert [e.at_seconds for e in started] == pytest.approx([0.0, 14 * 0.05, 28 * 0.05])
    # Each part's timings say where in its block the text is, and follow the audio before it.
    progress = [e for e in events if isinstance(e, StreamProgress) and e.piece]
    assert {(e.block_index, e.text_start) for e in progress} == {(0, 0), (1, 0), (2, 0)}
    assert _starts(events) == pytest.approx([i * 0.05 for i in range(sum(map(len, paragraphs)))])
    takes = _takes(events)
    assert [t.block_id for t in takes] == [b.id for b in script]
    assert all(t.take.complete and t.take.request_ids == ("tone-1",) for t in takes)
    assert events[-1].cached
    # The takes are the plan's: added to the document, the next plan finds them.
    for made in takes:
        script.add_take(made.block_id, made.take)
    again, again_buffer = _run(backend, cache, script)
    assert len(backend.requests) == 3
    assert again[0].requests == 0
    assert [e.status for e in again if isinstance(e, BlockStarted)] == [BlockStatus.TAKE] * 3
    assert again_buffer.read() == buffer.read()
    assert _starts(again) == pytest.approx(_starts(events))
    assert not _takes(again)  # they are the chosen takes already


def test_only_the_blocks_asked_for_are_heard_and_planned_at_their_cost(tmp_path) -> None:
    cache = SpeechCache(tmp_path)
    backend = ToneBackend(realtime_factor=0)
    script = Script.from_text(SCRIPT)
    events, _ = _run(backend, cache, script, indices=[1, 2])
    assert [r.text for r in backend.requests] == SCRIPT.split("\n\n")[1:]
    assert events[0].requests == 2
    assert [e.index for e in events if isinstance(e, BlockStarted)] == [1, 2]
    assert events[1].at_seconds == 0.0


def test_regenerate_makes_a_new_take_of_one_block(tmp_path) -> None:
    cache = SpeechCache(tmp_path)
    backend = ToneBackend(realtime_factor=0)
    script = Script.from_text(SCRIPT)
    for made in _takes(_run(backend, cache, script)[0]):
        script.add_take(made.block_id, made.take)
    second = script.blocks[1]
    events, _ = _run(backend, cache, script, indices=[1], regenerate={second.id})
    assert [r.text for r in backend.requests[3:]] == [second.text]
    (made,) = _takes(events)
    assert made.block_id == second.id and made.take.variant is not None
    assert made.take.cache_keys != second.chosen_take.cache_keys  # the old take is not overwritten


def test_a_failed_stream_is_not_cached_makes_no_take_and_the_buffer_is_closed(tmp_path) -> None:
    cache = SpeechCache(tmp_path)
    backend = ToneBackend(realtime_factor=0, fail_after_chunks=1, chars_per_chunk=5)
    buffer = PcmBuffer()
    script = Script.from_text(TEXT)
    events = []
    with pytest.raises(StudioError):
        for event in play_job(CancelToken(), _inputs(backend), script, [0], buffer, cache):
            events.append(event)
    assert buffer.closed
    assert len(buffer.read()) > 0  # what arrived is still there to play
    assert not _takes(events)
    backend.fail_after_chunks = None
    _run(backend, cache, script)
    assert len(backend.requests) == 2  # nothing partial was kept


def test_cancel_closes_the_stream_at_once() -> None:
    backend = ToneBackend(realtime_factor=1.0, chars_per_chunk=40)  # a 1 s wait before each chunk
    token = CancelToken()
    buffer = PcmBuffer()
    job = play_job(token, _inputs(backend), Script.from_text(TEXT * 4), [0], buffer, None)
    assert isinstance(next(job), PlayPlanned)
    assert isinstance(next(job), BlockStarted)
    threading.Timer(0.1, token.cancel).start()
    with pytest.raises(Cancelled):
        next(job)
    assert backend.closed_at  # stream.close() ran from the cancelling thread
    assert backend.generator_exited.wait(1)
    assert buffer.closed


def test_a_start_rate_not_yet_agreed_holds_every_request_back() -> None:
    """While the engine started, the GUI could only guess the rate: no request before it agrees."""
    backend = ToneBackend(realtime_factor=0)
    agreed = threading.Event()
    job = play_job(CancelToken(), _inputs(backend), Script.from_text(TEXT), [0], PcmBuffer(), None,
                   rate_agreed=agreed)
    assert isinstance(next(job), PlayPlanned)
    threading.Timer(0.2, agreed.set).start()
    assert isinstance(next(job), BlockStarted)
    assert agreed.is_set() and not backend.requests
    list(job)
    assert len(backend.requests) == 1


def test_absolute_chunk_times_are_played_as_they_are() -> None:
    """Times arrive absolute (the client boundary made them so): no second guess shifts them.

    The second chunk starts 0.03 s into the text after 0.3 s of audio: a second normaliser
    with its own rule used to read that as "relative" and move it 0.3 s late.
    """
    from studio.api.models import CharacterAlignment, SpeechChunk
    from studio.api.streaming import ResponseInfo, SpeechStream

    def timed(chars: str, starts: list[float], ends: list[float]) -> SpeechChunk:
        return SpeechChunk(audio=b"\0\0" * 7200, alignment=CharacterAlignment(
            characters=list(chars), character_start_times_seconds=starts, character_end_times_seconds=ends))

    class Scripted(ToneBackend):
        def stream_with_timestamps(self, request):  # type: ignore[no-untyped-def]
            self.requests.append(request)
            chunks = [timed('"', [0.0], [0.02]), timed("Hi", [0.03, 0.2], [0.2, 0.4])]
            return SpeechStream(iter(chunks), ResponseInfo())

    events, _ = _run(Scripted(), None, Script.from_text('"Hi'))
    assert _starts(events) == pytest.approx([0.0, 0.03, 0.2])


def test_only_pcm_can_be_played_live() -> None:
    assert pcm_sample_rate("pcm_44100") == 44100
    with pytest.raises(ValueError):
        pcm_sample_rate("mp3_44100_128")


def test_a_paragraph_longer_than_the_limit_is_spoken_in_the_plan_s_parts(tmp_path) -> None:
    text = "One two three. Four five six. Seven eight nine. Ten eleven."
    backend = ToneBackend(realtime_factor=0)
    cache = SpeechCache(tmp_path)
    script = Script.from_text(text)
    events, buffer = _run(backend, cache, script, settings={"max_segment_chars": 30})
    parts = [r.text for r in backend.requests]
    assert len(parts) > 1 and all(len(p) <= 30 for p in parts)
    assert backend.requests[0].previous_text is None and backend.requests[0].next_text
    assert backend.requests[1].previous_text
    # One continuous track: each part's timings (which restart at 0) follow the audio before it.
    starts = _starts(events)
    assert starts == pytest.approx([i * 0.05 for i in range(sum(map(len, parts)))])
    assert {e.text_start for e in events if isinstance(e, StreamProgress)} == {text.index(p) for p in parts}
    assert len(buffer.read()) == sum(map(len, parts)) * CHAR_BYTES
    (made,) = _takes(events)
    assert len(made.take.parts) == len(parts)
    # Played again (the take not added): every part comes from the cache, same timings.
    again, _ = _run(backend, cache, script, settings={"max_segment_chars": 30})
    assert len(backend.requests) == len(parts)
    assert again[0].requests == 0
    assert _starts(again) == pytest.approx(starts)


def test_a_part_that_fails_never_makes_earlier_parts_be_paid_again(monkeypatch, tmp_path) -> None:
    text = "One two three. Four five six. Seven eight nine. Ten eleven."
    cache = SpeechCache(tmp_path)
    backend = ToneBackend(realtime_factor=0)
    speak = backend.stream_with_timestamps

    def second_request_breaks_off(request):  # type: ignore[no-untyped-def]
        if backend.requests:  # the engine breaks off part-way through the second part
            backend.fail_after_chunks = 1
        return speak(request)

    monkeypatch.setattr(backend, "stream_with_timestamps", second_request_breaks_off)
    script = Script.from_text(text)
    with pytest.raises(StudioError):
        _run(backend, cache, script, settings={"max_segment_chars": 30})
    parts = [r.text for r in backend.requests]
    assert len(parts) == 2

    backend.fail_after_chunks = None
    backend.requests.clear()
    events, _ = _run(backend, cache, script, settings={"max_segment_chars": 30})
    # Only the part that failed is asked for again; the first plays from the cache.
    assert [r.text for r in backend.requests] == [parts[1]]
    assert events[0].requests == 1
    assert _starts(events) == sorted(_starts(events)) and len(_starts(events)) == len(parts[0]) + len(parts[1])
    assert events[-1].cached and len(_takes(events)) == 1


def test_a_locked_take_recorded_at_another_rate_plays_at_the_track_s_rate(tmp_path) -> None:
    cache = SpeechCache(tmp_path)
    backend = ToneBackend(realtime_factor=0)
    script = Script.from_text("Kept as it was.\n\nSpoken now.")
    old = _takes(_run(backend, cache, script, indices=[0], settings={"output_format": "pcm_16000"})[0])
    script.add_take(old[0].block_id, old[0].take)
    script.blocks[0].locked = True
    events, buffer = _run(backend, cache, script)
    assert [e.status for e in events if isinstance(e, BlockStarted)] == [BlockStatus.LOCKED,
                                                                        BlockStatus.NEEDS_GENERATION]
    assert [r.text for r in backend.requests[1:]] == ["Spoken now."]
    second = [e for e in events if isinstance(e, BlockStarted)][1]
    assert second.at_seconds == pytest.approx(len("Kept as it was.") * 0.05, abs=0.001)
    assert len(buffer.read()) == pytest.approx(len("Kept as it was.Spoken now.") * CHAR_BYTES, abs=8)


def test_a_paragraph_of_only_a_pause_is_heard_as_silence_without_a_request() -> None:
    backend = ToneBackend(realtime_factor=0)
    events, buffer = _run(backend, None, Script.from_text('One.\n\n<break time="1s" />\n\nTwo.'))
    assert [r.text for r in backend.requests] == ["One.", "Two."]
    audio = buffer.read()
    assert len(audio) == 8 * CHAR_BYTES + 24000 * 2
    assert audio[4 * CHAR_BYTES : 4 * CHAR_BYTES + 48000] == bytes(48000)
    started = [e.at_seconds for e in events if isinstance(e, BlockStarted)]
    assert started == pytest.approx([0.0, 0.2, 1.2])
