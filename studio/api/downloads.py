"""A streamed download (history audio, a history ZIP): read piece by piece, never all at once.

:class:`DownloadStream` wraps an open ``httpx`` response with a 2xx status. Iterate it (or
call :meth:`DownloadStream.iter_bytes`) to get the body in pieces; :meth:`close` — or the cancel
token the client was given — ends it at once, also from another thread (the socket is shut
down, which wakes a read blocked on it). What can go wrong has a typed error:

* the body breaks off (connection dropped, or fewer bytes than ``Content-Length`` promised):
  :class:`~studio.api.errors.DownloadInterruptedError` with the bytes received;
* it was cancelled: :class:`studio.cancel.Cancelled`.

A body that *ends cleanly* but short (a ZIP whose end never came) cannot be told from a whole
one here; whoever writes it to disk checks the container (:mod:`studio.core.history_files`).
"""

from __future__ import annotations

import re
import socket
import threading
from collections.abc import Callable, Iterator

import httpx

from studio.api import errors as e
from studio.api.error_mapping import error_from_transport
from studio.cancel import Cancelled

__all__ = ["DownloadStream", "read_and_close", "socket_waker"]

_FILENAME = re.compile(r'filename\*?=(?:UTF-8\'\')?"?([^";]+)"?', re.IGNORECASE)


def socket_waker(response: httpx.Response) -> Callable[[], None]:
    """A function that wakes a thread blocked reading ``response`` (shuts the socket down)."""
    stream = response.extensions.get("network_stream")

    def wake() -> None:
        sock = stream.get_extra_info("socket") if stream is not None else None
        if sock is None:
            return
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass  # already closed

    return wake


def read_and_close(response: httpx.Response) -> bytes:
    """The rest of a (small) body, or b"" if it breaks off; the response is closed either way.
    For answers whose status already said what happened (an error, a deletion)."""
    try:
        return response.read()
    except httpx.TransportError:
        return b""
    finally:
        response.close()


class DownloadStream:
    """An open download. Use as a context manager, or call :meth:`close` when done."""

    def __init__(self, response: httpx.Response, host: str, what: str) -> None:
        self._response = response
        self._host = host
        self._what = what
        self._wake = socket_waker(response)
        self._closed = threading.Event()
        self._cancelled = threading.Event()
        self._unregister: Callable[[], None] = lambda: None
        #: Bytes handed out so far.
        self.received_bytes = 0

    # -- what the server said about the body ----------------------------------------------

    @property
    def content_type(self) -> str:
        """The media type without parameters, e.g. ``audio/mpeg`` or ``application/zip``."""
        return self._response.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def content_length(self) -> int | None:
        value = self._response.headers.get("content-length")
        return int(value) if value and value.isdigit() else None

    @property
    def filename(self) -> str | None:
        """The name the server suggests (``Content-Disposition``), if any."""
        found = _FILENAME.search(self._response.headers.get("content-disposition", ""))
        return found.group(1).strip() if found else None

    @property
    def is_zip(self) -> bool:
        return self.content_type in ("application/zip", "application/x-zip-compressed")

    @property
    def headers(self) -> httpx.Headers:
        return self._response.headers

    # -- reading -----------------------------------------------------------------------------

    def iter_bytes(self, chunk_size: int | None = None) -> Iterator[bytes]:
        """The body in pieces as they arrive (of ``chunk_size`` bytes when given: those are
        held back until full, so a break loses up to one). Raises DownloadInterruptedError
        if it breaks off, Cancelled if it was cancelled (both after closing the response)."""
        try:
            for data in self._response.iter_bytes(chunk_size):
                if self._cancelled.is_set():
                    raise Cancelled()
                if data:
                    self.received_bytes += len(data)
                    yield data
        except (httpx.TransportError, httpx.StreamError) as exc:
            if self._cancelled.is_set():
                raise Cancelled() from None
            raise self._interrupted(exc) from None
        finally:
            self.close()
        if self._cancelled.is_set():
            raise Cancelled()

    def __iter__(self) -> Iterator[bytes]:
        return self.iter_bytes()

    def read_all(self) -> bytes:
        """Everything (for small bodies only: a voice preview, one short take)."""
        return b"".join(self.iter_bytes())

    def _interrupted(self, exc: BaseException) -> e.DownloadInterruptedError:
        why = error_from_transport(exc, self._host).cause if isinstance(exc, httpx.TransportError) else str(exc)
        expected = self.content_length
        of = f" of {expected}" if expected else ""
        return e.DownloadInterruptedError(
            f"The {self._what} stopped arriving part way ({why}); {self.received_bytes}{of} bytes arrived",
            "Download it again: downloading costs no credits. Nothing incomplete was kept.",
            received_bytes=self.received_bytes,
        )

    # -- ending ------------------------------------------------------------------------------

    def watch(self, cancel: object | None) -> None:
        """End the download when ``cancel`` (a :class:`studio.cancel.CancelToken`) fires."""
        on_cancel = getattr(cancel, "on_cancel", None)
        if on_cancel is not None:
            self._unregister = on_cancel(self.cancel)

    def cancel(self) -> None:
        """Stop now, from any thread; the reader gets Cancelled."""
        self._cancelled.set()
        self._wake()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def close(self) -> None:
        if self._closed.is_set():
            return
        self._closed.set()
        self._unregister()
        self._response.close()  # a half-read body closes its connection (it is not reused)

    def __enter__(self) -> DownloadStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
