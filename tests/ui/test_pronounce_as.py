"""Fix a word in one gesture (issue 12, point 5): right-click → "Pronounce “Nguyen” as…" → the rule.

The real window on the local ElevenLabs-compatible server over loopback (Piper speaks behind
it): the word right-clicked with the mouse, the alias typed, the export made with the dialog;
text-to-speech requests counted at the server. Only the paragraphs that say the word are made
again; locked ones only when the person says so. On this engine the dictionary is uploaded to
the account and the server applies it (issue 12, point 3): the requests carry the script's own
words and the dictionary's locator, as the command line's do.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from studio.core.pronunciation import AliasRule
from tests.fixtures.local_server import LocalServer
from tests.integration.export.conftest import tts_requests
from tests.ui.pronunciation_support import LockedWordQuestions, pronounce_as, spy_requests
from tests.ui.test_export_plan import account, close, connect, export_from, takes, type_script, wait_counted

__all__ = ["account"]  # the module's server fixture, shared

PARAGRAPHS = [
    "Mr Nguyen opened the shop at nine.",
    "The street was still quiet.",
    "By ten, Nguyen had swept the step.",
    "A bus went by without stopping.",
    "Later, Mrs Nguyen brought the tea.",
]
SCRIPT = "\n\n".join(PARAGRAPHS)


def answering(again: bool, then: Callable[[], object]) -> list[str]:
    """Run ``then`` answering the locked-paragraph question with ``again``; the questions asked."""
    questions = LockedWordQuestions(again=again)
    try:
        then()
    finally:
        questions.stop()
    return questions.asked


def made_once(qtbot: Any, window: Any, tmp_path: Path) -> None:
    type_script(qtbot, window, SCRIPT)
    close(qtbot, export_from(qtbot, window, tmp_path / "before.wav"))
    qtbot.waitUntil(lambda: takes(window) == [1] * len(PARAGRAPHS), timeout=5000)
    wait_counted(qtbot, window)
    assert window.counter.stats.requests == 0


def test_pronounce_as_makes_only_the_paragraphs_with_the_word_again(
        qtbot: Any, make_window: Any, account: LocalServer, tmp_path: Path) -> None:
    window = connect(qtbot, make_window(), account)
    made_once(qtbot, window, tmp_path)
    window.project.mark_clean()

    label = pronounce_as(qtbot, window, SCRIPT.index("Nguyen had"), "win")
    assert label == "Pronounce “Nguyen” as…"
    assert window.pronunciation.controller.own.rules == (AliasRule("Nguyen", "win"),)
    assert window.project.dirty  # the rule is the project's work: saved, autosaved
    assert "makes 3 paragraphs again" in window.status.currentMessage()
    wait_counted(qtbot, window)
    assert (window.counter.stats.requests, window.counter.stats.paragraphs_made) == (3, 2)

    sent = spy_requests(window)
    account.clear_requests()
    close(qtbot, export_from(qtbot, window, tmp_path / "after.wav"))
    assert tts_requests(account) == 3
    assert sorted(r.text for r in sent) == sorted(p for p in PARAGRAPHS if "Nguyen" in p)  # the server applies it
    assert all(len(r.pronunciation_dictionary_locators or ()) == 1 for r in sent)
    qtbot.waitUntil(lambda: takes(window) == [2, 1, 2, 1, 2], timeout=5000)

    account.clear_requests()  # and then nothing is made again
    close(qtbot, export_from(qtbot, window, tmp_path / "again.wav"))
    assert tts_requests(account) == 0


def test_a_locked_paragraph_with_the_word_asks_first_and_both_answers_hold(
        qtbot: Any, make_window: Any, account: LocalServer, tmp_path: Path) -> None:
    window = connect(qtbot, make_window(), account)
    made_once(qtbot, window, tmp_path)
    first = window.document.script.blocks[0]
    window.document.set_locked(first.id, True)
    kept = first.chosen_take_id

    # "Leave Them": the locked paragraph keeps its take; the two unlocked ones are made again.
    asked = answering(again=False, then=lambda: pronounce_as(qtbot, window, SCRIPT.index("Nguyen opened"), "win"))
    assert asked == ["Paragraph 1 is locked and say “Nguyen”."]
    assert "makes 2 paragraphs again" in window.status.currentMessage()
    account.clear_requests()
    close(qtbot, export_from(qtbot, window, tmp_path / "left.wav"))
    assert tts_requests(account) == 2
    assert first.locked and first.chosen_take_id == kept and len(first.takes) == 1

    # "Make Them Again": a rule for a word of the locked paragraph; it is made once, stays locked.
    asked = answering(again=True, then=lambda: pronounce_as(qtbot, window, SCRIPT.index("shop"), "shoppe"))
    assert asked == ["Paragraph 1 is locked and say “shop”."]
    assert "makes 1 paragraph again" in window.status.currentMessage()
    sent = spy_requests(window)
    account.clear_requests()
    close(qtbot, export_from(qtbot, window, tmp_path / "again.wav"))
    assert tts_requests(account) == 1
    assert [r.text for r in sent] == [PARAGRAPHS[0]] and sent[0].pronunciation_dictionary_locators
    assert first.locked and len(first.takes) == 2 and first.chosen_take_id == first.takes[-1].id
    account.clear_requests()  # locked again with its new take: never made again
    close(qtbot, export_from(qtbot, window, tmp_path / "after.wav"))
    assert tts_requests(account) == 0
