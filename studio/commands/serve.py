"""``narration-studio serve``: an ElevenLabs-compatible HTTP API over the offline voice.

Point the studio (Settings → API address) or the official SDK
(``ElevenLabs(base_url="http://127.0.0.1:8000")``) at it to work with no account and no
network. It binds to loopback unless told otherwise; on any other address, set a key.

The key the server requires can come from a file (``--api-key-file``) or the environment
variable ``NARRATION_STUDIO_SERVER_KEY``, so it need not be on the command line, where every
user of the computer can read it in the process list. ``--api-key VALUE`` still works.
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
from pathlib import Path

from studio.errors import StudioError

ENV_SERVER_KEY = "NARRATION_STUDIO_SERVER_KEY"

NAME = "serve"
HELP = "run an ElevenLabs-compatible speech server over the offline voice"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (default 127.0.0.1: this computer only)")
    parser.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000; 0 = any free port)")
    key = parser.add_mutually_exclusive_group()
    key.add_argument("--api-key-file", type=Path, default=None, metavar="FILE",
                     help="require the key in FILE (its first line) in the xi-api-key header of every request")
    key.add_argument("--api-key", default=None, metavar="KEY",
                     help=f"the same with the key itself; it is then visible in the process list: prefer "
                          f"--api-key-file or the {ENV_SERVER_KEY} environment variable")
    parser.add_argument("--catalog", type=Path, default=None,
                        help="JSON file with a list of extra voices (all spoken by the offline voice); "
                             "make one with: python -m studio.server.catalog 2000 > voices.json")
    parser.add_argument("--faults", action="store_true",
                        help="enable the /_test/* endpoints that make requests fail on purpose (for tests; they "
                             "need the same key as the API)")
    # Measurements only (bench/player.py): a voice of tones, kept out of the help and the voice list.
    parser.add_argument("--tone-voice", action="store_true", help=argparse.SUPPRESS)


def _server_key(args: argparse.Namespace) -> str | None:
    """The key to require: --api-key, else --api-key-file, else $NARRATION_STUDIO_SERVER_KEY."""
    if args.api_key is not None:
        key: str | None = args.api_key
    elif args.api_key_file is not None:
        path = args.api_key_file.expanduser()
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as error:
            reason = getattr(error, "strerror", None) or "not UTF-8 text"
            raise StudioError(f"The key file {path} could not be read ({reason})",
                              "Check the path given to --api-key-file and that you may read the file.") from None
        key = lines[0] if lines else ""
        if key.strip() and path.stat().st_mode & 0o044:
            print(f"narration-studio: warning: {path} can be read by other users; chmod 600 it.", file=sys.stderr)
    else:
        key = os.environ.get(ENV_SERVER_KEY)
        if key is None:
            return None
    if not key or not key.strip():
        raise StudioError("The server key is empty", f"Put the key in the file or in {ENV_SERVER_KEY}, or leave "
                          "both out to run without a key (this computer only).")
    return key.strip()


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

    from studio.api.auth import is_loopback_host
    from studio.logsafe import register_secret
    from studio.server.app import create_app
    from studio.server.config import ServerConfig

    if not 0 <= args.port <= 65535:
        raise StudioError(f"The port {args.port} does not exist", "Use a port from 1 to 65535, or 0 for any free port.")
    api_key = _server_key(args)
    register_secret(api_key)
    if not is_loopback_host(args.host) and not api_key:
        print(f"narration-studio: warning: listening on {args.host} with no key (--api-key-file or "
              f"{ENV_SERVER_KEY}): anyone who can reach this computer can use the server.", file=sys.stderr)
    config = ServerConfig(host=args.host, port=args.port, api_key=api_key,
                          catalog_path=args.catalog, faults_enabled=args.faults,
                          tone_voice=args.tone_voice)
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
