"""The voice library (issue 14, points 4 and 6): a "Library" tab beside "My voices", paged,
filtered, previewed, and "Add to My Voices" — against our own server's shared library, over
loopback, with real clicks. A voice added there is in My voices at once."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt

import studio.ui.library_controller as library_controller
from studio.api.client import ElevenLabsClient
from studio.api.shared_voices import SharedVoiceQuery
from studio.ui.library_model import LibraryListModel
from studio.ui.worker import WorkerPool
from tests.fixtures.local_server import LocalServer, run_server
from tests.ui.conftest import fetch_all, wait_for_engine, wait_for_voices

KEY = "sk_library_ui_key"
LIBRARY_SIZE = 6  # the server's shared library


@pytest.fixture(scope="module")
def library_server() -> Iterator[LocalServer]:
    with run_server() as server:  # its own: adding and withdrawing voices changes the library
        yield server


@pytest.fixture
def window(qtbot, make_window, library_server, monkeypatch) -> Any:
    monkeypatch.setattr(library_controller, "PAGE_SIZE", 2)  # six voices: three pages
    library_server.clear_faults()
    window = make_window()
    window.session.start("elevenlabs", library_server.base_url, api_key=KEY)
    wait_for_engine(qtbot, window, "elevenlabs")
    wait_for_voices(qtbot, window)
    library_server.clear_requests()
    return window


def open_library(qtbot, window) -> Any:
    tabs = window.voice_tabs
    bar = tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(1).center())
    assert tabs.currentWidget() is tabs.library
    model = window.library.model
    qtbot.waitUntil(lambda: not model.is_loading and model.rowCount() > 0, timeout=10000)
    return tabs.library


def choose(qtbot, panel, model, name_start: str) -> Any:
    while not any(v.name.startswith(name_start) for v in model.voices):
        before = model.rowCount()
        panel.list.scrollToBottom()
        qtbot.waitUntil(lambda: model.rowCount() > before and not model.is_loading, timeout=10000)
    row = next(i for i, v in enumerate(model.voices) if v.name.startswith(name_start))
    panel.list.scrollTo(model.index(row))
    qtbot.mouseClick(panel.list.viewport(), Qt.MouseButton.LeftButton, pos=panel.list.visualRect(model.index(row)).center())
    return model.voices[row]


def test_library_model_passes_qtmodeltester_while_paging(qtbot, qtmodeltester, library_server) -> None:
    pool = WorkerPool(2)
    with ElevenLabsClient(KEY, library_server.base_url) as client:
        model = LibraryListModel(pool)
        model.set_query(lambda: client.search_shared_voices(SharedVoiceQuery(page_size=2)))
        qtmodeltester.check(model)
        fetch_all(qtbot, model)
        qtmodeltester.check(model)
        assert model.rowCount() == LIBRARY_SIZE
    assert pool.shutdown(5000)


def test_my_voices_and_library_are_separate_tabs_and_the_library_pages(qtbot, window, library_server) -> None:
    tabs = window.voice_tabs
    assert [tabs.tabText(i).replace("&", "") for i in range(tabs.count())] == ["My Voices", "Library"]
    assert library_server.requests("shared_voices") == []  # not asked until the tab is opened
    panel = open_library(qtbot, window)
    model = window.library.model
    while model.canFetchMore(QModelIndex()):
        before = model.rowCount()
        panel.list.scrollToBottom()
        qtbot.waitUntil(lambda: model.rowCount() > before and not model.is_loading, timeout=10000)
    assert model.rowCount() == LIBRARY_SIZE
    assert len(library_server.requests("shared_voices")) == 3
    assert not any(v.voice_id.startswith("lib") for v in window.voices.model.voices)  # My voices: the account's


def test_filters_and_sort_ask_the_library(qtbot, window, library_server) -> None:
    panel = open_library(qtbot, window)
    model = window.library.model
    panel.gender.setCurrentIndex(panel.gender.findData("female"))
    qtbot.waitUntil(lambda: not model.is_loading and model.total_count is not None, timeout=10000)
    panel.language.setCurrentIndex(panel.language.findData("en"))
    qtbot.waitUntil(lambda: not model.is_loading and model.total_count == 2, timeout=10000)
    assert {(v.gender, v.language) for v in model.voices} == {("female", "en")}
    panel.sort.setCurrentIndex(panel.sort.findData("cloned_by_count"))
    qtbot.waitUntil(lambda: not model.is_loading and model.rowCount() == 2, timeout=10000)
    assert [v.name.split(" ")[0] for v in model.voices] == ["Wren", "Juno"]  # most added first
    panel.accent.setFocus()
    qtbot.keyClicks(panel.accent, "australian")
    qtbot.waitUntil(lambda: not model.is_loading and model.total_count == 1, timeout=10000)
    assert model.voices[0].name.startswith("Juno")
    last = library_server.requests("shared_voices")[-1]
    assert last  # the filters went to the server, not filtered here


def test_add_to_my_voices_shows_it_there_at_once(qtbot, window, library_server) -> None:
    panel = open_library(qtbot, window)
    voice = choose(qtbot, panel, window.library.model, "Otis")
    assert panel.add_button.isEnabled()
    with qtbot.waitSignal(window.library.voice_added, timeout=10000):
        qtbot.mouseClick(panel.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: any(v.voice_id == voice.voice_id for v in window.voices.model.voices)
                    and not window.voices.model.is_loading, timeout=10000)
    assert not panel.add_button.isEnabled() and "In My Voices" in panel.add_button.text()


def test_preview_plays_the_library_sample(qtbot, window, library_server) -> None:
    panel = open_library(qtbot, window)
    choose(qtbot, panel, window.library.model, "Wren")
    with qtbot.waitSignal(window.library.preview.playing_changed, timeout=10000):
        qtbot.mouseClick(panel.preview_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(library_server.requests("shared_voice_preview")), timeout=20000)
    window.library.preview.stop()


def test_a_voice_that_can_no_longer_be_added_says_so_and_adds_nothing(qtbot, window, library_server) -> None:
    panel = open_library(qtbot, window)
    voice = choose(qtbot, panel, window.library.model, "Pip")
    library_server.state.library.withdraw(voice.voice_id)  # its owner stopped sharing it meanwhile
    qtbot.mouseClick(panel.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.message.isVisible(), timeout=10000)
    assert "can no longer be added" in panel.message.text and "nothing was added" in panel.message.text
    assert not any(v.voice_id == voice.voice_id for v in window.voices.model.voices)
    assert panel.add_button.isEnabled()  # the person may try another, or this one again


def test_offline_the_library_tab_says_it_needs_an_account(qtbot, offline_window) -> None:
    tabs = offline_window.voice_tabs
    tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: tabs.library.empty.isVisible(), timeout=5000)
    assert "Connect your account" in tabs.library.empty.text()
