"""A tiny scriptable HTTP/1.1 server on 127.0.0.1 for the client's transport tests.

The full ElevenLabs-compatible server (studio.server) tests the happy paths end to end;
this one exists to misbehave on cue over real TCP: canned errors, ``Retry-After``, slow
drips, dropped connections after N bytes, answers that never come. It records every
request (with the client's port, to see keep-alive) and notices when a client hangs up.
"""

from __future__ import annotations

import json
import socket
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit


@dataclass
class Recorded:
    method: str
    path: str
    query: list[tuple[str, str]]
    headers: dict[str, str]
    body: bytes
    client_port: int

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Reply:
    """What to answer. ``parts`` are sent chunked with ``delay`` seconds between them."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    parts: list[bytes] | None = None
    delay: float = 0.0
    #: After the parts, drop the connection instead of ending the body properly.
    drop: bool = False
    #: Keep sending ``parts[-1]`` every ``delay`` seconds until the client hangs up.
    drip_forever: bool = False
    #: Never answer (until the server stops): for read timeouts.
    hang: bool = False

    @classmethod
    def json(cls, obj: Any, status: int = 200, headers: dict[str, str] | None = None) -> Reply:
        return cls(status, {"content-type": "application/json", **(headers or {})}, json.dumps(obj).encode())


Handler = Callable[[Recorded], Reply]


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients hanging up mid-answer is what these tests do on purpose.
        if isinstance(sys.exc_info()[1], OSError):
            return
        super().handle_error(request, client_address)


class LoopbackServer:
    def __init__(self) -> None:
        self._routes: dict[tuple[str, str], list[Reply] | Handler] = {}
        self.requests: list[Recorded] = []
        self.client_gone = threading.Event()  # a drip noticed the client hung up
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        outer = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # keep test output quiet
                pass

            def setup(self) -> None:
                super().setup()
                # Headers and body go out in separate writes: without this, Nagle plus the
                # client's delayed ACK adds ~40 ms to every answer on loopback.
                self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def do_GET(self) -> None:
                outer._handle(self)

            do_POST = do_GET
            do_DELETE = do_GET

        self._server = _QuietServer(("127.0.0.1", 0), _Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def route(self, method: str, path: str, *replies: Reply | Handler) -> None:
        """Answer ``method path`` with ``replies`` in turn (the last one repeats)."""
        if len(replies) == 1 and callable(replies[0]) and not isinstance(replies[0], Reply):
            self._routes[(method, path)] = replies[0]
        else:
            self._routes[(method, path)] = list(replies)  # type: ignore[arg-type]

    def requests_to(self, path: str) -> list[Recorded]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    def start(self) -> LoopbackServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    # --- serving ----------------------------------------------------------------------

    def _handle(self, h: BaseHTTPRequestHandler) -> None:
        url = urlsplit(h.path)
        length = int(h.headers.get("content-length") or 0)
        body = h.rfile.read(length) if length else b""
        record = Recorded(
            h.command, url.path, parse_qsl(url.query, keep_blank_values=True),
            {k.lower(): v for k, v in h.headers.items()}, body, h.client_address[1],
        )
        with self._lock:
            self.requests.append(record)
            script = self._routes.get((h.command, url.path))
            if script is None:
                reply = Reply.json({"detail": {"status": "not_found", "message": "No such route"}}, 404)
            elif callable(script):
                reply = script(record)
            else:
                reply = script.pop(0) if len(script) > 1 else script[0]
        try:
            self._send(h, reply)
        except (BrokenPipeError, ConnectionResetError):
            self.client_gone.set()
            h.close_connection = True

    def _send(self, h: BaseHTTPRequestHandler, reply: Reply) -> None:
        if reply.hang:
            self._stopping.wait(30)
            h.close_connection = True
            return
        h.send_response(reply.status)
        for name, value in reply.headers.items():
            h.send_header(name, value)
        if reply.parts is None:
            h.send_header("content-length", str(len(reply.body)))
            h.end_headers()
            h.wfile.write(reply.body)
            return
        h.send_header("transfer-encoding", "chunked")
        h.end_headers()
        parts = list(reply.parts)
        index = 0
        while index < len(parts) or reply.drip_forever:
            part = parts[min(index, len(parts) - 1)]
            if index and reply.delay:
                if self._stopping.wait(reply.delay):
                    break
            if part:
                h.wfile.write(f"{len(part):x}\r\n".encode() + part + b"\r\n")
                h.wfile.flush()
            index += 1
        if reply.drop:
            h.wfile.flush()
            h.close_connection = True
            # Drop without the terminating zero-length chunk: the body is incomplete.
            h.connection.shutdown(socket.SHUT_RDWR)
            return
        h.wfile.write(b"0\r\n\r\n")
        h.wfile.flush()


def wait_for(predicate: Callable[[], bool], timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return predicate()
