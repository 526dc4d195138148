"""Keeps secrets out of every log line, tracebacks included.

The API key is registered here when it is loaded; :func:`redact` replaces every registered
secret in a text. Two places apply it, because a log line is made of more than its message:

* :class:`SecretFormatter` redacts the whole formatted output — message, traceback and stack
  — of the handlers the studio sets up (the CLI's stderr handler).
* :func:`install_secret_redaction` makes every log record safe where it is created (message,
  traceback rendered into ``exc_text``, stack), so handlers added later by anyone — uvicorn's
  for ``serve``, a test's, a library's — with formatters we never see cannot show a secret
  either. httpx and httpcore log request details at DEBUG; this covers them too.

The client also never puts the key into a message itself; this is the second line of defence.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

_lock = threading.Lock()
_secrets: set[str] = set()
MASK = "[hidden]"


def register_secret(value: str | None) -> None:
    if value and len(value) >= 4:
        with _lock:
            _secrets.add(value)


def redact(text: str) -> str:
    with _lock:
        secrets = list(_secrets)
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, MASK)
    return text


class SecretFormatter(logging.Formatter):
    """A Formatter whose entire output has every registered secret masked."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


_traceback_renderer = logging.Formatter()
_installed_factory: Any = None


def _make_safe(record: logging.LogRecord) -> None:
    try:
        message = record.getMessage()
    except Exception:  # noqa: BLE001 - a bad format string is the handler's to report, unchanged
        return
    cleaned = redact(message)
    if cleaned != message:
        record.msg, record.args = cleaned, None
    if record.exc_info and not record.exc_text:
        # Rendered once, here, so any formatter prints this (safe) text instead of its own.
        record.exc_text = redact(_traceback_renderer.formatException(record.exc_info))
    if record.stack_info:
        record.stack_info = redact(record.stack_info)


def install_secret_redaction() -> None:
    """Redact every log record from now on, for every handler (idempotent)."""
    global _installed_factory
    current = logging.getLogRecordFactory()
    if current is _installed_factory:
        return

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = current(*args, **kwargs)
        _make_safe(record)
        return record

    _installed_factory = factory
    logging.setLogRecordFactory(factory)
