"""The worker's job without Qt: stream → bounded buffer, absolute timings, cache, cancel."""

from __future__ import annotations

import threading

import pytest

from studio.core.cache import SpeechCache
from studio.core.cancel import Cancelled, CancelToken
from studio.errors import StudioError
from studio.playback.pcm_buffer import PcmBuffer
from studio.playback.stream_job import StreamEnded, StreamOpened, StreamProgress, pcm_sample_rate, speech_job
from tests.integration.player.tone_backend import ToneBackend, tone_request

TEXT = "Hello there, general."


def _run(backend: ToneBackend, cache: SpeechCache | None, token: CancelToken | None = None):
    buffer = PcmBuffer()
    events = list(speech_job(token or CancelToken(), backend, tone_request(TEXT), buffer, cache))
    return events, buffer.read(), buffer


@pytest.mark.parametrize("relative", [False, True])
def test_audio_and_absolute_timings(relative: bool) -> None:
    backend = ToneBackend(relative_times=relative, realtime_factor=0)
    events, audio, buffer = _run(backend, None)
    assert isinstance(events[0], StreamOpened) and not events[0].from_cache
    assert isinstance(events[-1], StreamEnded) and not events[-1].cached
    assert buffer.closed
    assert len(audio) == len(TEXT) * int(0.05 * 24000) * 2
    starts = [s for e in events if isinstance(e, StreamProgress) and e.piece for s in e.piece.starts]
    assert starts == pytest.approx([i * 0.05 for i in range(len(TEXT))])


def test_second_run_comes_from_the_cache(tmp_path) -> None:
    cache = SpeechCache(tmp_path)
    backend = ToneBackend(realtime_factor=0)
    first_events, first_audio, _ = _run(backend, cache)
    assert first_events[-1].cached is True
    events, audio, _ = _run(backend, cache)
    assert len(backend.requests) == 1
    assert isinstance(events[0], StreamOpened) and events[0].from_cache
    assert audio == first_audio
    starts = [s for e in events if isinstance(e, StreamProgress) and e.piece for s in e.piece.starts]
    assert starts == pytest.approx([i * 0.05 for i in range(len(TEXT))])


def test_a_failed_stream_is_not_cached_and_the_buffer_is_closed(tmp_path) -> None:
    cache = SpeechCache(tmp_path)
    backend = ToneBackend(realtime_factor=0, fail_after_chunks=1, chars_per_chunk=5)
    buffer = PcmBuffer()
    events = []
    with pytest.raises(StudioError):
        for event in speech_job(CancelToken(), backend, tone_request(TEXT), buffer, cache):
            events.append(event)
    assert buffer.closed
    assert len(buffer.read()) > 0  # what arrived is still there to play
    backend.fail_after_chunks = None
    _run(backend, cache)
    assert len(backend.requests) == 2  # nothing partial was kept


def test_cancel_closes_the_stream_at_once() -> None:
    backend = ToneBackend(realtime_factor=1.0, chars_per_chunk=40)  # a 1 s wait before each chunk
    token = CancelToken()
    buffer = PcmBuffer()
    job = speech_job(token, backend, tone_request(TEXT * 4), buffer, None)
    assert isinstance(next(job), StreamOpened)
    threading.Timer(0.1, token.cancel).start()
    with pytest.raises(Cancelled):
        next(job)
    assert backend.closed_at  # stream.close() ran from the cancelling thread
    assert backend.generator_exited.wait(1)
    assert buffer.closed


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

    events = list(speech_job(CancelToken(), Scripted(), tone_request('"Hi'), PcmBuffer(), None))
    starts = [s for e in events if isinstance(e, StreamProgress) and e.piece for s in e.piece.starts]
    assert starts == pytest.approx([0.0, 0.03, 0.2])


def test_only_pcm_can_be_played_live() -> None:
    assert pcm_sample_rate("pcm_44100") == 44100
    with pytest.raises(ValueError):
        pcm_sample_rate("mp3_44100_128")


def test_a_script_longer_than_the_model_limit_is_spoken_in_parts(monkeypatch, tmp_path) -> None:
    import studio.core.segmenter as segmenter
    from studio.playback.stream_job import plan_parts

    text = "One two three. Four five six. Seven eight nine. Ten eleven."
    monkeypatch.setattr(segmenter, "character_limit_for", lambda model, model_id, **kw: 30)
    parts = plan_parts(text, 30)
    assert len(parts) > 1 and all(end - start <= 30 for start, end in parts)
    backend = ToneBackend(realtime_factor=0)
    buffer = PcmBuffer()
    cache = SpeechCache(tmp_path)
    events = list(speech_job(CancelToken(), backend, tone_request(text), buffer, cache))
    assert [r.text for r in backend.requests] == [text[s:e] for s, e in parts]
    assert backend.requests[0].previous_text is None and backend.requests[0].next_text
    assert backend.requests[1].previous_text
    # One continuous track: each part's timings (which restart at 0) follow the audio before it.
    pieces = [e.piece for e in events if isinstance(e, StreamProgress) and e.piece]
    starts = [s for p in pieces for s in p.starts]
    assert starts == sorted(starts)
    spoken = "".join(text[s:e] for s, e in parts)
    assert starts == pytest.approx([i * 0.05 for i in range(len(spoken))])
    assert len(buffer.read()) == len(spoken) * int(0.05 * 24000) * 2
    assert events[-1].cached
    # Played again: every part comes from the cache, with the same continuous timings.
    again = list(speech_job(CancelToken(), backend, tone_request(text), PcmBuffer(), cache))
    assert len(backend.requests) == len(parts)
    assert isinstance(again[0], StreamOpened) and again[0].from_cache
    again_starts = [s for e in again if isinstance(e, StreamProgress) and e.piece for s in e.piece.starts]
    assert again_starts == pytest.approx(starts)


def test_a_part_that_fails_never_makes_earlier_parts_be_paid_again(monkeypatch, tmp_path) -> None:
    import studio.core.segmenter as segmenter
    from studio.playback.stream_job import plan_parts

    text = "One two three. Four five six. Seven eight nine. Ten eleven."
    monkeypatch.setattr(segmenter, "character_limit_for", lambda model, model_id, **kw: 30)
    parts = plan_parts(text, 30)
    assert len(parts) == 2
    cache = SpeechCache(tmp_path)
    backend = ToneBackend(realtime_factor=0)
    speak = backend.stream_with_timestamps

    def second_request_breaks_off(request):  # type: ignore[no-untyped-def]
        if backend.requests:  # the engine breaks off part-way through the second part
            backend.fail_after_chunks = 1
        return speak(request)

    monkeypatch.setattr(backend, "stream_with_timestamps", second_request_breaks_off)
    with pytest.raises(StudioError):
        list(speech_job(CancelToken(), backend, tone_request(text), PcmBuffer(), cache))
    assert [r.text for r in backend.requests] == [text[s:e] for s, e in parts]

    backend.fail_after_chunks = None
    backend.requests.clear()
    events = list(speech_job(CancelToken(), backend, tone_request(text), PcmBuffer(), cache))
    # Only the part that failed is asked for again; the first plays from the cache.
    assert [r.text for r in backend.requests] == [text[parts[1][0]:parts[1][1]]]
    starts = [s for e in events if isinstance(e, StreamProgress) and e.piece for s in e.piece.starts]
    assert starts == sorted(starts) and len(starts) == len(text[parts[0][0]:parts[0][1]]) + len(text[parts[1][0]:parts[1][1]])
    assert events[-1].cached
