"""No log line shows a registered secret: not in the message, not in a traceback, not through
a handler added after logging was set up (as uvicorn adds its own for ``serve``)."""

from __future__ import annotations

import io
import logging
import sys

from studio import logsafe
from studio.cli import configure_logging

KEY = "sk_logsafe_secret_7d1e4b90c2"


def _fail_with_the_key() -> None:
    raise RuntimeError(f"the server said: bad key {KEY}")


def test_tracebacks_and_handlers_added_later_never_show_the_key() -> None:
    configure_logging(verbose=False)
    logsafe.register_secret(KEY)
    later = io.StringIO()
    handler = logging.StreamHandler(later)  # added after set-up, with a plain formatter
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    logger = logging.getLogger("studio.test.later")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("sending %s", KEY)
        try:
            _fail_with_the_key()
        except RuntimeError:
            logger.exception("the request failed")
        logger.error("where: %s", {"key": KEY}, stack_info=True)
    finally:
        logger.removeHandler(handler)
    text = later.getvalue()
    assert "the request failed" in text and "Traceback" in text and "RuntimeError" in text  # all there...
    assert KEY not in text  # ...but the key
    assert text.count(logsafe.MASK) >= 3


def test_the_formatter_masks_its_whole_output_traceback_included() -> None:
    logsafe.register_secret(KEY)
    try:
        _fail_with_the_key()
    except RuntimeError:
        exc_info = sys.exc_info()
    # A record made without the studio's record factory (e.g. before logging was set up).
    record = logging.LogRecord("studio", logging.ERROR, __file__, 1, "got %s", (KEY,), exc_info)
    text = logsafe.SecretFormatter("%(message)s").format(record)
    assert KEY not in text and "RuntimeError" in text and f"got {logsafe.MASK}" in text
