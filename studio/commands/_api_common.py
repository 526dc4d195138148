"""What the ``voices`` and ``models`` commands share: a client built from the environment,
and plain-text tables.

The key comes from the keyring or ``ELEVENLABS_API_KEY``; the address from the saved
preference, else ``ELEVENLABS_BASE_URL``, else the real API. With no key the commands still
run: a server that needs none (``narration-studio serve``) answers, and one that needs a key
says so in words (MissingApiKeyError).
"""

from __future__ import annotations

from collections.abc import Sequence

from studio.api.client import ElevenLabsClient


def _saved_base_url() -> str | None:
    from studio.core.preferences import PreferencesStore

    return PreferencesStore().load().base_url  # no or unreadable preferences load as defaults


def client_from_environment() -> ElevenLabsClient:
    return ElevenLabsClient.from_environment(_saved_base_url())


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Columns padded to their widest cell; the last column is not padded."""
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(headers)]
    lines = []
    for cells in [list(headers), *[list(r) for r in rows]]:
        padded = [c.ljust(w) for c, w in zip(cells[:-1], widths[:-1])] + [cells[-1]]
        lines.append("  ".join(padded).rstrip())
    return "\n".join(lines)
