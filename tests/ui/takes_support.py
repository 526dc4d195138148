"""Helpers for the takes UI tests: takes (made for real, or described), answering the lock question."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from studio.core.script import Take
from studio.core.script.document import TakePart

ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier


def described_take(text: str, key: str, **facts: Any) -> Take:
    """A take as a project file would describe it (its audio is not needed by the editor)."""
    values: dict[str, Any] = {"voice_id": "joe", "model_id": "offline-model", "engine_id": "offline",
                              "output_format": "pcm_22050"}
    values.update(facts)
    request_id = values.pop("request_id", None)
    return Take(id=key, text=text, parts=(TakePart(key, 0, len(text), request_id=request_id),),
                spoken_key=key, **values)


def generate_takes(window: Any, indices: list[int]) -> dict[str, Take]:
    """Speak paragraphs ``indices`` of the window's script with its real engine (the offline
    voice) through the one render path, and give the takes to the window's document.
    Blocks the test (not the app) while Piper speaks."""
    from studio.core.render import render
    from studio.core.render_inputs import render_inputs
    from studio.core.script import Script, plan_render

    window.document.sync()
    backend = window.session.backend
    voice = window.voices.current_voice
    inputs = render_inputs(backend, voice_id=voice.voice_id, model_id=window.settings.state().model_id,
                           voice_settings=window.settings.voice_settings(), seed=window.settings.state().seed)
    snapshot = window.document.snapshot()
    wanted = Script([snapshot.blocks[i] for i in indices])
    plan = plan_render(wanted, inputs.settings, inputs.capabilities, window._cache, regenerate=[b.id for b in wanted])
    result = render(plan, wanted, backend, cache=window._cache, record=False)
    for block_id, take in result.new_takes.items():
        assert window.document.add_take(block_id, take)
    return result.new_takes


class LockQuestions:
    """Answers every locked-paragraph question while it runs, and records what each one said.

    ``unlock`` is the answer ("Unlock and Edit" or "Keep It Locked"); change it between
    steps. A question nobody expected is answered too, so a test fails on its count
    instead of hanging on a modal dialog.
    """

    def __init__(self) -> None:
        self.unlock = False
        self.asked: list[str] = []
        self._timer = QTimer()
        self._timer.setInterval(10)
        self._timer.timeout.connect(self._answer)
        self._timer.start()

    #: The question's object name and its two answers (yes, no): subclasses answer other questions.
    QUESTION, ANSWERS = "lockedParagraphQuestion", ("Unlock and Edit", "Keep It Locked")

    def _answer(self) -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox) and box.objectName() == self.QUESTION and box.isVisible():
            self.asked.append(box.text())
            wanted = self.ANSWERS[0] if self.unlock else self.ANSWERS[1]
            next(b for b in box.buttons() if b.text().replace("&", "") == wanted).click()

    def stop(self) -> None:
        self._timer.stop()


@pytest.fixture
def lock_questions() -> Iterator[LockQuestions]:
    questions = LockQuestions()
    yield questions
    questions.stop()
