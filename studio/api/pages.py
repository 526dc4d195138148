"""Pages of voices, as openai-python does it: the page knows how to fetch the next one.

Any engine can build pages: the HTTP client passes a ``fetch_next`` that asks the server
with the page's ``next_page_token``; the offline engine may pass None (one page).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from studio.api.models import Voice

log = logging.getLogger(__name__)


@dataclass
class VoicePage:
    voices: list[Voice]
    has_more: bool = False
    total_count: int | None = None
    next_page_token: str | None = None
    fetch_next: Callable[[str], VoicePage] | None = field(default=None, repr=False, compare=False)

    def has_next_page(self) -> bool:
        return bool(self.has_more and self.next_page_token and self.fetch_next is not None)

    def next_page(self) -> VoicePage:
        if not self.has_next_page():
            raise StopIteration("no more pages")
        assert self.fetch_next is not None and self.next_page_token is not None
        return self.fetch_next(self.next_page_token)


def iter_pages(first_page: VoicePage) -> Iterator[VoicePage]:
    """Every page from ``first_page`` on, stopping if the server repeats a token."""
    page = first_page
    seen_tokens: set[str] = set()
    while True:
        yield page
        if not page.has_next_page():
            return
        token = page.next_page_token or ""
        if token in seen_tokens:
            log.warning("the server returned the same page token twice; stopping")
            return
        seen_tokens.add(token)
        page = page.next_page()


def iter_all_voices(first_page: VoicePage) -> Iterator[Voice]:
    """Each voice once, across all pages.

    Page 0 "may include more voices due to default voices being included" (ENDPOINTS.md
    §4), and those may come again later: dedupe by voice_id.
    """
    return unique_voices(voice for page in iter_pages(first_page) for voice in page.voices)


def unique_voices(voices: Iterable[Voice]) -> Iterator[Voice]:
    """Each voice_id once, in the order first seen."""
    seen: set[str] = set()
    for voice in voices:
        if voice.voice_id not in seen:
            seen.add(voice.voice_id)
            yield voice
