"""A Text-to-Dialogue generation in the History panel's list says what was spoken and by whom
(its item's own text and voice are empty: the lines hold them). Real loopback server, real
studio client, the real list model and view."""

from __future__ import annotations

from typing import Any

import httpx
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListView

from studio.api.client import ElevenLabsClient
from studio.api.requests import HistoryQuery
from studio.server.catalog import generate_voices
from studio.ui.history_model import HistoryListModel, first_history_page
from studio.ui.worker import WorkerPool
from tests.fixtures.local_server import run_server
from tests.ui.conftest import fetch_all

JOE = "offline-en_US-joe-medium"
CATALOG = generate_voices(3, seed=9)
LINES = [("Where were you last night?", JOE), ("At the lighthouse, of course.", CATALOG[0]["voice_id"])]


def test_a_dialogue_row_shows_its_lines_and_voices(qtbot: Any) -> None:
    pool = WorkerPool(2)
    with run_server(catalog=CATALOG) as server, ElevenLabsClient("sk_rows", server.base_url) as client:
        with httpx.Client(base_url=server.base_url, timeout=60) as http:
            http.post("/v1/text-to-dialogue", params={"output_format": "mp3_44100_128"},
                      json={"inputs": [{"text": t, "voice_id": v} for t, v in LINES]}).raise_for_status()
        names = [server.state.catalog.get(v).voice["name"] for _t, v in LINES]
        model = HistoryListModel(pool)
        view = QListView()
        qtbot.addWidget(view)
        view.setModel(model)
        model.set_query(lambda: first_history_page(client.list_history, HistoryQuery(), lambda _i: False))
        view.show()
        fetch_all(qtbot, model)
        assert model.rowCount() == 1
        shown = model.index(0).data(Qt.ItemDataRole.DisplayRole)
        first_line, summary = shown.split("\n")
        assert first_line.startswith("Where were you last night?")
        assert summary.startswith(" & ".join(names) + " · eleven_v3 · ")
        assert model.index(0).data(Qt.ItemDataRole.ToolTipRole) == "\n".join(t for t, _v in LINES)
        spoken = model.index(0).data(Qt.ItemDataRole.AccessibleTextRole)
        assert spoken.startswith("Where were you last night?") and "unknown voice" not in spoken
    assert pool.shutdown(5000)
