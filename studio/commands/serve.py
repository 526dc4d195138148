"""``narration-studio serve``: an ElevenLabs-compatible HTTP API over the offline voice.

Point the studio (Settings → API address) or the official SDK
(``ElevenLabs(base_url="http://127.0.0.1:8000")``) at it to work with no account and no
network. It binds to loopback unless told otherwise; on any other address, set --api-key.
"""

from __future__ import annotations

import argparse
import ipaddress
import socket
import sys
from pathlib import Path

from studio.errors import StudioError

NAME = "serve"
HELP = "run an ElevenLabs-compatible speech server over the offline voice"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (default 127.0.0.1: this computer only)")
    parser.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000; 0 = any free port)")
    parser.add_argument("--api-key", default=None,
                        help="require this value in the xi-api-key header of every request")
    parser.add_argument("--catalog", type=Path, default=None,
                        help="JSON file with a list of extra voices (all spoken by the offline voice); "
                             "make one with: python -m studio.server.catalog 2000 > voices.json")
    parser.add_argument("--faults", action="store_true",
                        help="enable the /_test/faults endpoints that make requests fail on purpose (for tests)")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _listen(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind((host, port))
        listener.listen(128)
    except OSError:
        listener.close()
        raise
    return listener


def run(args: argparse.Namespace) -> int:
    import uvicorn

    from studio.logsafe import register_secret
    from studio.server.app import create_app
    from studio.server.config import ServerConfig

    if not 0 <= args.port <= 65535:
        raise StudioError(f"The port {args.port} does not exist", "Use a port from 1 to 65535, or 0 for any free port.")
    register_secret(args.api_key)
    if not _is_loopback(args.host) and not args.api_key:
        print(f"narration-studio: warning: listening on {args.host} with no --api-key: anyone who can "
              "reach this computer can use the server.", file=sys.stderr)
    config = ServerConfig(host=args.host, port=args.port, api_key=args.api_key,
                          catalog_path=args.catalog, faults_enabled=args.faults)
    app = create_app(config)
    voices = len(app.state.studio.catalog)
    try:
        # Bind first, so "--port 0" can report the port it really got.
        listener = _listen(args.host, args.port)
    except OSError as error:
        raise StudioError(f"The server could not listen on {args.host}:{args.port} ({error.strerror})",
                          "Pick another --port, or stop the program already using it.") from error
    port = listener.getsockname()[1]
    shown_host = f"[{args.host}]" if ":" in args.host else args.host
    print(f"Narration Studio speech server: http://{shown_host}:{port} ({voices} voices"
          f"{', fault injection on' if args.faults else ''}). Press Ctrl+C to stop.", file=sys.stderr, flush=True)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    server.run(sockets=[listener])
    return 0
