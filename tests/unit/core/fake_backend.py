"""A small in-test engine implementing SynthesisBackend over real PCM (a tone per character).

It records every request, can add latency, fail chosen texts, answer 429 a number of times
or whenever more than ``allow_concurrent`` streams are open (as the service does), and send
account headers — so long-form generation can be tested without a network. The
integration tests run the same code against the real offline engine and the local server.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

import numpy as np

from studio.api.errors import RateLimitError, ServerError
from studio.api.models import CharacterAlignment, Model, SpeechChunk, VoiceSettings
from studio.api.requests import TextToSpeechRequest
from studio.api.streaming import ResponseInfo, SpeechStream

SECONDS_PER_CHAR = 0.06


class FakeBackend:
    engine_id = "elevenlabs"
    display_name = "Fake"

    def __init__(
        self,
        *,
        rate: int = 24_000,
        latency: float = 0.0,
        fail_texts: Callable[[str], BaseException | None] | None = None,
        rate_limit_first: int = 0,
        max_concurrent_header: int | None = None,
        chunk_chars: int = 7,
        allow_concurrent: int | None = None,
    ) -> None:
        self.rate = rate
        self.latency = latency
        self.fail_texts = fail_texts
        self.rate_limit_left = rate_limit_first
        self.max_concurrent_header = max_concurrent_header
        self.chunk_chars = chunk_chars
        self.allow_concurrent = allow_concurrent
        self.open_streams = 0  # accepted and not yet finished or closed (what the limit counts)
        self.refused = 0
        self.requests: list[TextToSpeechRequest] = []
        self.active = 0
        self.peak_active = 0
        self.closed_streams = 0
        self._lock = threading.Lock()
        self._counter = 0

    # -- the protocol ---------------------------------------------------------------------

    def search_voices(self, search):  # type: ignore[no-untyped-def]
        raise NotImplementedError

    def get_voice(self, voice_id):  # type: ignore[no-untyped-def]
        raise NotImplementedError

    def get_voice_settings(self, voice_id: str) -> VoiceSettings:
        return VoiceSettings()

    def get_default_voice_settings(self) -> VoiceSettings:
        return VoiceSettings()

    def list_models(self) -> list[Model]:
        return [Model(model_id="eleven_multilingual_v2", can_do_text_to_speech=True)]

    def get_subscription(self):  # type: ignore[no-untyped-def]
        return None

    def unsupported_settings(self, model_id: str) -> dict[str, str]:
        return {}

    def preview_audio(self, voice):  # type: ignore[no-untyped-def]
        return b""

    def close(self) -> None:
        pass

    def stream_with_timestamps(self, request: TextToSpeechRequest) -> SpeechStream:
        with self._lock:
            self.requests.append(request)
            self._counter += 1
            number = self._counter
            if self.rate_limit_left > 0:
                self.rate_limit_left -= 1
                raise RateLimitError("Too many requests at once", retry_after=0.01, kind="too_many_concurrent_requests")
        if self.fail_texts is not None:
            error = self.fail_texts(request.text)
            if error is not None:
                raise error
        with self._lock:
            if self.allow_concurrent is not None and self.open_streams >= self.allow_concurrent:
                self.refused += 1
                raise RateLimitError("Too many requests at once", retry_after=0.01, kind="too_many_concurrent_requests")
            self.open_streams += 1
        info = ResponseInfo(
            request_id=f"req-{number}",
            character_cost=len(request.text),
            maximum_concurrent_requests=self.max_concurrent_header,
        )
        closed = threading.Event()
        ended = threading.Event()

        def end() -> None:
            with self._lock:
                if not ended.is_set():
                    ended.set()
                    self.open_streams -= 1

        def chunks() -> Iterator[SpeechChunk]:
            with self._lock:
                self.active += 1
                self.peak_active = max(self.peak_active, self.active)
            try:
                if self.latency and closed.wait(self.latency):
                    return
                yield from speech_chunks(request.text, self.rate, self.chunk_chars)
            finally:
                with self._lock:
                    self.active -= 1
                end()

        def on_close() -> None:
            closed.set()
            end()
            with self._lock:
                self.closed_streams += 1

        return SpeechStream(chunks(), info, on_close)


def speech_chunks(text: str, rate: int, chunk_chars: int = 7) -> Iterator[SpeechChunk]:
    """Real PCM: a short tone per character (silence for spaces), absolute alignment times."""
    per_char = round(SECONDS_PER_CHAR * rate)
    for begin in range(0, len(text), chunk_chars):
        piece = text[begin : begin + chunk_chars]
        audio = bytearray()
        starts, ends = [], []
        for offset, char in enumerate(piece):
            index = begin + offset
            starts.append(index * per_char / rate)
            ends.append((index + 1) * per_char / rate)
            t = np.arange(per_char) / rate
            amplitude = 0.0 if char.isspace() else 0.25
            tone = np.sin(2 * np.pi * (200 + (ord(char) % 50) * 10) * t) * amplitude * 32767
            audio.extend(tone.astype("<i2").tobytes())
        yield SpeechChunk(
            audio=bytes(audio),
            alignment=CharacterAlignment(characters=list(piece), character_start_times_seconds=starts,
                                         character_end_times_seconds=ends),
        )


def expected_samples(text: str, rate: int) -> int:
    return len(text) * round(SECONDS_PER_CHAR * rate)


def server_error() -> ServerError:
    return ServerError("The speech service had a problem", "Try again in a minute.")


def sleep_briefly() -> None:
    time.sleep(0.001)
