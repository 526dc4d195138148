"""The dictionary editor's Test button: hear one word spoken with one rule, by the current engine.

The word is spoken as a one-paragraph script through the one render path (plan, cache, engine)
with a dictionary that holds only the rule under test, so what is heard is exactly what Play
would make of the word (the offline voice needs no account); a word tested twice comes from the
speech cache. Synthesis runs in a worker and the sample plays through the voice preview's
player (:meth:`~studio.ui.voice_preview.VoicePreviewPlayer.play_fetched`), never the script's
player, so testing a rule does not disturb a Play in progress.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from studio.cancel import CancelToken
from studio.core.audio import wav_bytes
from studio.core.pronunciation import PronunciationDictionary, Rule
from studio.core.pronunciation.context import local
from studio.core.render_inputs import RenderInputs, ready_inputs, with_pronunciation
from studio.errors import StudioError
from studio.ui.voice_preview import VoicePreviewPlayer
from studio.ui.worker import WorkerPool

if TYPE_CHECKING:
    from studio.core.cache import SpeechCache


class NothingHeardError(StudioError):
    pass


def speak_rule(inputs: RenderInputs, rule: Rule, cache: SpeechCache | None, token: CancelToken) -> bytes:
    """WAV bytes of ``rule.grapheme`` spoken with ``rule`` (blocks: call in a worker)."""
    tested = (PronunciationDictionary(id="rule-test", name="Test", rules=(rule,)),)
    # Only the rule under test, applied here: the project's dictionaries need no upload for it.
    inputs = with_pronunciation(ready_inputs(replace(inputs, pending_sync=None), token), local(tested))
    wav = spoken_wav(inputs, rule.grapheme, cache, token)
    if wav is None:
        raise NothingHeardError(f"{inputs.engine_name} made no sound for “{rule.grapheme}”",
                                "Check the rule's alias or phonemes, then test again.")
    return wav


def spoken_wav(inputs: RenderInputs, text: str, cache: SpeechCache | None, token: CancelToken) -> bytes | None:
    """WAV bytes of ``text`` spoken as a one-paragraph script through the one render path
    (plan, cache, engine; ``inputs`` ready), None if nothing was heard. Blocks: call in a worker."""
    from studio.core.render import render
    from studio.core.script import Script, plan_render

    script = Script.from_text(text)
    plan = plan_render(script, inputs.settings, inputs.capabilities, cache)
    heard: list[tuple[bytes, int]] = []
    render(plan, script, inputs.backend, cache=cache, record=False, cancel=token,
           on_block=lambda block: heard.append((block.pcm, block.sample_rate or 0)))
    token.raise_if_cancelled()
    pcm = b"".join(p for p, _ in heard)
    rate = next((r for _, r in heard if r), 0)
    return wav_bytes(pcm, rate) if pcm and rate else None


class SampleSpeaker(QObject):
    """Speaks short samples (a rule's word, a speaker's line) in a worker and plays them on the
    voice preview's player; subclasses say what to speak (:meth:`_speak`)."""

    #: True while a sample is being spoken or played.
    busy_changed = Signal(bool)
    error = Signal(object)

    def __init__(self, pool: WorkerPool, inputs: Callable[[], RenderInputs], cache: SpeechCache | None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._inputs = inputs
        self._cache = cache
        self.preview = VoicePreviewPlayer(pool, self)
        self.preview.playing_changed.connect(self.busy_changed.emit)
        self.preview.error.connect(self.error.emit)
        #: The last sample made (written by its worker just before it plays; for tests).
        self.last_wav: bytes | None = None

    @property
    def busy(self) -> bool:
        return self.preview.is_active

    def _speak(self, key: str, make: Callable[[RenderInputs, SpeechCache | None, CancelToken], bytes]) -> bool:
        """Play what ``make(inputs, cache, token)`` says (in a worker); False if the window cannot speak now."""
        try:
            inputs = self._inputs()
        except StudioError as problem:
            self.error.emit(problem)
            return False
        cache = self._cache

        def speak(token: CancelToken) -> bytes:
            wav = make(inputs, cache, token)
            self.last_wav = wav
            return wav

        self.preview.play_fetched(key, speak)
        return True

    def stop(self) -> None:
        self.preview.stop()

    def shutdown(self) -> None:
        self.preview.shutdown()


class RuleTester(SampleSpeaker):
    def test(self, rule: Rule) -> None:
        self._speak(f"rule:{rule.grapheme}", lambda inputs, cache, token: speak_rule(inputs, rule, cache, token))
