"""``POST /v1/forced-alignment`` over the offline recogniser.

The request is multipart (``file``, ``text``), as on the real API (ENDPOINTS-NARRATION.md
§1.5). Checks, in order: key (401) → both fields present (422, FastAPI's own body, as the real
API answers: ``{"detail": [{"type": "missing", "loc": ["body", "file"], "msg": "Field
required", "input": null}]}``) → text with words in it (422) → the file decodes as audio
(400 ``invalid_content`` "File upload is corrupted. Please ensure it is playable audio.", the
real API's answer to an unplayable upload; tests/data/api_samples). Audio below the
recogniser's 16 kHz is resampled up first (it then has nothing above 4 kHz to hear, but the
words still align).

The answer is :func:`studio.core.recording.offline.offline_forced_alignment`'s, the same
function the studio uses offline, so the server and the studio agree exactly. Its ``loss``
is the share of letters the recogniser did not hear (see that module). Nothing is charged.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from studio.errors import StudioError
from studio.server.errors import ApiHTTPError, validation_detail
from studio.server.multipart import parse_form
from studio.server.state import api_guard

router = APIRouter(dependencies=[Depends(api_guard)])

CORRUPTED = "File upload is corrupted. Please ensure it is playable audio."


@router.post("/v1/forced-alignment", name="forced_alignment")
async def forced_alignment(request: Request) -> JSONResponse:
    form = parse_form(request.headers.get("content-type", ""), await request.body())
    missing = [validation_detail(["body", name], "Field required", "missing", None)
               for name in ("file", "text") if name not in form]
    if missing:
        return JSONResponse({"detail": missing}, status_code=422)
    text = form["text"].data.decode("utf-8", errors="replace")
    from studio.text_rules import is_speakable

    if not is_speakable(text):
        return JSONResponse({"detail": [validation_detail(["body", "text"], "Text must contain words to align",
                                                          "value_error", text)]}, status_code=422)
    upload = form["file"]
    result = await run_in_threadpool(_align, upload.data, upload.filename or "upload", text)
    return JSONResponse(result)


def _align(data: bytes, filename: str, text: str) -> dict[str, Any]:
    from studio.core.recording.decode import RecordingError, decode_recording
    from studio.core.recording.offline import offline_forced_alignment

    try:
        recording = decode_recording(data, filename)
    except RecordingError:
        raise ApiHTTPError(400, "invalid_content", CORRUPTED) from None
    pcm, rate = recording.pcm, recording.sample_rate
    if rate < 16_000:
        from studio.core.audio import resample

        pcm, rate = resample(pcm, rate, 16_000), 16_000
    try:
        alignment = offline_forced_alignment(pcm, rate, text)
    except StudioError as error:
        raise ApiHTTPError(500, "something_went_wrong",
                           f"We are sorry, something went wrong ({error.cause}). You are not charged for this request.") from None
    return alignment.model_dump(include={"characters", "words", "loss"})
