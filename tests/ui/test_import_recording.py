"""File ▸ Import Recording in the real window: a recording of the script (real offline-voice
speech in a WAV file) becomes the paragraphs' takes, Play lights each paragraph when its words
are heard, and bad input leaves the script untouched with a message naming the file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer

from studio.core.script.document import paragraph_spans
from tests.fixtures.recording import narration
from tests.ui.conftest import activate

pytestmark = pytest.mark.slow
CTRL = Qt.KeyboardModifier.ControlModifier
#: How far from when its first word is heard the highlight may enter a paragraph (the
#: highlight is sampled every 20 ms and the aligner's start has its own error).
TOLERANCE_S = 0.25


def _import(qtbot: Any, window: Any, path: Path) -> None:
    window.recordings._ask_path = lambda _parent, _directory: str(path)
    window.import_recording_action.trigger()  # File ▸ Import Recording…
    qtbot.waitUntil(lambda: not window.recordings.is_running, timeout=120000)


def _state(window: Any) -> list[tuple[str, str, str | None, int]]:
    window.document.sync()
    return [(b.id, b.text, b.chosen_take_id, len(b.takes)) for b in window.document.script]


def test_import_makes_recording_takes_and_play_highlights_them(qtbot: Any, offline_window: Any, tmp_path: Path) -> None:
    window = offline_window
    speech = narration()
    window.script.editor.setPlainText(speech.text)
    path = speech.write(tmp_path, "my take", "wav")
    with qtbot.waitSignal(window.recordings.imported, timeout=120000):
        _import(qtbot, window, path)
    blocks = window.document.script.blocks
    assert all(b.chosen_take is not None and b.chosen_take.recording == "my take.wav" for b in blocks)
    message = window.script.message.text
    assert "“my take.wav”" in message and "the offline recogniser" in message and "3 paragraphs" in message
    assert window.project.dirty  # the takes are work to save
    from studio.ui.take_marks import tooltip

    assert "Your recording: my take.wav" in tooltip(blocks[0], 0)

    spans = paragraph_spans(speech.text)
    seen: list[tuple[float, int]] = []
    sampler = QTimer()
    sampler.setInterval(20)
    sampler.timeout.connect(lambda: seen.append((window.player.highlight_clock, window.player.highlighted_index))
                            if window.player.highlighted_index is not None else None)
    made: list[str] = []
    window.player.take_made.connect(lambda block_id, _take: made.append(block_id))
    activate(qtbot, window)
    sampler.start()
    qtbot.keyClick(window.script.editor, Qt.Key.Key_Return, CTRL)  # Play Script
    qtbot.waitUntil(lambda: bool(seen) and seen[-1][1] >= spans[2][0], timeout=60000)
    sampler.stop()
    window.player.stop()
    for paragraph in (1, 2):
        entered = next(clock for clock, index in seen if index >= spans[paragraph][0])
        assert abs(entered - speech.first_word_starts[paragraph]) < TOLERANCE_S, (paragraph, entered)
        # Never lit before its words could be heard.
        assert all(index < spans[paragraph][0] for clock, index in seen
                   if clock < speech.first_word_starts[paragraph] - TOLERANCE_S)
    assert made == []  # nothing was generated: the recording was played
    assert all(b.chosen_take is not None and b.chosen_take.is_recording for b in window.document.script.blocks)


@pytest.mark.parametrize("case", ["not audio", "silent", "another script"])
def test_bad_input_names_the_file_and_leaves_the_script_untouched(qtbot: Any, offline_window: Any, tmp_path: Path,
                                                                  case: str) -> None:
    window = offline_window
    speech = narration()
    window.script.editor.setPlainText(speech.text)
    if case == "not audio":
        path = tmp_path / "notes.wav"
        path.write_text("These are my notes, not a recording.\n" * 50)
        expected = ("“notes.wav” is not audio", "WAV, FLAC or MP3")
    elif case == "silent":
        path = tmp_path / "muted.flac"
        import soundfile

        soundfile.write(path, [0.0] * 22050 * 2, 22050, format="FLAC")
        expected = ("“muted.flac” is silent", "microphone")
    else:
        path = speech.write(tmp_path, "take", "wav")
        window.script.editor.setPlainText(
            "A quick brown fox jumps over the lazy dog while the farmer sells potatoes at the market.\n\n"
            "But the children play football in the park all afternoon.")
        expected = ("“take.wav” does not seem to read this script", "edit the script")
    before = _state(window)
    _import(qtbot, window, path)
    message = window.script.message
    assert message.isVisible() and all(part in message.text for part in expected), message.text
    assert _state(window) == before
    assert window.recordings.progress is None  # the progress dialog went away


def test_with_an_account_elevenlabs_times_it_and_play_spends_nothing(qtbot: Any, make_window: Any,
                                                                     local_server: Any, tmp_path: Path) -> None:
    from tests.ui.conftest import wait_for_engine, wait_for_voices

    window = make_window()
    window.session.start("elevenlabs", local_server.base_url, api_key="sk_any")
    wait_for_engine(qtbot, window, "elevenlabs")
    wait_for_voices(qtbot, window)
    qtbot.waitUntil(lambda: window.voices.current_voice is not None, timeout=5000)
    speech = narration()
    window.script.editor.setPlainText(speech.text)
    local_server.clear_requests()
    with qtbot.waitSignal(window.recordings.imported, timeout=120000):
        _import(qtbot, window, speech.write(tmp_path, "take", "mp3"))
    assert "ElevenLabs forced alignment" in window.script.message.text
    assert [r["route"] for r in local_server.requests()] == ["forced_alignment"]
    spans = paragraph_spans(speech.text)
    activate(qtbot, window)
    qtbot.keyClick(window.script.editor, Qt.Key.Key_Return, CTRL)  # Play Script
    qtbot.waitUntil(lambda: (window.player.highlighted_index or 0) >= spans[1][0], timeout=60000)
    window.player.stop()
    assert not [r for r in local_server.requests() if r["route"].startswith("tts")]  # no speech was bought
