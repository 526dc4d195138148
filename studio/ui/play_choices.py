"""Which paragraphs a Play hears, and why nothing would be heard: the player's plain rules.

The paragraph (block) is the unit of listening, as of making and keeping takes:

* Play Selection hears every paragraph the selection touches (whole ones);
* ▶ after the person moved the position while stopped hears the same paragraphs again from
  that place when the text is unchanged (their takes make the audio up to it at once, free),
  otherwise from the paragraph that was heard there;
* "Nothing to play" uses the one speakable rule (:func:`studio.text_rules.is_speakable`), so
  ``* * *`` says so instead of reaching an engine that would refuse it.

Qt-free.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from studio.errors import StudioError
from studio.text_rules import is_speakable

if TYPE_CHECKING:
    from studio.core.script import Block, Script
    from studio.ui.play_session import PlaySession


class PlaybackFailedError(StudioError):
    """An unexpected failure while streaming (a bug or an engine error that is not a StudioError)."""

    retryable = True

    def __init__(self, detail: str) -> None:
        super().__init__(
            f"Playback stopped because of an unexpected problem ({detail})",
            "The audio received so far can still be played. Press Play to try again.",
        )


class ParagraphLockedError(StudioError):
    def __init__(self, number: int) -> None:
        super().__init__(f"Paragraph {number} is locked, so it keeps its take", "Unlock it first to make a new take.")


def speakable(block: Block) -> bool:
    """Whether a block would be heard at all (a locked block by its take's words)."""
    take = block.chosen_take if block.locked else None
    return is_speakable(take.text if take is not None else block.text)


def nothing_to_play(script: Script, indices: list[int], what: str) -> str | None:
    """The status to show when blocks ``indices`` have nothing to hear (None: something to hear)."""
    if any(speakable(script.blocks[i]) for i in indices):
        return None
    if not script.text.strip():
        return "Nothing to play: the script is empty"
    return f"Nothing to play: {what} has no words to read aloud, only punctuation or symbols"


def resume_from(session: PlaySession, script: Script, position: float) -> tuple[list[int], float]:
    """(block indices, where in their track to start) for ▶ after the position was moved to
    ``position`` while stopped (see the module notes)."""
    ids = session.block_ids
    known = {b.id for b in script.blocks}
    if not session.edits.edited and all(i in known for i in ids):
        return [script.index_of(i) for i in ids], position
    heard = session.block_at(position)
    first = ids.index(heard.block_id) if heard is not None else 0
    return [script.index_of(i) for i in ids[first:] if i in known], 0.0
