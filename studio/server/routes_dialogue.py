"""The four Text to Dialogue endpoints (ENDPOINTS-NARRATION.md §1.1 and section A).

``/v1/text-to-dialogue`` and ``/stream`` send audio bytes as they are made;
``/with-timestamps`` one JSON object ``{audio_base64, alignment, normalized_alignment,
voice_segments}``; ``/stream/with-timestamps`` one such object per line (NDJSON, like the TTS
stream-with-timestamps route). Speech: :mod:`studio.server.dialogue_speech`.

Checks, in order: key (401) → body/query (422: ``inputs`` missing or empty, an input's text
with nothing to speak, settings/seed out of range, more than 3 dictionary locators) → model
(400 ``invalid_model`` when it does not exist or cannot do dialogue: the capability table's
``dialogue``) → voices (404 ``voice_not_found`` naming the first unknown one) → more than
:data:`MAX_DIALOGUE_VOICES` distinct voices (400 ``too_many_voices``; the spec's prose limit)
→ dictionaries (404) → total characters over the model's limit (400
``max_character_limit_exceeded``) → concurrency (429) → quota (401). Nothing is charged until
every check passed; an engine failure before any audio refunds the request.

A dialogue sent to its end is recorded in the server's history like text to speech (unless
``enable_logging=false``): the spec's dialogue item, its lines in ``dialogue`` with their voices'
names, the top-level ``text`` and ``voice_id`` empty (null here), ``source`` "TTS" (the spec's
enum has no dialogue value; a choice), the audio as sent and the whole dialogue's alignment.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response, StreamingResponse
from starlette.background import BackgroundTask

from studio.api.dialogue import MAX_DIALOGUE_VOICES
from studio.api.models import VoiceSettings
from studio.core.script.capabilities import Capabilities
from studio.server.catalog import CatalogEntry
from studio.server.delivery import bytes_response, deliver
from studio.server.dialogue_speech import DialoguePiece, DialogueStream, Turn, merge_segments
from studio.server.errors import ApiHTTPError, voice_not_found
from studio.server.history_audio import content_type_of
from studio.server.history_store import HistoryRecorder
from studio.server.formats import DEFAULT_FORMAT, ConvertFormat, StreamFormat, parse_format
from studio.server.models_data import character_cost, get_model, request_limit
from studio.server.pronounce import dictionaries_for, spoken_text
from studio.server.routes_history import dialogue_history_item
from studio.server.routes_tts import Speech, admit, engine_failed, json_line, merge_alignments
from studio.server.schemas import DialogueBody
from studio.server.state import ServerState, api_guard, get_state, hold_first_byte, request_faults

router = APIRouter(dependencies=[Depends(api_guard)])


class DialogueSpeech(Speech):
    """One accepted dialogue request. :meth:`Speech.pieces` serves it as it serves speech: each
    piece fed to the history recorder, the item recorded only when the dialogue was sent to its
    end; the stream's ``cancel`` stops the input being spoken."""

    stream: DialogueStream  # type: ignore[assignment]


def _recorder(state: ServerState, body: DialogueBody, entries: list[CatalogEntry], output_format: str,
              headers: dict[str, str], cost: int) -> HistoryRecorder:
    settings = None if body.settings is None else body.settings.model_dump(exclude_none=True) or None
    item = dialogue_history_item(
        history_item_id=headers["history-item-id"], request_id=headers["request-id"],
        lines=[(item.text, entry.voice) for item, entry in zip(body.inputs, entries, strict=True)],
        model_id=body.model_id, settings=settings, cost=cost, count_after=state.usage.character_count,
        output_format=output_format, content_type=content_type_of(output_format))
    return HistoryRecorder(state.history, item)


def _check_model(model_id: str) -> dict[str, Any]:
    model = get_model(model_id)
    if model is None or not model.get("can_do_text_to_speech") or not Capabilities("elevenlabs", model_id).dialogue:
        raise ApiHTTPError(400, "invalid_model",
                           f"The model {model_id} does not exist or does not support text to dialogue. "
                           "GET /v1/models lists the models; dialogue needs an Eleven v3 model.")
    return model


async def _accept(request: Request, body: DialogueBody, output_format: str,
                  enable_logging: bool = True) -> DialogueSpeech:
    state = get_state(request)
    started = time.perf_counter()
    model = _check_model(body.model_id)
    entries = []
    for item in body.inputs:
        entry = state.catalog.get(item.voice_id)
        if entry is None:
            raise voice_not_found(item.voice_id)
        entries.append(entry)
    distinct = len({item.voice_id for item in body.inputs})
    if distinct > MAX_DIALOGUE_VOICES:
        raise ApiHTTPError(400, "too_many_voices",
                           f"The dialogue uses {distinct} different voices, but at most "
                           f"{MAX_DIALOGUE_VOICES} unique voice IDs are allowed in one request. "
                           "Split the dialogue into several requests.")
    dictionaries = dictionaries_for(state.dictionaries, body.pronunciation_dictionary_locators)
    turns = []
    for index, (item, entry) in enumerate(zip(body.inputs, entries, strict=True)):
        spoken, rewritten = spoken_text(item.text, dictionaries, body.model_id)
        turns.append(Turn(index, item.voice_id, entry.engine_voice_id, spoken, rewritten))
    total = sum(len(item.text) for item in body.inputs)
    limit = request_limit(model, subscribed=state.config.tier != "free")
    if total > limit:
        raise ApiHTTPError(400, "max_character_limit_exceeded",
                           f"You are sending {total} characters in a single request, but the maximum "
                           f"for {body.model_id} is {limit}. Please split your dialogue into smaller requests.")
    cost = character_cost(model, "".join(item.text for item in body.inputs))
    headers = admit(state, model, cost)
    fmt = parse_format(output_format)
    settings = None
    if body.settings is not None and body.settings.stability is not None:
        settings = VoiceSettings(stability=body.settings.stability)
    stream = DialogueStream(state.engine_provider, turns, fmt, settings, body.seed,
                            v3_tags=Capabilities("elevenlabs", body.model_id).audio_tags)
    try:
        await stream.first_stream()
    except Exception as error:  # any engine failure: refund and count the request as ended
        state.usage.end()
        state.usage.refund(cost)
        raise engine_failed(error) from error
    headers["tts-latency-ms"] = str(int((time.perf_counter() - started) * 1000))
    await hold_first_byte(request)
    # Recorded like text to speech, unless the request asks for zero retention.
    recorder = _recorder(state, body, entries, output_format, headers, cost) if enable_logging else None
    return DialogueSpeech(state, stream, cost, headers, recorder)  # type: ignore[arg-type]


def _chunk_object(piece: DialoguePiece) -> dict[str, Any]:
    return {
        "audio_base64": base64.b64encode(piece.audio).decode("ascii"),
        "alignment": piece.alignment,
        "normalized_alignment": piece.normalized_alignment,
        "voice_segments": piece.voice_segments,
    }


async def _audio_bytes(speech: DialogueSpeech) -> AsyncIterator[bytes]:
    async for piece in speech.pieces():
        if piece.audio:
            yield piece.audio


async def _ndjson(speech: DialogueSpeech) -> AsyncIterator[bytes]:
    async for piece in speech.pieces():
        yield json_line(_chunk_object(piece))


async def _audio_response(request: Request, body: DialogueBody, output_format: str,
                          enable_logging: bool) -> Response:
    speech = await _accept(request, body, output_format, enable_logging)
    fmt = parse_format(output_format)
    return StreamingResponse(deliver(_audio_bytes(speech), request_faults(request)),
                             media_type=fmt.media_type, headers=speech.headers, background=BackgroundTask(speech.end))


@router.post("/v1/text-to-dialogue", name="dialogue_convert")
async def convert(request: Request, body: DialogueBody,
                  output_format: ConvertFormat = Query(default=DEFAULT_FORMAT),
                  enable_logging: bool = True) -> Response:
    return await _audio_response(request, body, output_format, enable_logging)


@router.post("/v1/text-to-dialogue/stream", name="dialogue_stream")
async def stream(request: Request, body: DialogueBody,
                 output_format: StreamFormat = Query(default=DEFAULT_FORMAT),
                 enable_logging: bool = True) -> Response:
    return await _audio_response(request, body, output_format, enable_logging)


@router.post("/v1/text-to-dialogue/with-timestamps", name="dialogue_with_timestamps")
async def with_timestamps(request: Request, body: DialogueBody,
                          output_format: ConvertFormat = Query(default=DEFAULT_FORMAT),
                          enable_logging: bool = True) -> Response:
    speech = await _accept(request, body, output_format, enable_logging)
    pieces = [piece async for piece in speech.pieces()]
    whole = DialoguePiece(b"".join(p.audio for p in pieces), merge_alignments(pieces, "alignment"),
                          merge_alignments(pieces, "normalized_alignment"), merge_segments(pieces))
    data = json.dumps(_chunk_object(whole), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return bytes_response(request, data, "application/json", headers=speech.headers,
                          background=BackgroundTask(speech.end))


@router.post("/v1/text-to-dialogue/stream/with-timestamps", name="dialogue_stream_with_timestamps")
async def stream_with_timestamps(request: Request, body: DialogueBody,
                                 output_format: StreamFormat = Query(default=DEFAULT_FORMAT),
                                 enable_logging: bool = True) -> Response:
    speech = await _accept(request, body, output_format, enable_logging)
    return StreamingResponse(deliver(_ndjson(speech), request_faults(request)),
                             media_type="application/json", headers=speech.headers, background=BackgroundTask(speech.end))
