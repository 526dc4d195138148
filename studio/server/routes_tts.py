"""The four text-to-speech endpoints.

``/v1/text-to-speech/{voice_id}`` and ``/stream`` send audio bytes as they are made (chunked);
``/with-timestamps`` sends one JSON object; ``/stream/with-timestamps`` sends one JSON object
per line (NDJSON), one line per sentence as the engine yields it, then one line with the
encoder's and resampler's tail (``alignment: null``) when there is one. Alignment times are
absolute from the start of the text, unless the ``relative_times`` fault is scheduled.

Checks, in order: key (401) → body/query (422; more than 3 dictionary locators too) → voice
(404 ``voice_not_found``) → model (400 ``invalid_model``) → dictionaries (404
``pronunciation_dictionary_not_found`` / ``…_version_not_found``; applied as in
:mod:`studio.server.pronounce`) → text length (400 ``max_character_limit_exceeded``) → concurrency
(429 ``too_many_concurrent_requests``, only with ``ServerConfig.concurrency_limit``) → quota (401
``quota_exceeded``). Credits are spent when synthesis starts and refunded if the engine fails
before any audio was made.

Every generation that is sent to its end is recorded in the server's history
(:mod:`studio.server.history_store`) under the id of its ``history-item-id`` header, unless
the request says ``enable_logging=false`` (zero retention, as on the real API).
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import string
import time
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response, StreamingResponse
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool

from studio.core.concurrency import is_fast_model
from studio.core.script.capabilities import Capabilities
from studio.errors import StudioError
from studio.server.delivery import bytes_response, deliver
from studio.server.errors import ApiHTTPError, voice_not_found
from studio.server.catalog import CatalogEntry
from studio.server.faults import FaultSpec
from studio.server.history_audio import content_type_of
from studio.server.history_store import HistoryRecorder
from studio.server.formats import (
    DEFAULT_FORMAT,
    ConvertFormat,
    OutputFormat,
    StreamFormat,
    parse_format,
)
from studio.server.models_data import character_cost, get_model, request_limit
from studio.server.pronounce import InputAlignment, dictionaries_for, spoken_text
from studio.server.routes_history import history_item
from studio.server.routes_voices import DEFAULT_SETTINGS
from studio.server.schemas import TextToSpeechBody
from studio.server.state import ServerState, api_guard, get_state, hold_first_byte, request_faults
from studio.server.synthesis import AudioPiece, EngineStream, open_stream

router = APIRouter(dependencies=[Depends(api_guard)])

_ID_CHARS = string.ascii_letters + string.digits
EXPOSED = ("request-id, history-item-id, character-cost, current-concurrent-requests, "
           "maximum-concurrent-requests, tts-latency-ms")


def _new_id() -> str:
    return "".join(secrets.choice(_ID_CHARS) for _ in range(20))


class Speech:
    """One accepted TTS request: its stream, headers, and the bookkeeping to undo on failure."""

    def __init__(self, state: ServerState, stream: EngineStream, cost: int, headers: dict[str, str],
                 recorder: HistoryRecorder | None = None) -> None:
        self.state = state
        self.stream = stream
        self.cost = cost
        self.headers = headers
        self.recorder = recorder
        self._first: AudioPiece | None = None
        self._ended = False

    async def prime(self, started: float) -> None:
        """Make the first piece before answering, so an engine failure is a clean 500."""
        try:
            self._first = await _first_piece(self.stream)
        except Exception as error:
            self.end(refund=True)
            raise engine_failed(error) from error
        self.headers["tts-latency-ms"] = str(int((time.perf_counter() - started) * 1000))

    async def pieces(self) -> AsyncIterator[AudioPiece]:
        finished = False
        try:
            if self._first is not None:
                self._record(self._first)
                yield self._first
            async for piece in self.stream.pieces():
                self._record(piece)
                yield piece
            finished = True  # a client that left stops this generator at a yield instead
        finally:
            self.end()
        if finished and self.recorder is not None:
            self.recorder.finish()  # only a generation sent to its end is in the history

    def _record(self, piece: AudioPiece) -> None:
        if self.recorder is not None:
            self.recorder.feed(piece.audio, piece.alignment, piece.normalized_alignment)

    def end(self, refund: bool = False) -> None:
        if self._ended:
            return
        self._ended = True
        self.stream.cancel.cancel()
        self.state.usage.end()
        if refund:
            self.state.usage.refund(self.cost)


def engine_failed(error: Exception) -> ApiHTTPError:
    """The 500 for a request whose speech could not start (its credits are given back)."""
    why = f" ({error.cause})" if isinstance(error, StudioError) else ""
    return ApiHTTPError(500, "something_went_wrong",
                        f"We are sorry, something went wrong{why}. You are not charged for this request.")


async def _first_piece(stream: EngineStream) -> AudioPiece | None:
    piece = await run_in_threadpool(stream.next_piece)
    return piece if isinstance(piece, AudioPiece) else None


def _recorder(state: ServerState, entry: CatalogEntry, body: TextToSpeechBody, output_format: str,
              headers: dict[str, str], cost: int) -> HistoryRecorder:
    voice = entry.voice
    settings = {**DEFAULT_SETTINGS, **(voice.get("settings") or {})}
    if body.voice_settings is not None:
        settings.update({name: getattr(body.voice_settings, name) for name in body.voice_settings.model_fields_set})
    item = history_item(history_item_id=headers["history-item-id"], request_id=headers["request-id"], voice=voice,
                        model_id=body.model_id, text=body.text, settings=settings, cost=cost,
                        count_after=state.usage.character_count, output_format=output_format,
                        content_type=content_type_of(output_format))
    return HistoryRecorder(state.history, item)


def admit(state: ServerState, model: dict[str, Any], cost: int) -> dict[str, str]:
    """Concurrency (429) then quota (401) for a speech request of ``cost`` credits; charges it
    and returns the response headers. The caller must ``usage.end()`` (and refund on failure)."""
    factor = 2 if is_fast_model(model["model_id"], model.get("concurrency_group")) else 1
    active = state.usage.begin(factor)  # a refused request (429) is not charged
    try:
        state.usage.charge(cost)
    except ApiHTTPError:
        state.usage.end()
        raise
    return {
        "request-id": _new_id(),
        "history-item-id": _new_id(),
        "character-cost": str(cost),
        "current-concurrent-requests": str(active),
        "maximum-concurrent-requests": str(state.usage.max_concurrent * factor),
        "access-control-expose-headers": EXPOSED,
    }


async def _accept(request: Request, voice_id: str, body: TextToSpeechBody, output_format: str,
                  enable_logging: bool = True) -> tuple[Speech, OutputFormat]:
    state = get_state(request)
    started = time.perf_counter()
    entry = state.catalog.get(voice_id)
    if entry is None:
        raise voice_not_found(voice_id)
    model = get_model(body.model_id)
    if model is None or not model.get("can_do_text_to_speech"):
        raise ApiHTTPError(400, "invalid_model",
                           f"The model {body.model_id} does not exist or cannot do text to speech. "
                           "GET /v1/models lists the models you can use.")
    fmt = parse_format(output_format)
    # Dictionaries: an unknown one is refused before anything is charged.
    spoken, rewritten = spoken_text(body.text, dictionaries_for(state.dictionaries,
                                                                body.pronunciation_dictionary_locators), body.model_id)
    limit = request_limit(model, subscribed=state.config.tier != "free")
    if len(body.text) > limit:
        raise ApiHTTPError(400, "max_character_limit_exceeded",
                           f"You are sending {len(body.text)} characters in a single request, but the "
                           f"maximum for {body.model_id} is {limit}. Please split your text into "
                           "smaller requests.")
    cost = character_cost(model, body.text)
    headers = admit(state, model, cost)
    settings = body.voice_settings.to_settings() if body.voice_settings is not None else None
    sent = spoken.text
    for fault in request_faults(request):
        if fault.kind == "misread" and fault.word:
            # The voice says another word than it was given (the listen-check's tests).
            sent = re.sub(rf"\b{re.escape(fault.word)}\b", fault.instead, sent, count=1)
    try:
        stream = await open_stream(state.engine_provider, entry.engine_voice_id, sent,
                                   settings, body.seed, fmt,
                                   v3_tags=Capabilities("elevenlabs", body.model_id).audio_tags)
        if not spoken.is_plain:
            stream.remap = InputAlignment(spoken, rewritten)
    except Exception as error:  # any engine failure: refund and count the request as ended
        state.usage.end()
        state.usage.refund(cost)
        raise engine_failed(error) from error
    recorder = _recorder(state, entry, body, output_format, headers, cost) if enable_logging else None
    speech = Speech(state, stream, cost, headers, recorder)
    await speech.prime(started)
    await hold_first_byte(request)
    return speech, fmt


async def _first_byte_noted(speech: Speech, body: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    """``body`` as it is, noting when its first byte goes out (for measurements from outside)."""
    noted = False
    async for part in body:
        if part and not noted:
            noted = True
            speech.state.first_bytes.append((speech.headers["request-id"], time.monotonic()))
        yield part


async def _audio_bytes(speech: Speech) -> AsyncIterator[bytes]:
    async for piece in speech.pieces():
        if piece.audio:
            yield piece.audio


def _shift(alignment: dict[str, list[Any]] | None, seconds: float) -> dict[str, list[Any]] | None:
    if alignment is None or not seconds:
        return alignment
    return {
        "characters": alignment["characters"],
        "character_start_times_seconds": [round(t - seconds, 4) for t in alignment["character_start_times_seconds"]],
        "character_end_times_seconds": [round(t - seconds, 4) for t in alignment["character_end_times_seconds"]],
    }


def _chunk_object(piece: AudioPiece, index: int, faults: list[FaultSpec]) -> dict[str, Any]:
    kinds = {f.kind: f for f in faults}
    obj: dict[str, Any] = {
        "audio_base64": base64.b64encode(piece.audio).decode("ascii"),
        "alignment": piece.alignment,
        "normalized_alignment": piece.normalized_alignment,
    }
    if "relative_times" in kinds:
        obj["alignment"] = _shift(piece.alignment, piece.start_seconds)
        obj["normalized_alignment"] = _shift(piece.normalized_alignment, piece.start_seconds)
    if "invalid_base64" in kinds and index == kinds["invalid_base64"].at_chunk:
        obj["audio_base64"] = "!!not*base64" + obj["audio_base64"][:10]
    if "unequal_alignment" in kinds and index == kinds["unequal_alignment"].at_chunk and obj["alignment"]:
        obj["alignment"] = dict(obj["alignment"])
        obj["alignment"]["character_end_times_seconds"] = obj["alignment"]["character_end_times_seconds"][:-1]
    return obj


def json_line(obj: dict[str, Any]) -> bytes:
    return (json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


async def _ndjson(speech: Speech, faults: list[FaultSpec]) -> AsyncIterator[bytes]:
    malformed = next((f for f in faults if f.kind == "malformed_line"), None)
    index = 0
    async for piece in speech.pieces():
        if malformed is not None and index == malformed.at_chunk:
            yield b'{"audio_base64":"UklGR","alignment":{"characters":["H",\n'
        yield json_line(_chunk_object(piece, index, faults))
        index += 1


def merge_alignments(pieces: list[AudioPiece], key: str) -> dict[str, list[Any]] | None:
    parts = [getattr(p, key) for p in pieces if getattr(p, key) is not None]
    if not parts:
        return None
    return {name: [value for part in parts for value in part[name]]
            for name in ("characters", "character_start_times_seconds", "character_end_times_seconds")}


async def _audio_response(request: Request, voice_id: str, body: TextToSpeechBody, output_format: str,
                          enable_logging: bool) -> Response:
    """Audio bytes as they are made (convert and stream answer alike)."""
    speech, fmt = await _accept(request, voice_id, body, output_format, enable_logging)
    return StreamingResponse(_first_byte_noted(speech, deliver(_audio_bytes(speech), request_faults(request))),
                             media_type=fmt.media_type, headers=speech.headers, background=BackgroundTask(speech.end))


@router.post("/v1/text-to-speech/{voice_id}", name="tts_convert")
async def convert(request: Request, voice_id: str, body: TextToSpeechBody,
                  output_format: ConvertFormat = Query(default=DEFAULT_FORMAT),
                  enable_logging: bool = True,
                  optimize_streaming_latency: int | None = Query(default=None, ge=0, le=4)) -> Response:
    return await _audio_response(request, voice_id, body, output_format, enable_logging)


@router.post("/v1/text-to-speech/{voice_id}/stream", name="tts_stream")
async def stream(request: Request, voice_id: str, body: TextToSpeechBody,
                 output_format: StreamFormat = Query(default=DEFAULT_FORMAT),
                 enable_logging: bool = True,
                 optimize_streaming_latency: int | None = Query(default=None, ge=0, le=4)) -> Response:
    return await _audio_response(request, voice_id, body, output_format, enable_logging)


@router.post("/v1/text-to-speech/{voice_id}/with-timestamps", name="tts_with_timestamps")
async def with_timestamps(request: Request, voice_id: str, body: TextToSpeechBody,
                          output_format: ConvertFormat = Query(default=DEFAULT_FORMAT),
                          enable_logging: bool = True,
                          optimize_streaming_latency: int | None = Query(default=None, ge=0, le=4)) -> Response:
    speech, _fmt = await _accept(request, voice_id, body, output_format, enable_logging)
    pieces = [piece async for piece in speech.pieces()]
    faults = request_faults(request)
    whole = AudioPiece(b"".join(p.audio for p in pieces), merge_alignments(pieces, "alignment"),
                       merge_alignments(pieces, "normalized_alignment"), 0.0)
    payload = _chunk_object(whole, 0, [f for f in faults if f.kind in ("invalid_base64", "unequal_alignment")])
    data = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    if any(f.kind == "malformed_line" for f in faults):
        data = data[: len(data) // 2]
    return bytes_response(request, data, "application/json", headers=speech.headers,
                          background=BackgroundTask(speech.end))


@router.post("/v1/text-to-speech/{voice_id}/stream/with-timestamps", name="tts_stream_with_timestamps")
async def stream_with_timestamps(request: Request, voice_id: str, body: TextToSpeechBody,
                                 output_format: StreamFormat = Query(default=DEFAULT_FORMAT),
                                 enable_logging: bool = True,
                                 optimize_streaming_latency: int | None = Query(default=None, ge=0, le=4)) -> Response:
    speech, _fmt = await _accept(request, voice_id, body, output_format, enable_logging)
    faults = request_faults(request)
    return StreamingResponse(_first_byte_noted(speech, deliver(_ndjson(speech, faults), faults)),
                             media_type="application/json", headers=speech.headers, background=BackgroundTask(speech.end))

