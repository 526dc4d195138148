"""The window's cast (issue 11): who says each paragraph, and with which voice.

One :class:`CastController` per window, on the GUI thread. It owns the project's
:class:`~studio.core.cast.Cast` (the speakers' voices and the ``NAME: line`` switch) and sets
paragraphs' speakers in the script document (``Block.speaker``; None = the narrator):

* from the editor — the Speaker menu and the cycle key (:meth:`set_speaker`, :meth:`cycle`);
* from the text — each paragraph that is pasted, typed or edited is read with the one
  convention parser, :func:`studio.core.cast.apply_speaker_prefixes` (only those paragraphs:
  a speaker chosen from the menu for an untouched paragraph stays). Opening a project reads
  nothing here: the project has already read its text (``Project.document``).

Assigning a voice (:meth:`set_voice`) changes the cast only; the render plan keys each
paragraph by its speaker's voice, so the next Play or Export remakes exactly that speaker's
unlocked paragraphs, and :meth:`wanted_voice` lets the gutter mark them as needing
generation at once.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QObject, Signal

from studio.api.models import VoiceSettings
from studio.core.cast import NARRATOR, Cast, apply_speaker_prefixes, speaker_key
from studio.core.script import Block, Script
from studio.markup import speaker_name
from studio.ui.script_document import ScriptDocumentController


class CastController(QObject):
    #: The cast or a paragraph's speaker changed (the panel, gutter and counter follow).
    changed = Signal()

    def __init__(self, document: ScriptDocumentController, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._document = document
        self.cast = Cast()
        #: What each block's text was when its prefix was last read (see _read_prefixes).
        self._seen: dict[str, str] = {}
        self._script_id = id(document.script)
        self._remember()
        document.synced.connect(self._read_prefixes)

    # -- the project -----------------------------------------------------------------------------

    def load(self, cast: Cast | None) -> None:
        """A project was opened (or New): its cast replaces the window's."""
        self.cast = cast if cast is not None else Cast()
        self._remember()
        self.changed.emit()

    def project_field(self) -> Cast | None:
        """What the project file keeps: the cast with every speaker of the script listed."""
        return self.cast.including(self._document.script)

    # -- speakers of paragraphs --------------------------------------------------------------------

    def speakers(self) -> list[str]:
        """The narrator, then every speaker of the cast or the script (the menu's order)."""
        return [NARRATOR, *self.cast.speakers(self._document.script)]

    def document_script(self) -> Script:
        """The window's live script document (read on the GUI thread only)."""
        return self._document.script

    def speaker_of(self, block: Block) -> str:
        """The name shown for ``block``'s speaker (the narrator's for none)."""
        return self.cast.voice_for(block).name

    def set_speaker(self, block_id: str, name: str | None) -> bool:
        """``block_id`` is said by ``name`` (None or the narrator's name: the narrator)."""
        block = self._document.script.block(block_id)
        member = self.cast.member(name)
        speaker = None if member is self.cast.narrator or not speaker_key(name) else (
            member.name if member is not None else " ".join((name or "").split()))
        if block.speaker == speaker:
            return False
        block.speaker = speaker
        if member is None and speaker is not None:
            self.cast = self.cast.including(self._document.script)  # a new name joins the cast
        self._document.changed.emit()  # the gutter redraws
        self.changed.emit()
        return True

    def cycle(self, block_id: str, step: int = 1) -> str:
        """Give ``block_id`` the next speaker (after the last one, the narrator); returns it."""
        names = self.speakers()
        current = speaker_key(self.speaker_of(self._document.script.block(block_id)))
        keys = [speaker_key(n) for n in names]
        position = keys.index(current) if current in keys else 0
        chosen = names[(position + step) % len(names)] if len(names) > 1 else names[0]
        self.set_speaker(block_id, chosen)
        return chosen

    # -- voices ---------------------------------------------------------------------------------------

    def set_voice(self, name: str, voice_id: str | None, voice_settings: VoiceSettings | None = None) -> None:
        current = self.cast.member(name)
        if current is not None and (current.voice_id, current.voice_settings) == (voice_id, voice_settings):
            return
        self.cast = self.cast.with_voice(name, voice_id, voice_settings)
        self.changed.emit()
        self._document.changed.emit()  # the gutter marks the speaker's paragraphs

    def set_speaker_prefix(self, on: bool) -> None:
        """The project's ``NAME: line`` switch. Turned on, the whole script is read again;
        off, the speakers prefixes gave are the narrator again, and speakers left with no
        paragraph and no voice leave the cast."""
        if self.cast.speaker_prefix == on:
            return
        self.cast = replace(self.cast, speaker_prefix=on)
        self._document.sync()
        script = self._document.script
        if on:
            changed = bool(apply_speaker_prefixes(script, self.cast))
            self.cast = self.cast.including(script)
        else:
            # "NAME:" is now text: the speakers it gave go (one chosen from the menu stays).
            changed = False
            for block in script.blocks:
                name = speaker_name(block.text)
                if block.speaker and name is not None and speaker_key(name) == speaker_key(block.speaker):
                    block.speaker = None
                    changed = True
            used = {speaker_key(b.speaker) for b in script.blocks}
            self.cast = replace(self.cast, members=tuple(
                m for m in self.cast.members if m.has_voice or speaker_key(m.name) in used))
        if changed:
            self._document.changed.emit()
        self.changed.emit()

    def wanted_voice(self, block: Block) -> str | None:
        """The voice the cast gives ``block``'s speaker (None: the project's voice, or none chosen yet)."""
        return self.cast.voice_for(block).voice_id

    # -- reading NAME: prefixes as the person types or pastes --------------------------------------

    def _remember(self) -> None:
        self._script_id = id(self._document.script)
        self._seen = {b.id: b.text for b in self._document.script.blocks}

    def _read_prefixes(self) -> None:
        script = self._document.script
        if id(script) != self._script_id:  # another project's document: read when it was opened
            self._remember()
            return
        touched = {b.id for b in script.blocks if self._seen.get(b.id) != b.text}
        self._seen = {b.id: b.text for b in script.blocks}
        if not touched:
            return
        changed = apply_speaker_prefixes(script, self.cast, only=touched)
        if changed:
            self.cast = self.cast.including(script)
            self._document.changed.emit()
            self.changed.emit()
