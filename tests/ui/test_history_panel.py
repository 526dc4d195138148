"""The History panel (issue 14, points 1, 2, 3 and 6) on the real ElevenLabs engine, over
loopback against our own server, which keeps a history of what it generates.

Real clicks and keys: View ▸ History (Ctrl+Shift+H) opens the dock, the list pages as it
scrolls, the search box filters, the buttons play, download, delete (after a confirmation
that says there is no undo) and add a take; Tools ▸ Rebuild from History reports before it
spends and then fills the takes. Failures reach the panel's message strip in plain words.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton

import studio.ui.history_controller as history_controller
from studio.api.client import ElevenLabsClient
from studio.api.requests import HistoryQuery
from studio.ui.history_model import HistoryListModel, HistoryRoles, first_history_page
from studio.ui.worker import WorkerPool
from tests.fixtures.local_server import LocalServer, run_server
from tests.ui.conftest import fetch_all, wait_for_engine, wait_for_voices

VOICE = "offline-en_US-joe-medium"
MODEL = "offline"  # the model the studio picks on this server: the items are what it would have made
KEY = "sk_history_ui_key"
TEXTS = ("The first bell of the evening.", "The second bell, a little later.", "The third bell rang out.",
         "A fourth bell, far away.", "The fifth and last bell.")
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


@pytest.fixture(scope="module")
def history_server() -> Iterator[LocalServer]:
    with run_server() as server:
        yield server


@pytest.fixture
def server(history_server: LocalServer) -> Iterator[LocalServer]:
    history_server.state.history.clear()
    history_server.clear_faults()
    with httpx.Client(base_url=history_server.base_url, timeout=60) as http:
        for text in TEXTS:  # oldest first, so the list shows them in reverse
            http.post(f"/v1/text-to-speech/{VOICE}", params={"output_format": "mp3_44100_128"},
                      json={"text": text, "model_id": MODEL}).raise_for_status()
    history_server.clear_requests()
    yield history_server
    history_server.clear_faults()


def tts_requests(server: LocalServer) -> int:
    return len([r for r in server.requests() if r["route"].startswith("tts_")])


@pytest.fixture
def window(qtbot, make_window, server, monkeypatch) -> Any:
    monkeypatch.setattr(history_controller, "PAGE_SIZE", 2)  # five items: three pages
    window = make_window()
    window.session.start("elevenlabs", server.base_url, api_key=KEY)
    wait_for_engine(qtbot, window, "elevenlabs")
    wait_for_voices(qtbot, window)
    qtbot.waitUntil(lambda: window.voices.current_voice is not None, timeout=5000)
    # The voice the history was made with (the list also holds the voices derived from it).
    model = window.voices.model
    row = model.row_of(VOICE)
    assert row >= 0
    rect = window.browser.list.visualRect(model.index(row))
    qtbot.mouseClick(window.browser.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.voices.current_voice.voice_id == VOICE
    qtbot.waitUntil(lambda: window.settings.current_model() is not None, timeout=10000)  # the models came
    return window


def open_history(qtbot, window) -> Any:
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_H, CTRL_SHIFT)  # View ▸ History
    qtbot.waitUntil(lambda: window.history_dock.isVisible(), timeout=5000)
    model = window.history.model
    qtbot.waitUntil(lambda: not model.is_loading and model.rowCount() > 0, timeout=15000)
    return window.history.panel


def load_all(qtbot, panel, model) -> None:
    while model.canFetchMore(QModelIndex()):
        before = model.rowCount()
        panel.list.scrollToBottom()  # the view asks fetchMore itself
        qtbot.waitUntil(lambda: model.rowCount() > before and not model.is_loading, timeout=10000)


def click_row(qtbot, panel, row: int) -> None:
    panel.list.scrollTo(panel.list.model().index(row, 0))
    rect = panel.list.visualRect(panel.list.model().index(row, 0))
    qtbot.mouseClick(panel.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert [i.row() for i in panel.list.selectionModel().selectedIndexes()] == [row]


def answer_next_question(button_text: str, seen: list[str]) -> None:
    """Click ``button_text`` in the next modal question, recording its text."""
    def answer() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, answer)
            return
        seen.append(box.text())
        for button in box.buttons():
            if button.text().replace("&", "") == button_text:
                button.click()
                return
    QTimer.singleShot(20, answer)


# -- 1. the list -------------------------------------------------------------------------------

def test_history_model_passes_qtmodeltester_while_paging(qtbot, qtmodeltester, server) -> None:
    pool = WorkerPool(2)
    with ElevenLabsClient(KEY, server.base_url) as client:
        model = HistoryListModel(pool)
        model.set_query(lambda: first_history_page(client.list_history, HistoryQuery(page_size=2), lambda _i: False))
        qtmodeltester.check(model)
        fetch_all(qtbot, model)
        qtmodeltester.check(model)
        assert [model.index(r).data(HistoryRoles.ITEM).text for r in range(model.rowCount())] == list(reversed(TEXTS))
    assert pool.shutdown(5000)


def test_view_history_lists_newest_first_paged_as_it_scrolls(qtbot, window, server) -> None:
    assert server.requests("history_list") == []  # closed, the panel asks for nothing
    panel = open_history(qtbot, window)
    model = window.history.model
    # The view asks for pages while it has room to show them; each page is one request.
    assert len(server.requests("history_list")) == -(-len(model.items) // 2)
    load_all(qtbot, panel, model)
    assert [i.text for i in model.items] == list(reversed(TEXTS))
    assert len(server.requests("history_list")) == 3  # one request per page
    first = model.index(0).data(Qt.ItemDataRole.DisplayRole)
    assert first.startswith("The fifth and last bell.")
    assert "characters" in first and "not in the studio" in first
    assert panel.count_label.text() == "5 items"


def test_search_filters_with_one_request_per_pause(qtbot, window, server) -> None:
    panel = open_history(qtbot, window)
    load_all(qtbot, panel, window.history.model)  # the view fetches no more on its own
    server.clear_requests()
    panel.search.setFocus()
    qtbot.keyClicks(panel.search, "third")
    model = window.history.model
    qtbot.waitUntil(lambda: len(server.requests("history_list")) == 1 and not model.is_loading, timeout=5000)
    assert [i.text for i in model.items] == ["The third bell rang out."]
    qtbot.wait(400)
    assert len(server.requests("history_list")) == 1


def test_voice_model_and_date_filters(qtbot, window, server) -> None:
    from studio.ui.history_panel import date_after

    with httpx.Client(base_url=server.base_url, timeout=60) as http:  # one item made with another model
        http.post(f"/v1/text-to-speech/{VOICE}", json={"text": "Another model's bell.",
                                                       "model_id": "eleven_multilingual_v2"}).raise_for_status()
    panel = open_history(qtbot, window)
    model = window.history.model
    load_all(qtbot, panel, model)
    assert len(model.items) == 6
    assert panel.model.findData(MODEL) >= 0 and panel.voice.findData(VOICE) >= 0  # filled from the engine
    panel.model.setCurrentIndex(panel.model.findData(MODEL))
    qtbot.waitUntil(lambda: not model.is_loading and len(model.items) > 0, timeout=10000)
    load_all(qtbot, panel, model)
    assert {i.model_id for i in model.items} == {MODEL} and len(model.items) == 5
    panel.voice.setCurrentIndex(panel.voice.findData(VOICE))
    panel.date.setCurrentIndex(panel.date.findText("Last 24 hours"))
    qtbot.waitUntil(lambda: not model.is_loading and len(model.items) > 0, timeout=10000)
    load_all(qtbot, panel, model)
    assert len(model.items) == 5 and window.history.query().date_after_unix is not None
    assert date_after(7, now=1_000_000) == 1_000_000 - 7 * 86400 and date_after(None) is None


def test_the_history_dock_is_remembered_with_the_layout(qtbot, make_window, window) -> None:
    open_history(qtbot, window)
    window.save_ui_state()
    again = make_window()
    assert again.history_dock.isVisible()


def test_offline_the_panel_says_history_needs_an_account(qtbot, offline_window) -> None:
    window = offline_window
    window.history_action.trigger()
    panel = window.history.panel
    qtbot.waitUntil(lambda: panel.empty.isVisible(), timeout=5000)
    assert "offline voice keeps none" in panel.empty.text() and "Account" in panel.empty.text()
    assert not panel.list.isVisible() and not panel.play_button.isEnabled()


# -- 2. using it --------------------------------------------------------------------------------

def test_add_as_take_costs_nothing_and_the_take_plays(qtbot, window, server) -> None:
    editor = window.script.editor
    editor.setPlainText("Before it.\n\nThe third bell rang out.")
    panel = open_history(qtbot, window)
    load_all(qtbot, panel, window.history.model)
    row = [i.text for i in window.history.model.items].index("The third bell rang out.")
    click_row(qtbot, panel, row)
    server.clear_requests()
    with qtbot.waitSignal(window.history.takes_added, timeout=30000) as added:
        qtbot.mouseClick(panel.take_button, Qt.MouseButton.LeftButton)
    assert added.args == [1]
    blocks = window.document.script.blocks
    assert blocks[1].chosen_take is not None and blocks[0].takes == []
    assert window.history.model.index(row).data(HistoryRoles.IN_STUDIO) is True
    # The take plays from the cache: Play Paragraph on it asks the server for no speech.
    cursor = editor.textCursor()
    cursor.setPosition(editor.toPlainText().index("third"))
    editor.setTextCursor(cursor)
    window.activateWindow()
    editor.setFocus()
    with qtbot.waitSignal(window.player.player.finished, timeout=60000):
        qtbot.keyClick(editor, Qt.Key.Key_Space, CTRL_SHIFT)  # Play Paragraph
    assert tts_requests(server) == 0


def test_delete_asks_says_there_is_no_undo_and_removes_it(qtbot, window, server) -> None:
    panel = open_history(qtbot, window)
    model = window.history.model
    gone = model.items[0].history_item_id
    click_row(qtbot, panel, 0)
    seen: list[str] = []
    answer_next_question("Cancel", seen)
    qtbot.mouseClick(panel.delete_button, Qt.MouseButton.LeftButton)
    assert "no undo" in seen[0]
    assert server.state.history.get(gone) is not None and model.row_of_key(gone) == 0  # Cancel kept it
    answer_next_question("Delete for Good", seen)
    qtbot.mouseClick(panel.delete_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: model.row_of_key(gone) == -1, timeout=10000)
    assert server.state.history.get(gone) is None


def test_download_several_as_one_zip_with_progress(qtbot, window, server, tmp_path: Path) -> None:
    panel = open_history(qtbot, window)
    click_row(qtbot, panel, 0)
    qtbot.keyClick(panel.list, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)  # and the next one
    out = tmp_path / "bells.zip"
    asked: list[str] = []
    window.history.ask_save_path = lambda _p, caption, suggested, _f: asked.append(caption) or str(out)
    busy: list[bool] = []
    qtbot.mouseClick(panel.download_button, Qt.MouseButton.LeftButton)
    busy.append(panel.progress.isVisible())
    qtbot.waitUntil(lambda: not panel.progress.isVisible(), timeout=15000)
    assert asked == ["Download 2 History Items"] and busy == [True]
    with zipfile.ZipFile(out) as archive:
        assert len(archive.namelist()) == 2 and archive.testzip() is None


def test_play_streams_the_item_without_blocking(qtbot, window, server) -> None:
    panel = open_history(qtbot, window)
    click_row(qtbot, panel, 0)
    qtbot.mouseClick(panel.play_button, Qt.MouseButton.LeftButton)
    assert window.history.player is None or not window.history.player.is_playing  # not yet: in a worker
    qtbot.waitUntil(lambda: window.history.player is not None and window.history.player.is_playing, timeout=15000)
    assert server.requests("history_audio")
    window.history.stop()


# -- 6. failures --------------------------------------------------------------------------------

def test_a_key_without_the_history_permission_is_named(qtbot, window, server) -> None:
    server.inject({"endpoint": "history_list", "kind": "missing_permission", "count": 1})
    window.history_action.trigger()
    message = window.history.panel.message
    qtbot.waitUntil(lambda: message.isVisible(), timeout=10000)
    assert "speech_history_read" in message.text
    qtbot.mouseClick(message.action_button, Qt.MouseButton.LeftButton)  # Retry, now allowed
    model = window.history.model
    qtbot.waitUntil(lambda: not model.is_loading and len(model.items) >= 2, timeout=10000)
    assert not window.history.panel.message.isVisible()


def test_an_item_whose_audio_is_gone_says_so_and_changes_nothing(qtbot, window, server) -> None:
    window.script.editor.setPlainText("The fifth and last bell.")
    panel = open_history(qtbot, window)
    item = window.history.model.items[0]
    server.state.history.drop_audio(item.history_item_id)
    click_row(qtbot, panel, 0)
    qtbot.mouseClick(panel.take_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.message.isVisible(), timeout=10000)
    assert "no longer in your history" in panel.message.text
    assert window.document.script.blocks[0].takes == []


def test_a_zip_cut_short_leaves_nothing_behind(qtbot, window, server, tmp_path: Path) -> None:
    panel = open_history(qtbot, window)
    click_row(qtbot, panel, 0)
    qtbot.keyClick(panel.list, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)  # and the next one
    folder = tmp_path / "downloads"
    folder.mkdir()
    out = folder / "bells.zip"
    window.history.ask_save_path = lambda *_a: str(out)
    server.inject({"endpoint": "history_download", "kind": "truncate", "after_bytes": 200, "count": 1})
    qtbot.mouseClick(panel.download_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.message.isVisible(), timeout=15000)
    assert "cut short" in panel.message.text
    assert list(folder.iterdir()) == []  # no partial file


# -- 3. rebuild from history ----------------------------------------------------------------------

def test_rebuild_reports_before_spending_then_fills_the_takes(qtbot, window, server) -> None:
    from studio.ui.history_rebuild import RebuildDialog

    window.script.editor.setPlainText("The first bell of the evening.\n\nA bell nobody has heard yet.\n\n"
                                      "The second bell, a little later.")
    window.rebuild_action.trigger()
    dialog = window.findChild(RebuildDialog)
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.match is not None, timeout=30000)
    assert dialog.found.count() == 2 and dialog.remaining.count() == 1
    assert "Found 2 paragraphs" in dialog.summary.text() and "1 paragraph would still be generated" in dialog.summary.text()
    assert tts_requests(server) == 0
    with qtbot.waitSignal(window.history.takes_added, timeout=30000):
        qtbot.mouseClick(dialog.fill_button, Qt.MouseButton.LeftButton)
    blocks = window.document.script.blocks
    assert [b.chosen_take is not None for b in blocks] == [True, False, True]
    assert tts_requests(server) == 0
