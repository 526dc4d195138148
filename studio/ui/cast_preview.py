"""The Cast panel's Preview: hear one line of a speaker in the voice the cast gives them.

The line is the speaker's first paragraph that has something to speak (its ``NAME:`` prefix
left out, by the one grammar :func:`studio.markup.speaker_prefix`), or a greeting when the
script has none yet. It is spoken like the dictionary editor's Test
(:func:`studio.ui.rule_test.spoken_wav`: the one render path, cached) in a worker, and played
through the voice preview's player, so a preview never disturbs a Play in progress.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from studio.cancel import CancelToken
from studio.core.cast import CastMember, speaker_key
from studio.core.render_inputs import RenderInputs, ready_inputs
from studio.core.script import Script
from studio.errors import StudioError
from studio.markup import speaker_prefix
from studio.text_rules import is_speakable
from studio.ui.rule_test import SampleSpeaker, spoken_wav
from studio.ui.worker import WorkerPool

if TYPE_CHECKING:
    from studio.core.cache import SpeechCache

#: Said when the speaker has no paragraph yet.
GREETING = "Hello, this is {name}."


class NothingHeardError(StudioError):
    pass


def preview_line(script: Script, member: CastMember, narrator: bool) -> str:
    """The line a preview of ``member`` says (see the module notes)."""
    key = "" if narrator else speaker_key(member.name)
    for block in script.blocks:
        if speaker_key(block.speaker) != key:
            continue
        prefix = speaker_prefix(block.text)
        line = block.text[prefix.end:] if prefix is not None else block.text
        if is_speakable(line):
            return line.strip()
    return GREETING.format(name=member.name)


def speaker_inputs(inputs: RenderInputs, member: CastMember) -> RenderInputs:
    """``inputs`` speaking with ``member``'s voice and settings (the project's where it has none)."""
    settings = inputs.settings
    changes: dict[str, object] = {"voice_id": member.voice_id or settings.voice_id,
                                  "voice_settings": member.voice_settings or settings.voice_settings}
    if getattr(settings, "cast", None) is not None:
        changes["cast"] = None  # one line, one voice: the one chosen here
    return replace(inputs, settings=replace(settings, **changes))  # type: ignore[arg-type]


class CastPreview(SampleSpeaker):
    """Preview of a speaker; :attr:`playing` names the one being heard ("" when none)."""

    def __init__(self, pool: WorkerPool, inputs: Callable[[], RenderInputs], cache: SpeechCache | None,
                 parent: QObject | None = None) -> None:
        super().__init__(pool, inputs, cache, parent)
        self._name = ""
        self.busy_changed.connect(self._on_busy)
        #: The last line spoken (for tests: what was heard).
        self.last_line: str | None = None

    @property
    def playing(self) -> str:
        return self._name

    def toggle(self, script: Script, member: CastMember, narrator: bool) -> None:
        """Preview ``member`` (or stop, if it is the one playing)."""
        if self._name and speaker_key(self._name) == speaker_key(member.name):
            self.stop()
            return
        line = preview_line(script, member, narrator)

        def make(inputs: RenderInputs, cache: SpeechCache | None, token: CancelToken) -> bytes:
            ready = speaker_inputs(ready_inputs(inputs, token), member)
            wav = spoken_wav(ready, line, cache, token)
            if wav is None:
                raise NothingHeardError(f"{ready.engine_name} made no sound for {member.name}'s line",
                                        "Check the speaker's voice, then preview again.")
            self.last_line = line
            return wav

        if self._speak(f"cast:{member.name}", make):
            self._name = member.name
            self.busy_changed.emit(True)  # the name is known now: the panel shows Stop on its row

    def _on_busy(self, busy: bool) -> None:
        if not busy:
            self._name = ""
