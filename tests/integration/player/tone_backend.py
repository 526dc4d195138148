"""A small in-test engine that streams real PCM with exact timings.

Each character of the text sounds for ``char_seconds`` as a tone whose pitch depends on the
character (real, audible s16le samples), and chunks are cut at awkward byte offsets (odd
counts, frames split in two) the way a network stream can cut them. Timings can be sent
absolute or relative to each chunk; like the HTTP client, the backend makes them absolute at
its boundary with the one normaliser (:class:`studio.api.streaming.AlignmentClock`), since
every backend hands out absolute times. It implements the parts of SynthesisBackend the
player uses and speaks through the same SpeechStream type the real engines return.
"""

from __future__ import annotations

import contextlib
import math
import threading
import time
from collections.abc import Iterator

import numpy as np

from studio.api.models import CharacterAlignment, SpeechChunk
from studio.api.requests import TextToSpeechRequest
from studio.api.streaming import AlignmentClock, ResponseInfo, SpeechStream
from studio.errors import StudioError


class ToneBackend:
    engine_id = "tone-test"
    display_name = "Test tones"

    def __init__(
        self,
        *,
        char_seconds: float = 0.05,
        chars_per_chunk: int = 7,
        relative_times: bool = False,
        realtime_factor: float = 0.2,
        fail_after_chunks: int | None = None,
    ) -> None:
        self.char_seconds = char_seconds
        self.chars_per_chunk = chars_per_chunk
        self.relative_times = relative_times
        self.realtime_factor = realtime_factor
        self.fail_after_chunks = fail_after_chunks
        self.requests: list[TextToSpeechRequest] = []
        self.closed_at: list[float] = []
        self.generator_exited = threading.Event()

    def stream_with_timestamps(self, request: TextToSpeechRequest) -> SpeechStream:
        self.requests.append(request)
        rate = int(request.output_format.split("_")[1])
        stop = threading.Event()

        def on_close() -> None:
            self.closed_at.append(time.monotonic())
            stop.set()

        chunks = self._chunks(request.text, rate, stop)
        if self.relative_times:  # made absolute where they enter, as the HTTP client does
            chunks = _absolute(chunks, rate)
        return SpeechStream(chunks, ResponseInfo(request_id="tone-1"), on_close)

    def _chunks(self, text: str, rate: int, stop: threading.Event) -> Iterator[SpeechChunk]:
        try:
            per_char = int(round(self.char_seconds * rate))
            samples = []
            for ch in text:
                freq = 200 + (ord(ch) % 40) * 15
                t = np.arange(per_char) / rate
                samples.append((np.sin(2 * math.pi * freq * t) * 8000).astype("<i2"))
            audio = np.concatenate(samples).tobytes() if samples else b""
            char_bytes = per_char * 2
            n_chunks = math.ceil(len(text) / self.chars_per_chunk)
            sent_bytes = 0
            for k in range(n_chunks):
                if self.fail_after_chunks is not None and k >= self.fail_after_chunks:
                    raise StudioError("The test engine broke off", "Try again.")
                first, last = k * self.chars_per_chunk, min(len(text), (k + 1) * self.chars_per_chunk)
                # Cut audio one byte off the character boundary: frames split across chunks.
                end_bytes = len(audio) if last == len(text) else last * char_bytes + 1
                piece = audio[sent_bytes:end_bytes]
                # Relative times start at 0 in every chunk; absolute ones from the start of the text.
                origin = first if self.relative_times else 0
                starts = [round((i - origin) * self.char_seconds, 6) for i in range(first, last)]
                ends = [s + self.char_seconds for s in starts]
                sent_bytes = end_bytes
                if stop.wait(len(piece) / 2 / rate * self.realtime_factor):
                    return
                yield SpeechChunk(
                    audio=piece,
                    alignment=CharacterAlignment(
                        characters=list(text[first:last]),
                        character_start_times_seconds=starts,
                        character_end_times_seconds=ends,
                    ),
                )
        finally:
            self.generator_exited.set()

    # The rest of the SynthesisBackend surface the player never calls.
    def close(self) -> None:
        pass


def _absolute(chunks: Iterator[SpeechChunk], rate: int) -> Iterator[SpeechChunk]:
    clock = AlignmentClock(2 * rate)
    with contextlib.closing(chunks):  # closing this closes the source too (generator_exited)
        for chunk in chunks:
            yield clock.apply(chunk)


def tone_request(text: str, output_format: str = "pcm_24000") -> TextToSpeechRequest:
    return TextToSpeechRequest(voice_id="tone", text=text, model_id="tone_v1", output_format=output_format)
