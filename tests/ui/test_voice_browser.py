"""The voice browser on the real ElevenLabs backend, over loopback, against our own server.

Covers paging through several pages as the list scrolls, the 300 ms search debounce (one
request per burst of typing), filters and sort, choosing a voice, a server error shown inline
with Retry, favourites, and a 10,000-voice catalogue that is never loaded whole.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt

from studio.server.catalog import generate_voices
from studio.ui.voice_browser_controller import PAGE_SIZE
from studio.ui.voice_list_model import RowKind, VoiceRoles
from tests.fixtures.local_server import LocalServer, run_server
from tests.integration.server.conftest import OFFLINE_VOICES
from tests.ui.conftest import wait_for_engine, wait_for_voices

CATALOG_SIZE = 130  # + the server's own offline voices (Joe and those derived from it): three pages of 50


@pytest.fixture(scope="module")
def catalog_server() -> Iterator[LocalServer]:
    with run_server(catalog=generate_voices(CATALOG_SIZE, seed=7)) as server:
        yield server


@pytest.fixture
def window(qtbot, make_window, catalog_server) -> Any:
    catalog_server.clear_faults()
    catalog_server.clear_requests()
    window = make_window()
    window.session.start("elevenlabs", catalog_server.base_url, api_key="sk_any_key_works_here")
    wait_for_engine(qtbot, window, "elevenlabs")
    wait_for_voices(qtbot, window)
    return window


def _scroll_to_end(qtbot, window) -> None:
    model = window.voices.model
    before = model.rowCount()
    window.browser.list.scrollToBottom()
    # The view asks canFetchMore/fetchMore itself when it reaches the end.
    qtbot.waitUntil(lambda: model.rowCount() > before and not model.is_loading, timeout=10000)


def test_pages_load_as_the_list_scrolls(qtbot, window, catalog_server) -> None:
    model = window.voices.model
    total = CATALOG_SIZE + OFFLINE_VOICES
    qtbot.waitUntil(lambda: window.browser.count_label.text() == f"{total:,} voices", timeout=5000)
    assert model.rowCount() == PAGE_SIZE
    pages = 1
    while model.canFetchMore(QModelIndex()):
        _scroll_to_end(qtbot, window)
        pages += 1
    assert pages == 3
    assert model.rowCount() == total
    assert len({v.voice_id for v in model.voices}) == total
    assert len(catalog_server.requests("voices_search")) == 3  # one request per page, no repeats
    assert not model.canFetchMore(QModelIndex())


def test_typing_sends_one_search_per_pause(qtbot, window, catalog_server) -> None:
    name = window.voices.model.voices[5].name.split(" ")[0]
    catalog_server.clear_requests()
    started: list[Any] = []
    window.voices.query_started.connect(started.append)
    window.browser.search.setFocus()
    qtbot.keyClicks(window.browser.search, name)  # a burst of keystrokes
    qtbot.waitUntil(lambda: len(started) == 1, timeout=5000)
    wait_for_voices(qtbot, window)
    qtbot.wait(400)  # longer than the debounce: nothing more may go out
    assert len(started) == 1
    assert len(catalog_server.requests("voices_search")) == 1
    assert started[0].search == name
    voices = window.voices.model.voices
    assert voices
    for voice in voices:
        haystack = " ".join([voice.name, voice.description or "", *voice.labels.values(), voice.category or ""])
        assert name.lower() in haystack.lower()
    assert int(window.browser.count_label.text().split()[0].replace(",", "")) == len(voices)


def test_category_filter_and_sort(qtbot, window) -> None:
    browser = window.browser
    browser.category.setCurrentIndex(browser.category.findData("cloned"))
    wait_for_voices(qtbot, window)
    voices = window.voices.model.voices
    assert voices and all(v.category == "cloned" for v in voices)

    browser.category.setCurrentIndex(0)
    browser.sort.setCurrentIndex(browser.sort.findData("name"))
    browser.direction.setCurrentIndex(browser.direction.findData("desc"))
    wait_for_voices(qtbot, window)
    names = [v.name.lower() for v in window.voices.model.voices]
    assert names == sorted(names, reverse=True)


def test_choosing_a_voice_fills_details_and_is_remembered(qtbot, window) -> None:
    model = window.voices.model
    row = 3
    voice = model.voice_at(row)
    rect = window.browser.list.visualRect(model.index(row))
    qtbot.mouseClick(window.browser.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.voices.current_voice.voice_id == voice.voice_id
    assert window.details.name.text() == voice.name
    assert window.details.description.text() == (voice.description or "No description.")
    for value in voice.labels.values():
        if value:
            assert value.replace("_", " ") in window.details.labels.text()
    assert window.preferences.voice_id == voice.voice_id
    # Labels are drawn as chips by the delegate; the model says which.
    assert model.index(row).data(VoiceRoles.CHIPS) == [
        voice.labels[k].replace("_", " ") for k in ("accent", "age", "gender", "use_case") if voice.labels.get(k)
    ]


def test_server_error_is_shown_inline_with_retry(qtbot, window, catalog_server) -> None:
    model = window.voices.model
    # Enough failures to outlast the client's own retries.
    catalog_server.inject({"kind": "server_error", "endpoint": "voices_search", "count": 10})
    try:
        window.browser.list.scrollToBottom()
        if model.canFetchMore(QModelIndex()):
            model.fetchMore(QModelIndex())
        qtbot.waitUntil(lambda: window.browser.message.isVisible(), timeout=30000)
    finally:
        catalog_server.clear_faults()
    text = window.browser.message.text
    assert "500" not in text and "HTTP" not in text
    assert text  # the narrator-facing words from the StudioError
    error_row = model.index(model.rowCount() - 1)
    assert error_row.data(VoiceRoles.KIND) == RowKind.ERROR
    assert window.browser.message.action_button.text() == "Retry"
    window.browser.message.action_button.click()
    qtbot.waitUntil(lambda: model.rowCount() == 2 * PAGE_SIZE and not model.is_loading, timeout=10000)
    assert model.error is None
    assert not window.browser.message.isVisible()


def test_favourites_are_kept_and_filterable(qtbot, window) -> None:
    model = window.voices.model
    chosen = [model.voice_at(1), model.voice_at(4)]
    for voice in chosen:
        window.browser.list.setCurrentIndex(model.index(model.row_of(voice.voice_id)))
        window.details.favourite_button.click()
    assert window.preferences.favourite_voice_ids == [v.voice_id for v in chosen]
    assert model.index(1).data(VoiceRoles.FAVOURITE) is True
    window.browser.favourites_only.click()
    qtbot.waitUntil(lambda: not model.is_loading and model.rowCount() == 2, timeout=10000)
    assert {v.voice_id for v in model.voices} == {v.voice_id for v in chosen}


@pytest.mark.slow
def test_ten_thousand_voices_scroll_without_loading_them_all(qtbot, make_window) -> None:
    with run_server(catalog=generate_voices(10_000, seed=3)) as server:
        window = make_window()
        window.session.start("elevenlabs", server.base_url, api_key="sk_any")
        wait_for_engine(qtbot, window, "elevenlabs")
        wait_for_voices(qtbot, window)
        qtbot.waitUntil(lambda: window.browser.count_label.text() == f"{10_000 + OFFLINE_VOICES:,} voices", timeout=5000)
        for _ in range(5):
            _scroll_to_end(qtbot, window)
        model = window.voices.model
        assert model.rowCount() == 6 * PAGE_SIZE
        assert len(server.requests("voices_search")) == 6
        assert model.canFetchMore(QModelIndex())
        window.session.shutdown()


def test_preview_streams_the_voices_preview_url(qtbot, window, catalog_server) -> None:
    import os

    voice = window.voices.current_voice
    assert voice.preview_url and voice.preview_url.startswith(catalog_server.base_url)
    catalog_server.clear_requests()
    window.details.preview_button.click()
    preview = window.voices.preview
    if os.environ.get("STUDIO_TEST_AUDIO"):
        qtbot.waitUntil(lambda: preview.player.is_playing, timeout=30000)
        assert catalog_server.requests("voice_preview"), "QMediaPlayer fetched the preview URL itself"
        window.details.preview_button.click()
        assert window.details.preview_button.text() == "Preview"
    else:  # no sound device: explained in the details pane, and the button resets
        qtbot.waitUntil(lambda: window.details.message.isVisible(), timeout=30000)
        assert window.details.preview_button.text() == "Preview"
