"""Text to speech (ENDPOINTS.md): whole answers, timed answers, and streams that report what arrived.

A stream that breaks after audio arrived raises :class:`~studio.api.errors.StreamInterruptedError`
with what was received (never sent again: that would charge twice). A mixin over
:class:`~studio.api.sending.RequestSender`, mixed into :class:`~studio.api.client.ElevenLabsClient`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import httpx

from studio.api import errors as e
from studio.api import ndjson
from studio.api.downloads import socket_waker
from studio.api.error_mapping import error_from_transport
from studio.api.formats import OUTPUT_FORMATS_STREAM, parse_output_format
from studio.api.history_calls import segment as _segment
from studio.api.models import SpeechChunk
from studio.api.requests import TextToSpeechRequest
from studio.api.sending import RequestSender
from studio.api.streaming import AlignmentClock, ResponseInfo, SpeechResult, SpeechStream, whole_samples

if TYPE_CHECKING:
    from studio.api.sending import Cancellable

__all__ = ["SpeechCalls"]


class SpeechCalls(RequestSender):
    """``convert``, ``convert_with_timestamps``, ``stream``, ``stream_with_timestamps``."""


    def _tts_response(
        self, request: TextToSpeechRequest, suffix: str, *, stream: bool, cancel: Cancellable | None
    ) -> httpx.Response:
        request = request.check()
        if stream and request.output_format not in OUTPUT_FORMATS_STREAM:
            raise e.InvalidRequestError(
                f"Output format must be one of {', '.join(OUTPUT_FORMATS_STREAM)} when streaming "
                f"(got {request.output_format!r})",
                "Pick a non-WAV format for streaming. Nothing was sent.",
                field="output_format",
            )
        path = f"/v1/text-to-speech/{_segment(request.voice_id, 'voice_id')}{suffix}"
        return self._send(
            "POST",
            path,
            params=request.to_params(),
            json=request.to_body(),
            tts=True,
            voice_id=request.voice_id,
            cancel=cancel,
        )

    def _interrupted(self, exc: BaseException, received: list[SpeechChunk],
                     got: int | None = None) -> e.StreamInterruptedError:
        if got is None:
            got = sum(len(c.audio) for c in received)
        network = error_from_transport(exc, self._host) if isinstance(exc, httpx.TransportError) else None
        reason = f" ({network.cause})" if network else ""
        return e.StreamInterruptedError(
            f"The speech stopped arriving part way{reason}; {got} bytes of audio were received",
            "Generate again to get the rest. That will use credits again.",
            received_chunks=received,
            received_bytes=got,
        )

    def _read_whole(self, response: httpx.Response) -> bytes:
        parts: list[bytes] = []
        try:
            for data in response.iter_bytes():
                parts.append(data)
        except httpx.TransportError as exc:
            raise self._interrupted(exc, [SpeechChunk(audio=b"".join(parts))] if parts else []) from None
        finally:
            response.close()
        return b"".join(parts)

    def convert(self, request: TextToSpeechRequest, *, cancel: Cancellable | None = None) -> SpeechResult:
        """``POST /v1/text-to-speech/{voice_id}``: the whole audio at once."""
        response = self._tts_response(request, "", stream=False, cancel=cancel)
        info = ResponseInfo.from_headers(response.headers)
        return SpeechResult(audio=self._read_whole(response), info=info)

    def convert_with_timestamps(
        self, request: TextToSpeechRequest, *, cancel: Cancellable | None = None
    ) -> SpeechResult:
        """``POST /v1/text-to-speech/{voice_id}/with-timestamps``: audio plus character times."""
        response = self._tts_response(request, "/with-timestamps", stream=False, cancel=cancel)
        info = ResponseInfo.from_headers(response.headers)
        chunk = ndjson.parse_object(self._read_whole(response))
        return SpeechResult(
            audio=chunk.audio, info=info, alignment=chunk.alignment, normalized_alignment=chunk.normalized_alignment
        )

    def stream(self, request: TextToSpeechRequest, *, cancel: Cancellable | None = None,
               keep_received: bool = False) -> SpeechStream:
        """``POST /v1/text-to-speech/{voice_id}/stream``: audio bytes as they are made.

        ``keep_received``: also keep every chunk, for a StreamInterruptedError to carry (off by
        default: whoever iterates the stream already has each chunk)."""
        response = self._tts_response(request, "/stream", stream=True, cancel=cancel)
        source = (SpeechChunk(audio=data) for data in response.iter_bytes() if data)
        return self._speech_stream(response, source, request, timestamps=False, cancel=cancel,
                                   keep_received=keep_received)

    def stream_with_timestamps(
        self, request: TextToSpeechRequest, *, cancel: Cancellable | None = None, keep_received: bool = False
    ) -> SpeechStream:
        """``POST /v1/text-to-speech/{voice_id}/stream/with-timestamps`` (NDJSON); see :meth:`stream`."""
        response = self._tts_response(request, "/stream/with-timestamps", stream=True, cancel=cancel)
        source = ndjson.parse_lines(response.iter_lines())
        return self._speech_stream(response, source, request, timestamps=True, cancel=cancel,
                                   keep_received=keep_received)

    def _speech_stream(
        self,
        response: httpx.Response,
        source: Iterator[SpeechChunk],
        request: TextToSpeechRequest,
        *,
        timestamps: bool,
        cancel: Cancellable | None,
        keep_received: bool = False,
    ) -> SpeechStream:
        fmt = parse_output_format(request.output_format)
        chunks: Iterator[SpeechChunk] = source
        if timestamps:
            chunks = map(AlignmentClock(fmt.bytes_per_second).apply, chunks)
        if fmt.is_pcm:
            chunks = whole_samples(chunks)
        stream = SpeechStream(self._guarded(response, chunks, keep_received), ResponseInfo.from_headers(response.headers),
                              on_close=socket_waker(response))
        if cancel is not None:
            cancel.on_cancel(stream.close)
        return stream

    def _guarded(self, response: httpx.Response, chunks: Iterator[SpeechChunk],
                 keep_received: bool = False) -> Iterator[SpeechChunk]:
        """Counts what arrived so a broken stream reports it; always closes the response.

        Only a count by default: keeping every chunk here would hold a second copy of the
        whole take while the caller (the player, the exporter) holds the first."""
        received: list[SpeechChunk] = []
        got = 0
        try:
            for chunk in chunks:
                got += len(chunk.audio)
                if keep_received:
                    received.append(chunk)
                yield chunk
        except httpx.TransportError as exc:
            raise self._interrupted(exc, received, got) from None
        finally:
            response.close()
