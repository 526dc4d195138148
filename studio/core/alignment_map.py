"""Which script character each alignment character is: the one matcher for the highlight and
the subtitles.

The live highlight (:class:`studio.core.alignment_clock.AlignmentClock`, fed chunk by chunk
while playing) and the subtitles (:class:`studio.core.timeline.Timeline`, one segment at a
time) both use :class:`ScriptMatcher`, so a word is lit while it plays exactly where its
subtitle says it is.

Engines usually spell the text back exactly, but may drop or add whitespace and punctuation,
drop a letter, or now and then drop or insert a whole stretch. For each alignment character,
in order:

1. **Strict**: the next script character, skipping only whitespace and punctuation the engine
   left out (a few of them), never a letter or a digit.
2. **Anchored**: otherwise the character together with the next alignment characters
   (``ANCHOR`` in all) is looked for a little further on (``LOOKAHEAD`` characters), which
   finds the place again after the engine dropped a word.
3. **A dropped letter**: otherwise a character that is not whitespace is looked for alone,
   but only a letter or two on (``DROPPED``).
4. Otherwise the character has no counterpart (None): the engine said something the script
   does not have there, and the place in the script stays where it was.

A lone character is never looked for far ahead: "Hello  world" with a doubled space must not
light up the space after "world".

**What was sent is not always what was written** (a pause tag, a pronunciation rule: see
:class:`~studio.core.script.spoken.SpokenText`). Then the characters are matched, as above,
against the request text, and each match is mapped back to the script through the
SpokenText: a rewritten word's characters land on the word as written, a pause tag's on
nothing (never lit, never in a subtitle). :meth:`ScriptMatcher.continue_at` with a
``spoken`` does that for one part of a longer text (the live highlight);
:func:`map_alignment` for one segment (the subtitles).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from studio.core.script.spoken import SpokenText

#: Whitespace and punctuation the engine may leave out between two characters it did say.
STRICT_SKIP = 8
#: How far ahead (script characters) an anchored match may start.
LOOKAHEAD = 24
#: Alignment characters that must match together before the matcher jumps ahead.
ANCHOR = 3
#: How far ahead a shorter anchor may start: a letter or two the engine dropped.
DROPPED = 3


class ScriptMatcher:
    """Walks ``text`` in step with alignment characters; keep one per stream or segment."""

    def __init__(self, text: str, position: int = 0) -> None:
        self.text = text
        self._position = position
        #: While a part whose request text differs is matched: its SpokenText, where its
        #: script starts in ``text``, and the position in its request text.
        self._spoken: SpokenText | None = None
        self._base = 0
        self._local = 0

    @property
    def position(self) -> int:
        """Index in ``text`` just after the last matched character."""
        spoken = self._spoken
        if spoken is None:
            return self._position
        return self._base + spoken.to_script(self._local)

    @position.setter
    def position(self, value: int) -> None:
        self.continue_at(value)

    def continue_at(self, position: int, spoken: SpokenText | None = None) -> None:
        """The characters matched next are of ``text`` from ``position`` on; with ``spoken``
        (whose ``script`` sits at ``position``), of its request text, mapped back to ``text``."""
        self._position = position
        self._spoken = None if spoken is None or spoken.is_plain else spoken
        self._base = position
        self._local = 0

    def match(self, characters: Sequence[str]) -> list[int | None]:
        """For each of ``characters`` (one chunk's, in order), its index in ``text`` or None."""
        spoken = self._spoken
        if spoken is None:
            found = []
            for i in range(len(characters)):
                at, self._position = _match_one(self.text, self._position, characters, i)
                found.append(at)
            return found
        local: list[int | None] = []
        for i in range(len(characters)):
            at, self._local = _match_one(spoken.text, self._local, characters, i)
            local.append(at)
        base = self._base
        return [None if at is None else base + at for at in spoken.script_offsets(local)]


def _match_one(text: str, position: int, characters: Sequence[str], i: int) -> tuple[int | None, int]:
    """Where ``characters[i]`` is in ``text`` walking from ``position`` (see the module notes),
    and the position after it."""
    char = characters[i]
    if not char:
        return None, position
    found: int | None = None
    for probe in range(position, min(position + STRICT_SKIP, len(text))):
        if text.startswith(char, probe):
            found = probe
            break
        if text[probe].isalnum():
            break
    if found is None:
        anchor = "".join(characters[i : i + ANCHOR])
        if len(anchor) >= ANCHOR:
            found = _find(text, anchor, position, LOOKAHEAD)
        if found is None and not char.isspace():
            found = _find(text, char, position, DROPPED)
    if found is not None:
        return found, found + len(char)
    return None, position


def _find(text: str, needle: str, position: int, reach: int) -> int | None:
    """Where ``needle`` starts in ``text`` within ``reach`` characters of ``position``, or None."""
    found = text.find(needle, position, position + reach + len(needle) - 1)
    return found if found >= 0 else None


def map_alignment_to_text(characters: Sequence[str], text: str) -> list[int | None]:
    """For each aligned character, its index in ``text`` (None where it has no counterpart)."""
    return ScriptMatcher(text).match(characters)


def map_alignment(characters: Sequence[str], spoken: SpokenText) -> list[int | None]:
    """For each aligned character of a request made from ``spoken``, its index in
    ``spoken.script`` (None: no counterpart, or a pause tag)."""
    matcher = ScriptMatcher(spoken.script)
    matcher.continue_at(0, spoken)
    return matcher.match(characters)
