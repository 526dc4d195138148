"""The cast of a script: who speaks each paragraph, and with which voice (issue 11).

* A paragraph's speaker is :attr:`Block.speaker <studio.core.script.document.Block.speaker>`:
  a name, or None for the narrator. Names match case-insensitively (``ALICE:`` in the text and
  "Alice" in the cast are one speaker), see :func:`speaker_key`.
* :class:`Cast` maps names to :class:`CastMember` (voice id and voice settings, each None
  until chosen). The narrator is a member too (:data:`NARRATOR`); its ``voice_id`` None means
  "the project's voice", which is what every paragraph without a speaker has always used.
  :meth:`Cast.voice_for` answers "which voice says this block".
* The plain-text convention ``NAME: line`` at a paragraph's start sets the speaker
  (:func:`apply_speaker_prefixes`: the ONE function the editor calls on paste and the project
  calls on open). It is on by default and switched per project (:attr:`Cast.speaker_prefix`).
  The prefix stays in the text the person sees; the render plan leaves it out of what is sent
  (:meth:`SpokenText.build(..., speaker_prefix=True) <studio.core.script.spoken.SpokenText.build>`),
  so the highlight and subtitles map through it like through a pause tag. Its grammar is
  :func:`studio.markup.speaker_prefix`.

Immutable values (frozen dataclasses, also read and written by pydantic inside a project file):
change a cast with :meth:`Cast.with_member` / :meth:`Cast.with_voice`. No Qt, no I/O.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from studio.api.models import VoiceSettings
from studio.markup import speaker_name

if TYPE_CHECKING:
    from studio.core.script.document import Block, Script

__all__ = ["NARRATOR", "Cast", "CastMember", "apply_speaker_prefixes", "parse_cast_option", "speaker_key"]

#: The narrator's name in the cast (paragraphs whose ``speaker`` is None).
NARRATOR = "Narrator"


def speaker_key(name: str | None) -> str:
    """How speaker names compare: case and surrounding/inner runs of spaces ignored ("" = narrator)."""
    return " ".join((name or "").split()).casefold()


@dataclass(frozen=True)
class CastMember:
    """One speaker and the voice they speak with (None: not chosen yet)."""

    name: str
    voice_id: str | None = None
    #: None: the project's voice settings.
    voice_settings: VoiceSettings | None = None

    @property
    def has_voice(self) -> bool:
        return bool(self.voice_id)


@dataclass(frozen=True)
class Cast:
    """The speakers of a script with their voices, and the per-project prefix switch."""

    members: tuple[CastMember, ...] = ()
    #: Read ``NAME: line`` at a paragraph's start as the speaker (and do not speak the prefix).
    speaker_prefix: bool = True
    narrator: CastMember = field(default_factory=lambda: CastMember(NARRATOR))

    def member(self, name: str | None) -> CastMember | None:
        """The member called ``name`` (None or the narrator's name: the narrator)."""
        key = speaker_key(name)
        if not key or key == speaker_key(self.narrator.name):
            return self.narrator
        return next((m for m in self.members if speaker_key(m.name) == key), None)

    def voice_for(self, block: Block) -> CastMember:
        """Who says ``block``: its speaker's member, or a member with no voice yet for a
        speaker the cast does not list. The narrator's member for a block with no speaker."""
        found = self.member(block.speaker)
        return found if found is not None else CastMember(block.speaker or NARRATOR)

    @property
    def names(self) -> list[str]:
        return [m.name for m in self.members]

    def speakers(self, script: Script) -> list[str]:
        """The cast's names, then speakers of ``script`` it does not list (first-use order)."""
        names = self.names
        seen = {speaker_key(n) for n in names}
        for block in script.blocks:
            key = speaker_key(block.speaker)
            if key and key not in seen:
                seen.add(key)
                names.append(" ".join((block.speaker or "").split()))
        return names

    def with_member(self, member: CastMember) -> Cast:
        """A copy with ``member`` added or replacing the one of its name (the narrator too)."""
        key = speaker_key(member.name)
        if not key or key == speaker_key(self.narrator.name):
            return replace(self, narrator=replace(member, name=self.narrator.name))
        members = list(self.members)
        for i, existing in enumerate(members):
            if speaker_key(existing.name) == key:
                members[i] = member
                break
        else:
            members.append(member)
        return replace(self, members=tuple(members))

    def with_voice(self, name: str, voice_id: str | None, voice_settings: VoiceSettings | None = None) -> Cast:
        """A copy where ``name`` speaks with ``voice_id`` (and ``voice_settings``)."""
        current = self.member(name)
        return self.with_member(CastMember(current.name if current is not None else name, voice_id, voice_settings))

    def including(self, script: Script) -> Cast:
        """A copy that also lists every speaker of ``script`` (with no voice yet)."""
        cast = self
        for name in self.speakers(script):
            if cast.member(name) is None:
                cast = cast.with_member(CastMember(name))
        return cast


def apply_speaker_prefixes(script: Script, cast: Cast | None = None, *,
                           only: Collection[str] | None = None) -> list[str]:
    """Set each block's speaker from a ``NAME: line`` prefix (the one convention parser).

    Called on open (all blocks) and on paste (``only``: the ids of the added or edited
    blocks). Does nothing when ``cast`` has the convention switched off. A block without a
    prefix keeps the speaker it has (one set from the margin stays). A name the cast already
    lists takes the cast's spelling. Returns the ids of the blocks whose speaker changed.
    """
    if cast is not None and not cast.speaker_prefix:
        return []
    changed: list[str] = []
    for block in script.blocks:
        if only is not None and block.id not in only:
            continue
        name = speaker_name(block.text)
        if name is None:
            continue
        member = cast.member(name) if cast is not None else None
        speaker = None if member is not None and cast is not None and member is cast.narrator else (
            member.name if member is not None else name)
        if block.speaker != speaker:
            block.speaker = speaker
            changed.append(block.id)
    return changed


def parse_cast_option(value: str | Iterable[str], cast: Cast | None = None) -> Cast:
    """``NAME=VOICE_ID[,NAME=VOICE_ID…]`` (the CLI's ``--cast``, may repeat) onto ``cast``.

    Raises ValueError naming the item that is not ``NAME=VOICE_ID``.
    """
    items = [value] if isinstance(value, str) else list(value)
    result = cast or Cast()
    for item in (piece.strip() for text in items for piece in text.split(",")):
        if not item:
            continue
        name, sep, voice_id = item.partition("=")
        if not sep or not name.strip() or not voice_id.strip():
            raise ValueError(f"{item!r} is not NAME=VOICE_ID")
        current = result.member(name.strip())
        result = result.with_voice(name.strip(), voice_id.strip(),
                                   current.voice_settings if current is not None else None)
    return result
