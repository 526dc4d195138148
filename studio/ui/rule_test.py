"""The dictionary editor's Test button: hear one word spoken with one rule, by the current engine.

The word is spoken as a one-paragraph script through the one render path (plan, cache, engine)
with a dictionary that holds only the rule under test, so what is heard is exactly what Play
would make of the word (the offline voice needs no account); a word tested twice comes from the
speech cache. Synthesis runs in a worker; the audio plays through the preview player
(:class:`~studio.playback.preview_player.PreviewPlayer`, the voice-sample path), never the
script's player, so testing a rule does not disturb a Play in progress.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from studio.cancel import CancelToken
from studio.core.audio import wav_bytes
from studio.core.pronunciation import PronunciationDictionary, Rule
from studio.core.pronunciation.context import local
from studio.core.render_inputs import RenderInputs, ready_inputs, with_pronunciation
from studio.errors import StudioError
from studio.ui.worker import Worker, WorkerPool

if TYPE_CHECKING:
    from studio.core.cache import SpeechCache
    from studio.playback.preview_player import PreviewPlayer


class NothingHeardError(StudioError):
    pass


def speak_rule(inputs: RenderInputs, rule: Rule, cache: SpeechCache | None, token: CancelToken) -> bytes:
    """WAV bytes of ``rule.grapheme`` spoken with ``rule`` (blocks: call in a worker)."""
    from studio.core.render import render
    from studio.core.script import Script, plan_render

    tested = (PronunciationDictionary(id="rule-test", name="Test", rules=(rule,)),)
    inputs = with_pronunciation(ready_inputs(inputs, token), local(tested))  # only the rule under test
    script = Script.from_text(rule.grapheme)
    plan = plan_render(script, inputs.settings, inputs.capabilities, cache)
    heard: list[tuple[bytes, int]] = []
    render(plan, script, inputs.backend, cache=cache, record=False, cancel=token,
           on_block=lambda block: heard.append((block.pcm, block.sample_rate or 0)))
    token.raise_if_cancelled()
    pcm = b"".join(p for p, _ in heard)
    rate = next((r for _, r in heard if r), 0)
    if not pcm or not rate:
        raise NothingHeardError(f"{inputs.engine_name} made no sound for “{rule.grapheme}”",
                                "Check the rule's alias or phonemes, then test again.")
    return wav_bytes(pcm, rate)


class RuleTester(QObject):
    #: True while a test is being spoken or played.
    busy_changed = Signal(bool)
    error = Signal(object)

    def __init__(self, pool: WorkerPool, inputs: Callable[[], RenderInputs], cache: SpeechCache | None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = pool
        self._inputs = inputs
        self._cache = cache
        self._worker: Worker | None = None
        self._player: PreviewPlayer | None = None
        self.last_wav: bytes | None = None  # what the last test played (tests read it)

    @property
    def busy(self) -> bool:
        return self._worker is not None or bool(self._player and self._player.is_playing)

    def test(self, rule: Rule) -> None:
        self.stop()
        try:
            inputs = self._inputs()
        except StudioError as problem:
            self.error.emit(problem)
            return
        worker = Worker(lambda token: speak_rule(inputs, rule, self._cache, token))
        worker.signals.finished.connect(lambda wav, w=worker: self._play(w, wav))
        worker.signals.errored.connect(lambda error, w=worker: self._failed(w, error))
        self._worker = worker
        self.busy_changed.emit(True)
        self._pool.start(worker)

    def stop(self) -> None:
        if self._worker is not None:
            self._worker.cancel()
            self._worker = None
        if self._player is not None:
            self._player.stop()
        self.busy_changed.emit(False)

    def shutdown(self) -> None:
        self.stop()
        if self._player is not None:
            self._player.shutdown()

    def _play(self, worker: Worker, wav: bytes) -> None:
        if worker is not self._worker:
            return  # another test began meanwhile
        self._worker = None
        self.last_wav = wav
        if self._player is None:  # QtMultimedia is slow to start: only when a test is heard
            from studio.playback.preview_player import PreviewPlayer

            self._player = PreviewPlayer(self)
            self._player.playing_changed.connect(lambda playing: None if playing else self.busy_changed.emit(False))
            self._player.error.connect(self.error.emit)
        if not self._player.play_bytes(wav, ".wav"):
            self.busy_changed.emit(False)

    def _failed(self, worker: Worker, error: BaseException) -> None:
        if worker is not self._worker:
            return
        self._worker = None
        self.busy_changed.emit(False)
        self.error.emit(error)
