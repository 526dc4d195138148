"""Keeps secrets out of every log record.

The API key is registered here when it is loaded; a filter on the root logger's handlers
replaces it wherever it appears in a formatted message, including the debug output of
httpx and httpcore (which log request headers at TRACE/DEBUG level in some versions).
The client also never puts the key into a message itself; this is the second line of defence.
"""

from __future__ import annotations

import logging
import threading

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


class SecretFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


_filter = SecretFilter()


def install_secret_filter(logger: logging.Logger | None = None) -> None:
    """Attach the filter to every handler of ``logger`` (the root logger by default)."""
    target = logger or logging.getLogger()
    for handler in target.handlers:
        if _filter not in handler.filters:
            handler.addFilter(_filter)
