"""What one engine is sent for a piece of script, and where each sent character came from.

"What you see is what you wrote": the narrator's script may hold pause tags and words a
pronunciation rule rewrites ("Nguyen" spoken as "win"), so the text an engine is sent differs
from the script. :class:`SpokenText` is that request text plus the map back to the script, so
the highlight and the subtitles show and time the script's own words, and a pause is never
lit, never read aloud, never a subtitle.

Built by :meth:`SpokenText.build` from

* the script text (a block's, or one part of it),
* the :class:`~studio.core.script.capabilities.Capabilities` of the model it is for (how a
  pause is sent: as the break tag, as v3's pause tag, or not at all), and
* optional :class:`Rewrite` s on the script text (pronunciation rules produce them;
  :mod:`studio.core.script.spoken` does not know where they come from).

The request text is made of pieces, each a stretch of the script:

``copy``     sent as written; character ``i`` of the piece is script character ``start + i``.
``rewrite``  a rule's replacement; its characters spread over the script word it replaces
             (first to first, last to last), so the whole word is lit while they play.
``markup``   a pause tag as the model takes it; never a script character for the highlight or
             the subtitles (:meth:`SpokenText.script_offsets` gives None), but it keeps its
             script span (:attr:`Pause.script_start`) for messages and editing.

With no markup and no rewrite the request text IS the script text and :attr:`signature` is
empty, so cache keys of plain text are what they always were.

No Qt, no I/O. v3 audio tags (``[whispers]``, issue 11) are ``markup`` pieces too: sent as
written to a model whose capabilities take audio tags (listed in :attr:`SpokenText.audio_tags`,
so they are neither words nor lit), sent as nothing to every other model and the offline
engine. v3's pause tags go to other models as the break tag of their length.
"""

from __future__ import annotations

import bisect
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from studio.markup import Markup, blank, break_tag, find_markup, v3_pause_tag
from studio.markup import speaker_prefix as find_speaker_prefix
from studio.text_rules import is_speakable

if TYPE_CHECKING:
    from studio.core.script.capabilities import Capabilities

__all__ = ["Pause", "Rewrite", "SpokenText"]

_COPY, _REWRITE, _MARKUP = "copy", "rewrite", "markup"


@dataclass(frozen=True, slots=True)
class Rewrite:
    """Say ``replacement`` instead of ``script[start:end]``; ``rule_id`` names the rule (for keys)."""

    start: int
    end: int
    replacement: str
    rule_id: str


@dataclass(frozen=True, slots=True)
class Pause:
    """A pause in the request text (``start``/``end``) and in the script (``script_*``)."""

    seconds: float
    start: int
    end: int
    script_start: int
    script_end: int


@dataclass(frozen=True, slots=True)
class _Piece:
    start: int  # in the request text
    end: int
    script_start: int
    script_end: int
    kind: str


@dataclass(frozen=True, slots=True)
class SpokenText:
    """The request text for a piece of script; see the module notes."""

    #: What the engine is sent.
    text: str
    #: The script text it was made from (offsets below are into this).
    script: str
    pauses: tuple[Pause, ...] = ()
    #: Short digest of the rewrites applied, in order ("" when none): part of cache keys.
    signature: str = ""
    #: Ids of the rules that matched, in script order (a rule may match more than once).
    rule_ids: tuple[str, ...] = ()
    #: Where v3 audio tags sit in :attr:`text` (``[whispers]``): sent, never read, never lit.
    audio_tags: tuple[tuple[int, int], ...] = ()
    _pieces: tuple[_Piece, ...] = field(default=(), repr=False, compare=False)
    _starts: tuple[int, ...] = field(default=(), repr=False, compare=False)
    #: Script spans said by a replacement, in order.
    _rewrites: tuple[tuple[int, int], ...] = field(default=(), repr=False, compare=False)

    # -- building ---------------------------------------------------------------------------

    @classmethod
    def plain(cls, script: str) -> SpokenText:
        """``script`` sent as written (no markup understood, no rewrite): no pieces, identity offsets."""
        return cls(script, script)

    @classmethod
    def build(
        cls,
        script: str,
        capabilities: Capabilities | None = None,
        rewrites: Iterable[Rewrite] = (),
        *,
        speaker_prefix: bool = False,
    ) -> SpokenText:
        """The request text of ``script`` for ``capabilities``' model (None: break tags sent as
        written). Raises :class:`~studio.markup.MarkupError` for a malformed or too long pause.

        ``speaker_prefix``: ``script`` starts a paragraph under the ``NAME: line`` convention
        (issue 11), so a ``NAME: `` prefix there is markup sent as nothing (never spoken, lit
        or subtitled), like a pause for a model that takes none.

        Rewrites that overlap a tag or an earlier rewrite, or fall outside ``script``, are
        skipped (the first one at a place wins, as in ElevenLabs' dictionaries).
        """
        rewrites = tuple(rewrites)
        v3_tags = capabilities.audio_tags if capabilities is not None else False
        prefix = find_speaker_prefix(script) if speaker_prefix else None
        if not rewrites and prefix is None and "<" not in script and "[" not in script:
            return cls.plain(script)  # the common case, planned for every paragraph: no search
        pause_style = capabilities.pause_style if capabilities is not None else "break"
        # Audio tags are found for every model: sent to v3 as written, removed for the rest
        # (issue 11); an unknown bracketed word is refused only for v3, which would act it out.
        markup = find_markup(script, v3_tags=v3_tags, audio_tags=True, refuse_unknown_tags=v3_tags)
        if prefix is not None:
            markup = [prefix, *(m for m in markup if m.start >= prefix.end)]
        # A tag is never rewritten, nor a word with a tag in it: the pause must survive.
        rewrite_list = [r for r in rewrites if not any(r.start < m.end and m.start < r.end for m in markup)]
        if not markup and not rewrite_list:
            return cls.plain(script)
        events: list[tuple[int, int, Markup | Rewrite]] = [(m.start, 0, m) for m in markup]
        events += [(r.start, 1 + i, r) for i, r in enumerate(rewrite_list)]
        events.sort(key=lambda e: (e[0], e[1]))
        out: list[str] = []
        pieces: list[_Piece] = []
        pauses: list[Pause] = []
        tags: list[tuple[int, int]] = []  # audio tags sent (v3), in the request text
        applied: list[tuple[str, str]] = []
        length = 0  # of the request text so far
        position = 0  # in the script

        def emit(sent: str, script_start: int, script_end: int, kind: str) -> None:
            nonlocal length
            if not sent:
                return
            pieces.append(_Piece(length, length + len(sent), script_start, script_end, kind))
            out.append(sent)
            length += len(sent)

        for start, _order, event in events:
            if start < position or event.end > len(script) or event.end < start:
                continue  # overlaps what is already placed, or outside the script
            if isinstance(event, Rewrite) and event.end == start:
                continue  # an empty match replaces nothing
            emit(script[position:start], position, start, _COPY)
            if isinstance(event, Markup):
                if event.is_pause:
                    sent = _pause_as(event, script, pause_style)
                elif event.kind == "audio_tag" and v3_tags:
                    sent = script[event.start : event.end]  # v3 acts it out; never lit
                    tags.append((length, length + len(sent)))
                else:
                    sent = ""  # a speaker prefix, or an audio tag for a model that takes none
                if sent and event.is_pause:
                    pauses.append(Pause(event.seconds, length, length + len(sent), event.start, event.end))
                emit(sent, event.start, event.end, _MARKUP)
            else:
                emit(event.replacement, event.start, event.end, _REWRITE)
                applied.append((event.rule_id, event.replacement))
            position = event.end
        emit(script[position:], position, len(script), _COPY)
        signature = _signature(applied)
        return cls(
            "".join(out), script, tuple(pauses), signature, tuple(r for r, _ in applied), tuple(tags),
            _pieces=tuple(pieces), _starts=tuple(p.start for p in pieces),
            _rewrites=tuple((p.script_start, p.script_end) for p in pieces if p.kind == _REWRITE),
        )

    # -- questions ----------------------------------------------------------------------------

    @property
    def is_plain(self) -> bool:
        """Sent exactly as written, nothing to skip: offsets are the same in both texts."""
        return self.text == self.script and not self.pauses and not self.signature and not self.audio_tags

    @property
    def speakable(self) -> bool:
        """Whether anything would be heard besides pauses (the studio's one rule on the words)."""
        return is_speakable(self.words())

    @property
    def pause_seconds(self) -> float:
        """All its pauses together: the silence a part with nothing else to say is made of."""
        return sum(p.seconds for p in self.pauses)

    def words(self) -> str:
        """The request text with every tag blanked (same length): what is read aloud."""
        return blank(self.text, [(p.start, p.end) for p in self.pauses] + list(self.audio_tags))

    def _piece_at(self, index: int) -> _Piece | None:
        if not self._pieces:
            return None
        at = bisect.bisect_right(self._starts, index) - 1
        return self._pieces[max(at, 0)]

    def to_script(self, index: int) -> int:
        """The script offset of request character ``index`` (``len(text)`` → ``len(script)``)."""
        if index >= len(self.text):
            return len(self.script)
        if index < 0:
            raise IndexError(index)
        piece = self._piece_at(index)
        if piece is None:
            return index
        return _within(piece, index)

    def script_offsets(self, indices: Sequence[int | None]) -> list[int | None]:
        """Script offsets of many request characters at once (alignments): None stays None,
        and so does a character of a tag (never lit, never in a subtitle)."""
        if self.is_plain:
            return list(indices)
        pieces, starts, size = self._pieces, self._starts, len(self.text)
        result: list[int | None] = []
        cursor = 0
        for index in indices:
            if index is None or not 0 <= index < size:
                result.append(None)
                continue
            # Alignments run forwards: step the cursor instead of a search per character.
            if not pieces[cursor].start <= index < pieces[cursor].end:
                cursor = max(bisect.bisect_right(starts, index) - 1, 0)
            piece = pieces[cursor]
            result.append(None if piece.kind == _MARKUP else _within(piece, index))
        return result

    def rewritten_at(self, script_offset: int) -> bool:
        """Whether script character ``script_offset`` is said by a rule's replacement."""
        spans = self._rewrites
        if not spans:
            return False
        at = bisect.bisect_right(spans, (script_offset, len(self.script) + 1)) - 1
        return at >= 0 and spans[at][0] <= script_offset < spans[at][1]

    def script_span(self, start: int, end: int) -> tuple[int, int]:
        """The script range request range ``[start, end)`` comes from (whole rewritten words)."""
        if start >= end:
            at = self.to_script(start)
            return at, at
        first = self._piece_at(start)
        last = self._piece_at(end - 1)
        lo = first.script_start if first is not None and first.kind != _COPY else self.to_script(start)
        hi = last.script_end if last is not None and last.kind != _COPY else self.to_script(end - 1) + 1
        return lo, max(lo, hi)


def _within(piece: _Piece, index: int) -> int:
    if piece.kind == _COPY:
        return piece.script_start + (index - piece.start)
    if piece.kind == _MARKUP:
        return piece.script_start
    sent = piece.end - piece.start
    written = piece.script_end - piece.script_start
    if sent <= 1 or written <= 1:
        return piece.script_start
    # First character to the word's first, last to its last, the rest spread evenly between.
    return piece.script_start + ((index - piece.start) * (written - 1) + (sent - 1) // 2) // (sent - 1)


def _pause_as(markup: Markup, script: str, style: str) -> str:
    """How a pause tag is sent: as written (break tags honoured), as v3's tag, or not at all."""
    if markup.kind == "v3_pause":
        if style == "pause_tag":
            return script[markup.start : markup.end]  # v3 takes it as written
        # Any other model: the pause the narrator meant, as its break tag (the offline engine
        # makes that silence too), never the words "pause".
        return break_tag(markup.seconds) if style == "break" else ""
    if style == "break":
        return script[markup.start : markup.end]
    if style == "pause_tag":
        return v3_pause_tag(markup.seconds)
    return ""


def _signature(applied: list[tuple[str, str]]) -> str:
    if not applied:
        return ""
    blob = json.dumps(applied, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]
