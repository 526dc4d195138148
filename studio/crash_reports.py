"""What happens when something breaks that nobody expected: a crash report, never the key.

An unexpected exception on any thread is written to a report file in the state folder
(``crash-reports/``) with the version and platform, so a narrator can send it in. The whole
report passes through :func:`studio.logsafe.redact`, so the API key can never be in it even
when an exception's message quotes it, and no environment variables are recorded. The GUI
registers a notifier to tell the person where the report is; the script is safe
regardless, because autosave keeps a recovery copy.
"""

from __future__ import annotations

import logging
import platform
import sys
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

import platformdirs

from studio import __version__
from studio.core.files import write_atomically
from studio.logsafe import redact

log = logging.getLogger(__name__)
APP_DIR_NAME = "narration-studio"

Notifier = Callable[[Path], None]


def reports_dir() -> Path:
    return Path(platformdirs.user_state_dir(APP_DIR_NAME)) / "crash-reports"


def report_text(kind: type[BaseException], error: BaseException, tb: TracebackType | None,
                thread_name: str) -> str:
    lines = [
        f"Narration Studio {__version__} crash report",
        f"time: {time.strftime('%Y-%m-%d %H:%M:%S %z')}",
        f"python: {platform.python_version()} ({platform.python_implementation()})",
        f"platform: {platform.platform()}",
        f"thread: {thread_name}",
        "",
        *traceback.format_exception(kind, error, tb),
    ]
    return redact("\n".join(line.rstrip("\n") for line in lines) + "\n")


def write_report(kind: type[BaseException], error: BaseException, tb: TracebackType | None,
                 thread_name: str = "main", folder: Path | None = None) -> Path:
    folder = folder or reports_dir()
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path = folder / f"crash-{stamp}-{threading.get_ident() % 10000:04d}.txt"
    write_atomically(path, report_text(kind, error, tb, thread_name).encode("utf-8"))
    return path


class CrashHandler:
    """Installs itself as ``sys.excepthook`` and ``threading.excepthook``."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder
        self.notifiers: list[Notifier] = []
        self._previous_hook = sys.excepthook
        self._previous_thread_hook = threading.excepthook

    def install(self) -> CrashHandler:
        sys.excepthook = self._on_exception
        threading.excepthook = self._on_thread_exception
        return self

    def uninstall(self) -> None:
        sys.excepthook = self._previous_hook
        threading.excepthook = self._previous_thread_hook

    def _on_exception(self, kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            self._previous_hook(kind, error, tb)
            return
        self.handle(kind, error, tb, threading.current_thread().name)

    def _on_thread_exception(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None:
            return
        name = args.thread.name if args.thread is not None else "worker"
        self.handle(args.exc_type, args.exc_value, args.exc_traceback, name)

    def handle(self, kind: type[BaseException], error: BaseException, tb: TracebackType | None,
               thread_name: str) -> Path | None:
        try:
            path = write_report(kind, error, tb, thread_name, self.folder)
        except OSError as write_error:
            print(f"narration-studio: an unexpected error happened and its report could not be saved "
                  f"({write_error}): {redact(str(error))}", file=sys.stderr)
            return None
        print(f"narration-studio: an unexpected error happened; a report was saved to {path}", file=sys.stderr)
        for notify in list(self.notifiers):
            try:
                notify(path)
            except Exception:  # noqa: BLE001 - telling the person must never crash again
                log.exception("crash notifier failed")
        return path
