"""What the takes of one paragraph look like to a person: the gutter's mark, and its words.

The gutter paints a :class:`TakeMark`; its tooltip, the accessible description and the
Paragraph menu's entries read the same facts here, so a sighted person, a screen-reader user
and the menu always agree. Plain data and text, no widgets.
"""

from __future__ import annotations

import enum
import time
from collections.abc import Callable
from dataclasses import dataclass

from studio.core.listen_check import ListenCheck
from studio.core.script import Block, Take
from studio.text_rules import is_speakable

VoiceName = Callable[[str], "str | None"]


class MarkKind(enum.Enum):
    #: Something to speak, no take yet (Play, Export or Regenerate makes one).
    EMPTY = "empty"
    #: The chosen take says what the paragraph says now (or the paragraph is locked to it).
    CURRENT = "current"
    #: The paragraph's text changed since its chosen take (or none is chosen): it needs generating.
    STALE = "stale"
    #: Nothing to speak (no letter or digit, e.g. "* * *"): there will never be a take.
    SILENT = "silent"


@dataclass(frozen=True)
class TakeMark:
    kind: MarkKind
    #: 1-based number of the chosen take (0: none chosen) and how many there are.
    chosen: int
    total: int
    locked: bool
    #: The chosen take is of other words than the paragraph has now.
    outdated: bool
    #: The listen-check of the chosen take, when it is current (None: not heard yet).
    listen: ListenCheck | None = None
    #: The chosen take is in another voice than the paragraph's speaker has now (issue 11).
    revoiced: bool = False

    @property
    def label(self) -> str:
        """ "2/3": chosen of total ("–/3" when none is chosen); empty without takes."""
        if not self.total:
            return ""
        return f"{self.chosen or '–'}/{self.total}"


def current_listen_check(block: Block) -> ListenCheck | None:
    """The listen-check of ``block``'s chosen take, if that take says what the block says now."""
    take = block.chosen_take
    if take is None or take.text != block.text:
        return None
    return take.listen_check


def listen_summary(check: ListenCheck) -> str:
    """ "listen-check 83 %, 2 flagged" (or "…, every word heard as written")."""
    if not check.flags:
        return f"listen-check {check.score:.0%}, every word heard as written"
    return f"listen-check {check.score:.0%}, {len(check.flags)} flagged"


def mark_of(block: Block, voice_id: str | None = None) -> TakeMark:
    """``voice_id``: the voice the paragraph's speaker has now (None: not checked)."""
    takes = block.takes
    chosen = block.chosen_take
    number = takes.index(chosen) + 1 if chosen is not None else 0
    outdated = chosen is not None and chosen.text != block.text
    # A recording is the narrator's own voice: no voice chosen in the cast remakes it.
    revoiced = bool(voice_id and chosen is not None and chosen.recording is None and chosen.voice_id != voice_id)
    if not takes:
        kind = MarkKind.EMPTY if is_speakable(block.text) else MarkKind.SILENT
    elif block.locked and chosen is not None:
        kind = MarkKind.CURRENT  # a locked paragraph plays its take, whatever its text says now
    elif chosen is None or outdated or revoiced:
        kind = MarkKind.STALE
    else:
        kind = MarkKind.CURRENT
    return TakeMark(kind, number, len(takes), block.locked, outdated, current_listen_check(block), revoiced)


def summary(mark: TakeMark, index: int) -> str:
    """One line: "Paragraph 3: take 2 of 3, locked" (the accessible description)."""
    if mark.kind is MarkKind.SILENT:
        state = "nothing to speak"
    elif not mark.total:
        state = "no takes yet"
    elif mark.chosen:
        state = f"take {mark.chosen} of {mark.total}"
    else:
        state = f"{mark.total} take{'s' if mark.total != 1 else ''}, none chosen"
    if mark.kind is MarkKind.STALE:
        state += (", needs generating (its text changed)" if mark.outdated else
                  ", needs generating (its speaker's voice changed)" if mark.revoiced else ", needs generating")
    if mark.locked:
        state += ", locked"
    if mark.listen is not None:
        state += f", {listen_summary(mark.listen)}"
    return f"Paragraph {index + 1}: {state}"


def when(unix: float) -> str:
    return time.strftime("%d %b %Y, %H:%M", time.localtime(unix)) if unix else "unknown"


def take_facts(take: Take, voice_name: VoiceName | None = None) -> list[str]:
    """Voice, model, when, credits and request id of a take, one per line."""
    if take.is_recording:
        return [f"Your recording: {take.recording}", f"Timed by: {take.model_id}", f"Imported: {when(take.created_unix)}",
                "Credits: none"]
    name = voice_name(take.voice_id) if voice_name is not None else None
    voice = f"{name} ({take.voice_id})" if name and name != take.voice_id else take.voice_id
    request_ids = [r for r in take.request_ids if r]
    lines = [
        f"Voice: {voice}",
        f"Model: {take.model_id} on {take.engine_id}",
        f"Made: {when(take.created_unix)}",
        f"Credits: {take.credit_cost:,.0f}" if take.credit_cost else "Credits: none",
    ]
    if request_ids:
        more = f" (+{len(request_ids) - 1} more)" if len(request_ids) > 1 else ""
        lines.append(f"Request id: {request_ids[0]}{more}")
    return lines


def tooltip(block: Block, index: int, voice_name: VoiceName | None = None, mark: TakeMark | None = None) -> str:
    """The gutter mark's tooltip: the summary, the chosen take's facts and what to do next."""
    mark = mark if mark is not None else mark_of(block)
    lines = [summary(mark, index)]
    chosen = block.chosen_take
    if chosen is not None:
        lines += take_facts(chosen, voice_name)
    if mark.kind is MarkKind.SILENT:
        lines.append("It has no letters or digits, so nothing is generated for it.")
    elif mark.kind is MarkKind.EMPTY:
        lines.append("Play it (Alt+Return) or regenerate it (Ctrl+R) to make its first take.")
    elif mark.kind is MarkKind.STALE:
        lines.append("Play or Export makes it again; Ctrl+R regenerates it now.")
    if mark.locked:
        if mark.outdated:
            lines.append("Locked to a take of its earlier words: that take is what plays.")
        lines.append("Locked: never regenerated; editing it asks first (Ctrl+L unlocks).")
    elif mark.total > 1:
        lines.append("Alt+Up / Alt+Down chooses another take.")
    if mark.listen is not None and mark.listen.flags:
        lines += [f"  {flag.describe()}" for flag in mark.listen.flags[:5]]
        if len(mark.listen.flags) > 5:
            lines.append(f"  …and {len(mark.listen.flags) - 5} more (underlined in the script)")
    return "\n".join(lines)


def take_entry(take: Take, number: int, voice_name: VoiceName | None = None) -> str:
    """A Takes submenu entry: "Take 2 · Joe · 14 Mar 2025, 10:02 · 120 credits"."""
    name = (voice_name(take.voice_id) if voice_name is not None else None) or take.voice_id
    credits = f" · {take.credit_cost:,.0f} credits" if take.credit_cost else ""
    return f"Take {number} · {name} · {when(take.created_unix)}{credits}"
