"""The paging voice model: qtmodeltester, placeholder rows, errors + retry, stale answers.

Pages are real :class:`studio.api.pages.VoicePage` objects whose ``fetch_next`` reads an
in-memory catalogue (the engine-level tests use the real backends and server).
"""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QModelIndex, Qt

from studio.api.models import Voice
from studio.api.pages import VoicePage
from studio.errors import StudioError
from studio.ui.voice_list_model import RowKind, VoiceListModel, VoiceRoles
from studio.ui.worker import WorkerPool


def _voices(n: int, prefix: str = "v") -> list[Voice]:
    return [
        Voice(voice_id=f"{prefix}{i}", name=f"Voice {i}", category="premade",
              labels={"accent": "british", "age": "young", "gender": "female", "use_case": "narration"})
        for i in range(n)
    ]


class Catalogue:
    """Serves a list of voices as pages; counts fetches; can fail on demand."""

    def __init__(self, voices: list[Voice], page_size: int = 10) -> None:
        self.voices = voices
        self.page_size = page_size
        self.fetches = 0
        self.fail_next: StudioError | None = None
        self.gate: threading.Event | None = None

    def page(self, token: str = "0") -> VoicePage:
        if self.gate is not None:
            self.gate.wait(5)
        self.fetches += 1
        if self.fail_next is not None:
            error, self.fail_next = self.fail_next, None
            raise error
        start = int(token)
        end = start + self.page_size
        return VoicePage(
            voices=self.voices[start:end],
            has_more=end < len(self.voices),
            total_count=len(self.voices),
            next_page_token=str(end) if end < len(self.voices) else None,
            fetch_next=self.page,
        )


@pytest.fixture
def pool(qtbot):
    pool = WorkerPool(max_threads=2)
    yield pool
    assert pool.shutdown(5000)


def _wait_loaded(qtbot, model: VoiceListModel) -> None:
    qtbot.waitUntil(lambda: not model.is_loading, timeout=5000)


def test_model_passes_qtmodeltester_while_paging(qtbot, qtmodeltester, pool) -> None:
    catalogue = Catalogue(_voices(35))
    model = VoiceListModel(pool)
    qtmodeltester.check(model)
    model.set_query(catalogue.page)
    assert model.rowCount() == 1  # the placeholder
    assert model.index(0).data(VoiceRoles.KIND) == RowKind.LOADING
    assert model.index(0).data() == "Loading voices…"
    assert not model.index(0).flags() & Qt.ItemFlag.ItemIsSelectable
    # The tester stays attached and checks the model after every insert and removal.
    _wait_loaded(qtbot, model)
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
        _wait_loaded(qtbot, model)
    assert model.rowCount() == 35
    assert catalogue.fetches == 4
    qtmodeltester.check(model)


def test_pages_one_fetch_at_a_time(qtbot, pool) -> None:
    catalogue = Catalogue(_voices(35))
    model = VoiceListModel(pool)
    model.set_query(catalogue.page)
    _wait_loaded(qtbot, model)
    assert model.rowCount() == 10
    pages = 1
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
        assert not model.canFetchMore(QModelIndex())  # one fetch in flight at most
        model.fetchMore(QModelIndex())  # ignored
        _wait_loaded(qtbot, model)
        pages += 1
    assert pages == 4
    assert catalogue.fetches == 4
    assert model.rowCount() == 35
    assert model.total_count == 35
    assert [model.index(r).data(VoiceRoles.VOICE_ID) for r in range(35)] == [f"v{i}" for i in range(35)]
    assert model.index(3).data(VoiceRoles.CHIPS) == ["british", "young", "female", "narration"]


def test_inserted_ranges_are_exact(qtbot, pool) -> None:
    catalogue = Catalogue(_voices(15))
    model = VoiceListModel(pool)
    inserted: list[tuple[int, int]] = []
    model.rowsInserted.connect(lambda _p, first, last: inserted.append((first, last)))
    model.set_query(catalogue.page)
    _wait_loaded(qtbot, model)
    model.fetchMore(QModelIndex())
    _wait_loaded(qtbot, model)
    # placeholder (0,0), page 1 (0..9), placeholder (10,10), page 2 (10..14)
    assert inserted == [(0, 0), (0, 9), (10, 10), (10, 14)]


def test_error_row_then_retry(qtbot, qtmodeltester, pool) -> None:
    catalogue = Catalogue(_voices(20))
    model = VoiceListModel(pool)
    model.set_query(catalogue.page)
    _wait_loaded(qtbot, model)
    catalogue.fail_next = StudioError("The voice library could not be reached", "Check your connection.")
    with qtbot.waitSignal(model.load_failed, timeout=5000):
        model.fetchMore(QModelIndex())
    assert model.rowCount() == 11
    error_row = model.index(10)
    assert error_row.data(VoiceRoles.KIND) == RowKind.ERROR
    assert "could not be reached" in error_row.data()
    assert not model.canFetchMore(QModelIndex())  # no hammering while failed
    qtmodeltester.check(model)
    model.retry()
    _wait_loaded(qtbot, model)
    assert model.rowCount() == 20
    assert model.error is None


def test_stale_answers_are_dropped(qtbot, pool) -> None:
    slow = Catalogue(_voices(5, prefix="old"))
    slow.gate = threading.Event()
    fast = Catalogue(_voices(3, prefix="new"))
    model = VoiceListModel(pool)
    model.set_query(slow.page)  # blocked until the gate opens
    model.set_query(fast.page)
    _wait_loaded(qtbot, model)
    slow.gate.set()
    qtbot.waitUntil(lambda: slow.fetches == 1, timeout=5000)
    qtbot.wait(100)  # let the stale answer's queued signal arrive
    assert [v.voice_id for v in model.voices] == ["new0", "new1", "new2"]


def test_duplicate_voices_across_pages_are_shown_once(qtbot, pool) -> None:
    voices = _voices(10)
    catalogue = Catalogue(voices[:5] + voices[:5] + voices[5:], page_size=5)
    model = VoiceListModel(pool)
    model.set_query(catalogue.page)
    _wait_loaded(qtbot, model)
    model.fetchMore(QModelIndex())  # the repeated page adds nothing, so the model goes on
    qtbot.waitUntil(lambda: model.rowCount() == 10 and not model.is_loading, timeout=5000)
    assert len({v.voice_id for v in model.voices}) == 10


def test_favourite_role_follows_callback(qtbot, pool) -> None:
    favourites = {"v1"}
    model = VoiceListModel(pool, is_favourite=favourites.__contains__)
    model.set_query(Catalogue(_voices(3)).page)
    _wait_loaded(qtbot, model)
    assert [model.index(r).data(VoiceRoles.FAVOURITE) for r in range(3)] == [False, True, False]
    assert "favourite" in model.index(1).data(Qt.ItemDataRole.AccessibleTextRole)
