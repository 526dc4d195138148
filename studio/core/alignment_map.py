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
"""

from __future__ import annotations

from collections.abc import Sequence

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
        #: Index in ``text`` just after the last matched character.
        self.position = position

    def match(self, characters: Sequence[str]) -> list[int | None]:
        """For each of ``characters`` (one chunk's, in order), its index in ``text`` or None."""
        return [self._match_one(characters, i) for i in range(len(characters))]

    def _match_one(self, characters: Sequence[str], i: int) -> int | None:
        char = characters[i]
        if not char:
            return None
        text, position = self.text, self.position
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
            self.position = found + len(char)
        return found


def _find(text: str, needle: str, position: int, reach: int) -> int | None:
    """Where ``needle`` starts in ``text`` within ``reach`` characters of ``position``, or None."""
    found = text.find(needle, position, position + reach + len(needle) - 1)
    return found if found >= 0 else None


def map_alignment_to_text(characters: Sequence[str], text: str) -> list[int | None]:
    """For each aligned character, its index in ``text`` (None where it has no counterpart)."""
    return ScriptMatcher(text).match(characters)
