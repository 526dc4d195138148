"""The Export dialog in real widgets, exporting real speech to real files.

Engines: the local ElevenLabs-compatible server over loopback HTTP (requests are counted and
faults injected on it) and the offline Piper voice. Nothing is mocked below the dialog: the
controller plans the script document and runs :func:`studio.core.exporter.export_plan` in a
real worker on a real pool.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import soundfile as sf
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QCheckBox, QComboBox, QLineEdit, QProgressBar, QSpinBox

from studio.api.client import ElevenLabsClient
from studio.core.backends.elevenlabs import ElevenLabsBackend
from studio.core.cache import SpeechCache
from studio.core.exporter import RunTuning
from studio.core.longform import Progress
from studio.core.render_inputs import RenderInputs, render_inputs
from studio.core.script import Script, spoken_key
from studio.offline.voices import bundled_voice
from studio.ui.export_dialog import ExportDialog
from studio.ui.worker import WorkerPool
from tests.fixtures.local_server import LocalServer
from tests.integration.export.conftest import read_only_folder, tiny_disk

SCRIPT = (
    "The lighthouse keeper climbed the stairs at dusk, as he had done for thirty years.\n\n"
    "Below him the sea was restless; the wind had turned, and the gulls were quiet.\n\n"
    "Somewhere beyond the rocks, a ship's bell answered."
)
PARAGRAPHS = SCRIPT.split("\n\n")
VOICE = bundled_voice().voice_id  # the server speaks with the same Piper voice under this id
MODEL = "eleven_multilingual_v2"


def fast(concurrency: int | None = None) -> RunTuning:
    # Few, quick retries: a fault that persists should fail within a second, not half a minute.
    return RunTuning(concurrency=concurrency, max_attempts=2, max_backoff_seconds=0.2)


def tts_requests(server: LocalServer) -> int:
    return len([r for r in server.requests() if r["route"].startswith("tts_")])


class Confirmer:
    """Stands in for the person answering "Replace existing files?"."""

    def __init__(self, answer: bool) -> None:
        self.answer = answer
        self.asked: list[list[Path]] = []

    def __call__(self, _parent: Any, paths: list[Path]) -> bool:
        self.asked.append(list(paths))
        return self.answer


@pytest.fixture
def server(local_server: LocalServer) -> Iterator[LocalServer]:
    local_server.clear_faults()
    local_server.clear_requests()
    yield local_server
    local_server.clear_faults()


@pytest.fixture
def pool() -> Iterator[WorkerPool]:
    pool = WorkerPool(max_threads=2)
    yield pool
    assert pool.shutdown(15000), "an export outlived the test"


@pytest.fixture
def cache(tmp_path: Path) -> SpeechCache:
    return SpeechCache(tmp_path / "cache")


@pytest.fixture
def make_dialog(qtbot: Any, pool: WorkerPool, cache: SpeechCache, server: LocalServer,
                tmp_path: Path) -> Iterator[Callable[..., ExportDialog]]:
    """``make_dialog(script, inputs=None, **dialog_kwargs)`` -> a shown dialog (default: the
    local server's voice and model; the model's limits are looked up by the dialog's worker)."""
    backends: list[Any] = []
    dialogs: list[ExportDialog] = []

    def make(script: str = SCRIPT, inputs: RenderInputs | None = None, **kwargs: Any) -> ExportDialog:
        if inputs is None:
            backend = ElevenLabsBackend(ElevenLabsClient(None, base_url=server.base_url, max_retries=0))
            backends.append(backend)
            inputs = render_inputs(backend, voice_id=VOICE, model_id=MODEL)
        kwargs.setdefault("directory", tmp_path / "out")
        kwargs.setdefault("confirm_overwrite", Confirmer(False))
        kwargs.setdefault("tuning", fast())
        dialog = ExportDialog(Script.from_text(script), inputs, source=script, pool=pool, cache=cache, **kwargs)
        qtbot.addWidget(dialog)
        dialogs.append(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        return dialog

    (tmp_path / "out").mkdir()
    yield make
    free_widgets(dialogs)
    for backend in backends:
        backend.close()


def free_widgets(widgets: list[Any]) -> None:
    """Delete ``widgets`` now, and free their Python side here on the GUI thread.

    A parentless dialog's wrappers are cyclic garbage once a test drops it; left to the
    garbage collector, a later test's worker thread may be the one that frees them, and
    PySide 6.12 crashes (in BindingManager::runDeletionInMainThread) when a live widget is
    freed off the GUI thread."""
    import gc

    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QApplication

    for widget in widgets:
        widget.close()
        widget.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()


def wait_idle(qtbot: Any, dialog: ExportDialog, timeout: int = 60000) -> None:
    qtbot.waitUntil(lambda: dialog.phase == "idle" and not dialog.controller.is_running, timeout=timeout)


def progress_log(dialog: ExportDialog) -> list[Progress]:
    seen: list[Progress] = []
    dialog.controller.progress.connect(seen.append)
    return seen


# == a whole export ==============================================================================

def test_offline_export_to_wav_with_srt_and_vtt(qtbot: Any, make_dialog: Callable[..., ExportDialog],
                                                tmp_path: Path) -> None:
    import srt
    import webvtt

    from studio.core.backends.offline import OfflineBackend

    dialog = make_dialog(inputs=render_inputs(OfflineBackend(), voice_id=VOICE, model_id="offline_piper"),
                         base_name="keeper")
    seen = progress_log(dialog)
    dialog.form.title_edit.setText("The Keeper")
    dialog.form.artist_edit.setText("Joe")
    dialog.form.subtitle_boxes["srt"].setChecked(True)
    dialog.form.subtitle_boxes["vtt"].setChecked(True)
    dialog.form.pause_spin.setValue(300)
    exported: list[Any] = []
    dialog.exported.connect(exported.append)
    stages: list[tuple[str, str]] = []
    # What happens after the last part is shown too (subtitles are written then).
    dialog.controller.stage.connect(lambda text: stages.append((text, dialog.progress.status_label.text())))

    dialog.export_button.click()
    assert dialog.phase == "checking" and not dialog.export_button.isEnabled()
    wait_idle(qtbot, dialog, timeout=120000)

    out = tmp_path / "out"
    assert dialog.message.tone.value == "info", dialog.message.text
    assert ("Writing subtitles", "Writing subtitles…") in stages
    assert sorted(p.name for p in out.iterdir()) == ["keeper.srt", "keeper.vtt", "keeper.wav"]
    assert "Saved keeper.wav and 2 subtitle files" in dialog.message.text
    assert exported and exported[0].audio_path == out / "keeper.wav"
    # Progress counted every part and reached the total, in the bar too.
    total = seen[-1].segments_total
    assert total == len(PARAGRAPHS)
    assert [p.segments_done for p in seen] == sorted(p.segments_done for p in seen)
    assert seen[-1].segments_done == total and seen[-1].phase == "done"
    assert dialog.progress.progress_bar.maximum() == total and dialog.progress.progress_bar.value() == total
    assert dialog.progress.spent_label.text() == "Credits: none — the offline voice is free"

    with sf.SoundFile(out / "keeper.wav") as f:
        assert f.samplerate == 22050 and f.title == "The Keeper" and f.artist == "Joe"
        seconds = f.frames / f.samplerate
    assert seconds > 5  # three sentences of real speech, plus two 0.3 s pauses
    subs = list(srt.parse((out / "keeper.srt").read_text(encoding="utf-8")))
    assert " ".join(s.content.replace("\n", " ") for s in subs).split() == SCRIPT.split()
    # The last line is spoken within the audio, and no line is shown after the audio has ended
    # (its reading time used to run 0.5 s past the end of the file).
    assert subs[-1].start.total_seconds() < seconds
    assert max(s.end.total_seconds() for s in subs) <= seconds
    vtt = webvtt.from_buffer(io.StringIO((out / "keeper.vtt").read_text(encoding="utf-8")))
    assert len(vtt.captions) == len(subs)
    assert " ".join(c.text.replace("\n", " ") for c in vtt.captions).split() == SCRIPT.split()


def test_server_export_counts_credits_and_reuses_the_cache(qtbot: Any, make_dialog: Callable[..., ExportDialog],
                                                            server: LocalServer, tmp_path: Path) -> None:
    dialog = make_dialog(tuning=fast(3), audio_format="mp3")
    dialog.form.subtitle_boxes["srt"].setChecked(False)  # ticked on first use
    dialog.form.subtitle_boxes["json"].setChecked(True)
    dialog.export_button.click()
    wait_idle(qtbot, dialog)
    assert tts_requests(server) == len(PARAGRAPHS)
    timings = json.loads((tmp_path / "out" / "narration.timings.json").read_text())
    assert [w["text"] for w in timings["words"]] == SCRIPT.split()
    assert sf.info(str(tmp_path / "out" / "narration.mp3")).frames > 0
    spent = sum(len(p) for p in PARAGRAPHS)  # the local server charges a credit per character
    assert dialog.progress.spent_label.text().startswith(f"Credits spent: {spent:,}")
    assert dialog.progress.saved_label.text() == "Credits saved by the cache: 0"

    # The same script to another format: every part comes from the cache, nothing is sent.
    server.clear_requests()
    dialog.form.format_combo.setCurrentIndex(dialog.form.format_combo.findData("ogg"))
    assert dialog.destination == tmp_path / "out" / "narration.ogg"
    dialog.form.subtitle_boxes["json"].setChecked(False)
    dialog.export_button.click()
    wait_idle(qtbot, dialog)
    assert tts_requests(server) == 0
    assert dialog.progress.saved_label.text() == f"Credits saved by the cache: {spent:,}"
    assert dialog.progress.spent_label.text().startswith("Credits spent: 0")
    assert f"{len(PARAGRAPHS)} from the cache" in dialog.message.text
    assert (tmp_path / "out" / "narration.ogg").exists()


# == cancel and resume ===========================================================================

def test_escape_cancels_mid_export_nothing_partial_and_resume_pays_only_for_the_rest(
    qtbot: Any, make_dialog: Callable[..., ExportDialog], server: LocalServer, cache: SpeechCache, tmp_path: Path
) -> None:
    script = "\n\n".join(f"This is paragraph number {n}, read aloud for the test." for n in range(1, 6))
    dialog = make_dialog(script=script, tuning=fast(1))
    dialog.form.subtitle_boxes["srt"].setChecked(True)
    seen = progress_log(dialog)
    # Every answer waits a little before it starts, so there is time to cancel part way.
    server.inject({"kind": "delay", "delay": 0.6, "count": 1000})

    qtbot.keyClick(dialog.form.destination_edit, Qt.Key.Key_Return)  # Enter starts
    qtbot.waitUntil(lambda: bool(seen) and seen[-1].segments_done >= 1, timeout=30000)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # Esc cancels; it does not close a running export
    assert dialog.isVisible()
    wait_idle(qtbot, dialog)
    assert dialog.isVisible()

    out = tmp_path / "out"
    assert list(out.iterdir()) == []  # no audio, no subtitles, no temporary files
    saved = sum(_cached(dialog, cache, f"This is paragraph number {n}, read aloud for the test.") for n in range(1, 6))
    assert 1 <= saved < 5
    assert dialog.message.text.startswith(
        f"Cancelled — the {saved} finished part{'s are' if saved != 1 else ' is'} saved and won't be paid for again"
    )
    assert dialog.message.action_button.isVisible() and dialog.message.action_button.text() == "Resume"

    server.clear_faults()
    server.clear_requests()
    dialog.message.action_button.click()
    wait_idle(qtbot, dialog)
    assert tts_requests(server) == 5 - saved  # the finished parts are not requested again
    assert sorted(p.name for p in out.iterdir()) == ["narration.srt", "narration.wav"]
    assert f"{saved} from the cache" in dialog.message.text

    # With nothing running, Esc closes the dialog.
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def _cached(dialog: ExportDialog, cache: SpeechCache, text: str) -> bool:
    """Whether the speech for ``text`` (one whole paragraph in one part) is in the cache."""
    inputs = dialog.controller.inputs
    return spoken_key(text, inputs.settings, inputs.capabilities.engine_id) in cache


# == refusing and failing ========================================================================

def test_declined_overwrite_leaves_the_file_untouched(qtbot: Any, make_dialog: Callable[..., ExportDialog],
                                                     server: LocalServer, tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "narration.wav").write_bytes(b"precious")
    (out / "narration.lrc").write_text("mine")
    confirmer = Confirmer(False)
    dialog = make_dialog(confirm_overwrite=confirmer)
    dialog.form.subtitle_boxes["lrc"].setChecked(True)
    dialog.form.subtitle_boxes["srt"].setChecked(True)
    dialog.export_button.click()
    wait_idle(qtbot, dialog)
    assert confirmer.asked == [[out / "narration.wav", out / "narration.lrc"]]
    assert (out / "narration.wav").read_bytes() == b"precious"
    assert (out / "narration.lrc").read_text() == "mine"
    assert sorted(p.name for p in out.iterdir()) == ["narration.lrc", "narration.wav"]
    assert tts_requests(server) == 0  # nothing was spent on an export that was not wanted
    assert "Nothing was exported" in dialog.message.text and "left as they were" in dialog.message.text

    # Saying yes replaces both with the new export.
    confirmer.answer = True
    dialog.export_button.click()
    wait_idle(qtbot, dialog)
    assert len(confirmer.asked) == 2
    assert sf.info(str(out / "narration.wav")).frames > 0
    assert "[00:" in (out / "narration.lrc").read_text()
    assert (out / "narration.srt").exists()


def test_read_only_folder_gives_a_clear_message_and_writes_nothing(
    qtbot: Any, make_dialog: Callable[..., ExportDialog], server: LocalServer, tmp_path: Path
) -> None:
    with read_only_folder(tmp_path / "ro") as folder:
        dialog = make_dialog(directory=folder)
        dialog.form.subtitle_boxes["vtt"].setChecked(True)
        dialog.export_button.click()
        wait_idle(qtbot, dialog)
        text = dialog.message.text
        assert dialog.message.tone.value == "error"
        assert f"The folder “{folder}” cannot be written to" in text and "Choose another place" in text
        assert dialog.message.action_button.text() == "Try again"
        assert list(folder.iterdir()) == []
    assert tts_requests(server) == 0  # refused before spending anything
    # The form stays usable: pick a writable place and try again.
    dialog.set_destination(tmp_path / "out" / "fine.flac")
    assert dialog.audio_format == "flac"
    dialog.message.action_button.click()
    wait_idle(qtbot, dialog)
    assert (tmp_path / "out" / "fine.flac").exists() and (tmp_path / "out" / "fine.vtt").exists()


def test_full_disk_writes_nothing_and_keeps_the_speech(
    qtbot: Any, make_dialog: Callable[..., ExportDialog], server: LocalServer, cache: SpeechCache, tmp_path: Path
) -> None:
    with tiny_disk(tmp_path / "small") as folder:
        dialog = make_dialog(directory=folder)
        dialog.form.subtitle_boxes["srt"].setChecked(True)
        dialog.export_button.click()
        wait_idle(qtbot, dialog)
        text = dialog.message.text
        assert dialog.message.tone.value == "error"
        assert "not enough room" in text and "Free some disk space" in text
        assert list(folder.iterdir()) == []  # no partial audio, no temporary file
    # The export stopped when the disk filled; every part made by then is in the cache.
    made = tts_requests(server)
    assert made >= 1 and sum(_cached(dialog, cache, text) for text in PARAGRAPHS) == made
    # Saving somewhere with room requests only what was never made.
    server.clear_requests()
    dialog.set_destination(tmp_path / "out" / "roomy.wav")
    dialog.message.action_button.click()  # Try again
    wait_idle(qtbot, dialog)
    assert tts_requests(server) == len(PARAGRAPHS) - made
    assert (tmp_path / "out" / "roomy.wav").exists() and (tmp_path / "out" / "roomy.srt").exists()


@pytest.mark.parametrize(("script", "words"), [
    ("", "The script is empty"),
    ("  \n\n   ", "The script is empty"),
    ("... !!! — ??? * * *", "no words to read aloud"),
])
def test_nothing_to_say(qtbot: Any, make_dialog: Callable[..., ExportDialog], server: LocalServer,
                        tmp_path: Path, script: str, words: str) -> None:
    dialog = make_dialog(script=script)
    dialog.export_button.click()
    wait_idle(qtbot, dialog)
    assert words in dialog.message.text and dialog.message.tone.value == "error"
    assert list((tmp_path / "out").iterdir()) == []
    assert server.requests() == []


def test_a_segment_that_keeps_failing_names_its_paragraph_and_resume_finishes(
    qtbot: Any, make_dialog: Callable[..., ExportDialog], server: LocalServer, tmp_path: Path
) -> None:
    # The first paragraph was exported before (on its own), so it is in the cache.
    warm = make_dialog(script=PARAGRAPHS[0], tuning=fast(1), base_name="first")
    warm.form.subtitle_boxes["srt"].setChecked(False)  # ticked on first use; audio only here
    warm.export_button.click()
    wait_idle(qtbot, warm)
    assert (tmp_path / "out" / "first.wav").exists()
    warm.close()

    dialog = make_dialog(tuning=fast(1), base_name="book")
    dialog.form.subtitle_boxes["srt"].setChecked(True)
    server.clear_requests()
    server.inject({"kind": "server_error", "count": 1000})
    dialog.export_button.click()
    wait_idle(qtbot, dialog)
    text = dialog.message.text
    assert dialog.message.tone.value == "error"
    assert text.startswith("Paragraph 2 (“Below him the sea was restless; the wind had tu…”) could not be made"), text
    assert "the finished parts will not be requested or paid for again" in text
    assert dialog.message.action_button.text() == "Resume"
    assert tts_requests(server) == 2  # paragraph 2, tried twice; paragraph 1 came from the cache
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["first.wav"]  # nothing partial

    server.clear_faults()
    server.clear_requests()
    dialog.message.action_button.click()  # Resume
    wait_idle(qtbot, dialog)
    assert dialog.message.tone.value == "info", dialog.message.text
    assert tts_requests(server) == 2  # paragraphs 2 and 3 only
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["book.srt", "book.wav", "first.wav"]


# == the form ====================================================================================

def test_format_follows_the_file_name_and_every_control_has_a_name(
    qtbot: Any, make_dialog: Callable[..., ExportDialog], tmp_path: Path
) -> None:
    chosen = tmp_path / "out" / "chapter one.mp3"
    dialog = make_dialog(choose_file=lambda _parent, _suggested: chosen)
    assert dialog.destination == tmp_path / "out" / "narration.wav"
    assert not dialog.form.quality_combo.isEnabled()  # WAV has one quality

    dialog.form.browse_button.click()
    assert dialog.destination == chosen and dialog.audio_format == "mp3"
    assert dialog.form.quality_combo.isEnabled() and dialog.form.quality_combo.currentData() == "high"
    assert [dialog.form.quality_combo.itemData(i) for i in range(dialog.form.quality_combo.count())] == [
        "low", "medium", "high", "best"]

    dialog.form.quality_combo.setCurrentIndex(dialog.form.quality_combo.findData("low"))
    dialog.form.quality_combo.activated.emit(dialog.form.quality_combo.currentIndex())  # as a person's pick does
    dialog.form.format_combo.setCurrentIndex(dialog.form.format_combo.findData("wav"))
    dialog.form.format_combo.setCurrentIndex(dialog.form.format_combo.findData("flac"))
    assert dialog.destination == tmp_path / "out" / "chapter one.flac"
    assert "lossless" in dialog.form.quality_combo.currentText() and dialog.form.quality_combo.currentData() == "low"

    dialog.form.destination_edit.clear()
    qtbot.keyClicks(dialog.form.destination_edit, str(tmp_path / "out" / "x.ogg"))
    assert dialog.audio_format == "ogg"

    dialog.form.loudness_combo.setCurrentIndex(2)
    options = dialog.options()
    assert options is not None and options.loudness_target == -23.0 and options.destination.suffix == ".ogg"

    dialog.form.destination_edit.clear()
    dialog.export_button.click()
    assert dialog.phase == "idle" and "Choose where to save" in dialog.message.text

    # Cancelling while the export is still being checked says plainly that nothing started.
    dialog.set_destination(tmp_path / "out" / "x.wav")
    dialog.export_button.click()
    assert dialog.phase == "checking"
    dialog.close_button.click()
    wait_idle(qtbot, dialog)
    assert dialog.message.text == "Export cancelled. Nothing was written."
    assert dialog.last_result is None and list((tmp_path / "out").iterdir()) == []

    kinds = (QAbstractButton, QComboBox, QLineEdit, QSpinBox, QProgressBar, QCheckBox)
    unnamed = [
        w for w in dialog.findChildren(object)
        if isinstance(w, kinds) and w.isVisibleTo(dialog) and not w.accessibleName()
        and w.parent() is not None and not isinstance(w.parent(), QSpinBox | QComboBox)
    ]
    assert unnamed == []
