"""``POST /v1/text-to-dialogue/stream/with-timestamps`` from the studio's client.

A mixin, so :class:`~studio.api.client.ElevenLabsClient` gains the method without growing.
Sent like text to speech (it spends credits): through ``_send(tts=True)``, retried only when
the server cannot have received it. The NDJSON lines are read by
:func:`studio.api.dialogue.parse_dialogue_lines`; each line's times go through the one
chunk-time rule (:class:`~studio.api.streaming.AlignmentClock`), so they are absolute from the
start of the dialogue whichever way the server sent them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import httpx

from studio.api import errors as e
from studio.api.dialogue import DialogueChunk, DialogueRequest, parse_dialogue_lines
from studio.api.error_mapping import error_from_transport
from studio.api.formats import OUTPUT_FORMATS_STREAM, parse_output_format
from studio.api.streaming import AlignmentClock, ResponseInfo

if TYPE_CHECKING:
    from studio.api.client import Cancellable

__all__ = ["DialogueMixin", "DialogueResult"]

PATH = "/v1/text-to-dialogue/stream/with-timestamps"


@dataclass
class DialogueResult:
    """The whole answer: every line in order, and the response headers."""

    chunks: list[DialogueChunk] = field(default_factory=list)
    info: ResponseInfo = field(default_factory=ResponseInfo)

    @property
    def audio(self) -> bytes:
        return b"".join(c.speech.audio for c in self.chunks)


class DialogueMixin:
    def dialogue_with_timestamps(self: Any, request: DialogueRequest, output_format: str, *,
                                 cancel: Cancellable | None = None) -> DialogueResult:
        """Speak ``request`` (several voices, one request) and read the stream to its end.

        Raises StreamInterruptedError if the stream is cut off (nothing of it is kept: a
        dialogue cut short has no whole paragraph to keep)."""
        if output_format not in OUTPUT_FORMATS_STREAM:
            raise e.InvalidRequestError(f"Output format {output_format!r} cannot be streamed",
                                        "Pick a non-WAV format. Nothing was sent.", field="output_format")
        response: httpx.Response = self._send(
            "POST", PATH, params={"output_format": output_format}, json=request.body(), tts=True,
            voice_id=request.inputs[0].voice_id if len({i.voice_id for i in request.inputs}) == 1 else None,
            cancel=cancel,
        )
        clock = AlignmentClock(parse_output_format(output_format).bytes_per_second)
        result = DialogueResult(info=ResponseInfo.from_headers(response.headers))
        if cancel is not None:
            cancel.on_cancel(response.close)
        try:
            for chunk in parse_dialogue_lines(response.iter_lines()):
                result.chunks.append(DialogueChunk(clock.apply(chunk.speech), chunk.voice_segments))
        except httpx.TransportError as exc:
            network = error_from_transport(exc, self._host)
            raise e.StreamInterruptedError(
                f"The dialogue stopped arriving part way ({network.cause})",
                "Generate again; the paragraphs already finished are kept.",
                received_chunks=[c.speech for c in result.chunks],
                received_bytes=len(result.audio),
            ) from None
        finally:
            response.close()
        return result
