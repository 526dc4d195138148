"""History and shared-library calls of :class:`~studio.api.client.ElevenLabsClient` (a mixin).

History (ENDPOINTS-NARRATION §1.3, section C); every call needs the key's ``speech_history_read``
permission (delete: ``speech_history_write``), and a refusal names it:

* :meth:`list_history` / :meth:`iter_history` — ``GET /v1/history``, cursor paging
  (``start_after_history_item_id`` ← ``last_history_item_id`` while ``has_more``);
* :meth:`get_history_item` — ``GET /v1/history/{id}``;
* :meth:`stream_history_audio` — ``GET /v1/history/{id}/audio`` as a :class:`DownloadStream`
  (pieces, cancellable; never the whole file in memory); :meth:`get_history_audio` reads it whole;
* :meth:`download_history` — ``POST /v1/history/download``: one id → that item's audio, several
  → a ZIP (by the number of ids sent, not the declared type); stream it to disk with
  :func:`studio.core.history_files.save_download`;
* :meth:`delete_history_item` — ``DELETE /v1/history/{id}`` (no undo).

A missing item is :class:`~studio.api.errors.HistoryItemNotFoundError` (404).

Shared voice library (§1.4, section D):

* :meth:`search_shared_voices` / :meth:`iter_shared_voices` — ``GET /v1/shared-voices``;
* :meth:`add_shared_voice` — ``POST /v1/voices/add/{public_user_id}/{voice_id}``; the voice is in
  ``/v2/voices`` from then on. A voice that cannot be added (gone from the library, no longer
  shared, no free voice slot) is :class:`~studio.api.errors.SharedVoiceUnavailableError`.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Literal, TypeVar
from urllib.parse import quote

import httpx
from pydantic import BaseModel, Field

from studio.api import errors as e
from studio.api.downloads import DownloadStream, read_and_close
from studio.api.error_mapping import for_history, for_shared_voice
from studio.api.models import HistoryItem, HistoryPage
from studio.api.requests import HistoryQuery, _Request
from studio.api.shared_voices import (
    AddedVoice,
    LibraryVoice,
    LibraryVoicesResponse,
    SharedVoicePage,
    SharedVoiceQuery,
    iter_shared_voices,
)

if TYPE_CHECKING:
    from studio.api.client import Cancellable

M = TypeVar("M", bound=BaseModel)

__all__ = ["HISTORY_READ", "HISTORY_WRITE", "HistoryDownloadRequest", "HistoryLibraryCalls", "VOICES_WRITE"]

#: The scoped-key permissions these calls need (named in the error when the key lacks one).
HISTORY_READ = "speech_history_read"
HISTORY_WRITE = "speech_history_write"
VOICES_WRITE = "voices_write"


class HistoryDownloadRequest(_Request):
    """The body of ``POST /v1/history/download``: at least one id; ``output_format`` "wav" or
    "default" (the spec's words), None to leave it out."""

    history_item_ids: tuple[str, ...] = Field(min_length=1, max_length=1000)
    output_format: Literal["wav", "default"] | None = None

    def to_body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"history_item_ids": list(self.history_item_ids)}
        if self.output_format is not None:
            body["output_format"] = self.output_format
        return body


class AddSharedVoiceRequest(_Request):
    new_name: str = Field(min_length=1, max_length=200)
    bookmarked: bool | None = None

    def to_body(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)


def segment(value: str, field: str) -> str:
    """A path segment, refused if empty and escaped so an id cannot change the path."""
    if not value or not value.strip():
        raise e.InvalidRequestError(f"{field.replace('_', ' ').capitalize()} is empty", "Choose one first.", field=field)
    return quote(value, safe="")


@contextlib.contextmanager
def _refined(refine: Callable[[e.ApiError], e.ApiError]) -> Iterator[None]:
    try:
        yield
    except e.ApiError as error:
        better = refine(error)
        if better is error:
            raise
        raise better from None


class HistoryLibraryCalls:
    """Mixed into ElevenLabsClient, whose request machinery these methods use."""

    _host: str
    _send: Callable[..., httpx.Response]
    _get_json: Callable[..., Any]
    _get_bytes: Callable[..., bytes]
    _parse: Callable[[type[M], Any, str], M]

    # --- history ------------------------------------------------------------------------

    def list_history(self, query: HistoryQuery | None = None) -> HistoryPage:
        """One page of ``GET /v1/history`` (newest first unless ``sort_direction="asc"``)."""
        query = (query or HistoryQuery()).check()
        with _refined(lambda error: for_history(error, HISTORY_READ)):
            data = self._get_json("/v1/history", params=query.to_params())
        return self._parse(HistoryPage, data, "history")

    def iter_history(self, query: HistoryQuery | None = None) -> Iterator[HistoryItem]:
        """Every item matching ``query``, each once, fetching pages as they are needed."""
        query = query or HistoryQuery()
        seen: set[str] = set()
        while True:
            page = self.list_history(query)
            for item in page.history:
                if item.history_item_id not in seen:
                    seen.add(item.history_item_id)
                    yield item
            last = page.last_history_item_id
            if not page.has_more or not last or last == query.start_after_history_item_id:
                return
            query = query.model_copy(update={"start_after_history_item_id": last})

    def get_history_item(self, history_item_id: str) -> HistoryItem:
        path = f"/v1/history/{segment(history_item_id, 'history_item_id')}"
        with _refined(lambda error: for_history(error, HISTORY_READ, history_item_id)):
            data = self._get_json(path)
        return self._parse(HistoryItem, data, "history item")

    def stream_history_audio(self, history_item_id: str, *, cancel: Cancellable | None = None) -> DownloadStream:
        """The item's audio (``audio/mpeg``) as an open stream; close it (``with``) when done."""
        path = f"/v1/history/{segment(history_item_id, 'history_item_id')}/audio"
        with _refined(lambda error: for_history(error, HISTORY_READ, history_item_id, "audio of history item")):
            response = self._send("GET", path, cancel=cancel)
        stream = DownloadStream(response, self._host, "history audio")
        stream.watch(cancel)
        return stream

    def get_history_audio(self, history_item_id: str, *, cancel: Cancellable | None = None) -> bytes:
        """The item's whole audio (one take is small; prefer :meth:`stream_history_audio` to play)."""
        with self.stream_history_audio(history_item_id, cancel=cancel) as stream:
            return stream.read_all()

    def download_history(self, history_item_ids: Sequence[str], *, output_format: str | None = None,
                         cancel: Cancellable | None = None) -> DownloadStream:
        """``POST /v1/history/download``: one id → its audio, several → a ZIP, as an open stream."""
        request = HistoryDownloadRequest(history_item_ids=tuple(history_item_ids), output_format=output_format)
        for item_id in request.history_item_ids:
            segment(item_id, "history_item_id")
        ids = request.history_item_ids
        what = "history item" if len(ids) == 1 else "history items"
        with _refined(lambda error: for_history(error, HISTORY_READ, ", ".join(ids), what)):
            response = self._send("POST", "/v1/history/download", json=request.to_body(), cancel=cancel)
        stream = DownloadStream(response, self._host, "history download")
        stream.watch(cancel)
        return stream

    def delete_history_item(self, history_item_id: str) -> None:
        """Delete for good (the API has no undo)."""
        path = f"/v1/history/{segment(history_item_id, 'history_item_id')}"
        with _refined(lambda error: for_history(error, HISTORY_WRITE, history_item_id)):
            response = self._send("DELETE", path)
        read_and_close(response)  # drained so the connection can be reused; the 2xx said it is gone

    # --- the shared voice library -------------------------------------------------------------

    def search_shared_voices(self, query: SharedVoiceQuery | None = None) -> SharedVoicePage:
        """One page of ``GET /v1/shared-voices``; ``page.next_page()`` fetches the next."""
        query = (query or SharedVoiceQuery()).check()
        raw = self._parse(LibraryVoicesResponse, self._get_json("/v1/shared-voices", params=query.to_params()),
                          "voice library")
        return SharedVoicePage(
            voices=raw.voices, page=query.page, has_more=raw.has_more, total_count=raw.total_count,
            fetch_page=lambda page: self.search_shared_voices(query.at_page(page)),
        )

    def iter_shared_voices(self, query: SharedVoiceQuery | None = None,
                           limit: int | None = None) -> Iterator[LibraryVoice]:
        """Library voices matching ``query`` across pages, each once, at most ``limit``."""
        return iter_shared_voices(self.search_shared_voices(query), limit)

    def add_shared_voice(self, public_user_id: str, voice_id: str, new_name: str, *,
                         bookmarked: bool | None = None) -> AddedVoice:
        """Add a library voice to the account as ``new_name``; returns its id in *my voices*.

        Not repeated on failure (``tts=True``: no automatic resend once the server may have
        acted), since a second attempt could add the voice twice."""
        body = AddSharedVoiceRequest(new_name=new_name, bookmarked=bookmarked)
        path = f"/v1/voices/add/{segment(public_user_id, 'public_user_id')}/{segment(voice_id, 'voice_id')}"
        with _refined(lambda error: for_shared_voice(error, voice_id, new_name)):
            response = self._send("POST", path, json=body.to_body(), tts=True)
        content = read_and_close(response)
        try:
            data = json.loads(content) if content else {"voice_id": voice_id}
        except ValueError:
            data = {"voice_id": voice_id}
        return self._parse(AddedVoice, data, "added voice")
