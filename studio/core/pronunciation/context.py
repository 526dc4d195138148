"""How one render applies pronunciation rules: by the server (locators) or on our side.

A :class:`Pronunciation` travels with the render settings. It holds the dictionaries in order
and, when the account has them (:mod:`studio.core.pronunciation.sync`), the
``pronunciation_dictionary_locators`` to send. Then the service applies the rules and the
request text stays the script's; otherwise (offline, or a server without dictionaries) the
rules are applied here, before synthesis, through :class:`~studio.core.script.spoken.SpokenText`,
whose map keeps the highlight and subtitles on the script's own words.

Either way :meth:`Pronunciation.rewrites` says which rules matched where, and that (never the
locators or a dictionary's version id) is what enters a part's cache key through
``SpokenText.signature``: adding a rule for a word re-voices only the parts containing the word.
When the server applies the rules, each rewrite "replaces" the word by itself (so the request
text is unchanged) and keeps the rule's id, so the signature still changes with the rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from studio.api.requests import PronunciationDictionaryLocator
from studio.core.pronunciation.attached import check_count
from studio.core.pronunciation.matching import Rewrite, rewrites
from studio.core.pronunciation.rules import PronunciationDictionary

if TYPE_CHECKING:
    from studio.core.script.capabilities import Capabilities
    from studio.core.script.plan import Rewriter
    from studio.core.script.spoken import SpokenText


@dataclass(frozen=True)
class Pronunciation:
    dictionaries: tuple[PronunciationDictionary, ...] = ()
    #: Set when the service applies the rules: one per dictionary with rules, in order.
    locators: tuple[PronunciationDictionaryLocator, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "dictionaries", tuple(self.dictionaries))
        object.__setattr__(self, "locators", tuple(self.locators))
        check_count(len(self.dictionaries))

    @property
    def applied_by_server(self) -> bool:
        return bool(self.locators)

    @property
    def is_empty(self) -> bool:
        return not any(d.rules for d in self.dictionaries)

    def rewrites(self, text: str, capabilities: Capabilities | None = None) -> list[Rewrite]:
        """What the rules do to ``text`` for this model; identity rewrites when the server applies them."""
        found = rewrites(text, self.dictionaries, capabilities)
        if not self.applied_by_server:
            return found
        return [Rewrite(r.start, r.end, text[r.start:r.end], r.rule_id) for r in found]

    def rewriter(self, capabilities: Capabilities | None) -> Rewriter | None:
        """The render settings' ``rewriter`` for this model (None: no rules at all)."""
        if self.is_empty:
            return None
        return lambda text: self.rewrites(text, capabilities)

    def spoken(self, text: str, capabilities: Capabilities | None = None) -> SpokenText:
        """The :class:`~studio.core.script.spoken.SpokenText` for ``text`` (pause tags included)."""
        from studio.core.script.spoken import SpokenText

        return SpokenText.build(text, capabilities, self.rewrites(text, capabilities))

    def request_locators(self) -> tuple[PronunciationDictionaryLocator, ...] | None:
        return self.locators or None


def local(dictionaries: Sequence[PronunciationDictionary]) -> Pronunciation:
    """Rules applied on our side (offline engine, or a server without dictionaries)."""
    return Pronunciation(tuple(dictionaries))
