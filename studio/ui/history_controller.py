"""The logic behind the History panel (issue 14): list, filter, play, download, delete, add as take.

Everything that touches the network, the disk or the decoder runs in a worker
(:mod:`studio.ui.worker`); the GUI thread only starts work and shows what came back. Every
failure goes to the panel's message strip through :func:`~studio.ui.inline_message.describe_error`
(the one error path): the API's own errors already name the cause and the remedy (a key
without ``speech_history_read`` names it; an item whose audio is gone says so; a ZIP cut
short leaves nothing behind, see :mod:`studio.core.history_files`).

The list loads only while the panel is shown, so a studio with the panel closed asks the
account for no history at all. History belongs to an ElevenLabs account: with the offline
engine the panel shows its empty state and asks nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox

from studio.api.requests import HistoryQuery
from studio.cancel import CancelToken
from studio.ui.account_list import AccountListController
from studio.ui.history_model import HistoryListModel, first_history_page
from studio.ui.history_panel import HistoryPanel, date_after
from studio.ui.worker import Worker, WorkerPool

if TYPE_CHECKING:
    from studio.api.client import ElevenLabsClient
    from studio.api.models import HistoryItem
    from studio.core.cache import SpeechCache
    from studio.core.render_inputs import RenderInputs
    from studio.playback.preview_player import PreviewPlayer
    from studio.ui.script_document import ScriptDocumentController

log = logging.getLogger(__name__)

PAGE_SIZE = 30

#: Asks where to save: (parent, caption, suggested path, filter) → a path, or "" for Cancel.
AskSavePath = Callable[[Any, str, str, str], str]
#: Asks a yes/no question: (parent, title, text) → True for yes.
Confirm = Callable[[Any, str, str], bool]


def _ask_save_path(parent: Any, caption: str, suggested: str, filters: str) -> str:
    path, _ = QFileDialog.getSaveFileName(parent, caption, suggested, filters)
    return path


def _confirm(parent: Any, title: str, text: str) -> bool:
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, parent=parent)
    delete = box.addButton("Delete for Good", QMessageBox.ButtonRole.DestructiveRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)  # Enter never deletes by accident
    box.exec()
    return box.clickedButton() is delete


def delete_question(count: int) -> str:
    what = "this item" if count == 1 else f"these {count} items"
    return (f"Delete {what} from your ElevenLabs history? The API has no undo: the audio cannot be "
            "brought back, and downloading it later will not be possible. Takes already in your "
            "projects keep their audio.")


class HistoryController(AccountListController):
    #: A short line for the status bar.
    status = Signal(str)
    #: Takes were added from history (how many paragraphs got one).
    takes_added = Signal(int)

    def __init__(
        self,
        panel: HistoryPanel,
        pool: WorkerPool,
        *,
        client: Callable[[], ElevenLabsClient | None],
        render_inputs: Callable[[], RenderInputs],
        cache: SpeechCache | None,
        document: ScriptDocumentController,
        parent: QObject | None = None,
    ) -> None:
        self.model = HistoryListModel(pool)
        super().__init__(panel, self.model, client, parent)
        self.model.setParent(self)
        self.panel = panel
        self.pool = pool
        self._render_inputs = render_inputs
        self._cache = cache
        self._document = document
        self.ask_save_path: AskSavePath = _ask_save_path
        self.confirm: Confirm = _confirm
        self._player: PreviewPlayer | None = None
        self._jobs: set[Worker] = set()

        panel.search.textChanged.connect(lambda _text: self.typed())
        panel.search.returnPressed.connect(self.refresh)
        for combo in (panel.voice, panel.model, panel.date):
            combo.currentIndexChanged.connect(lambda _i: self.refresh())
        panel.list.selectionModel().selectionChanged.connect(lambda *_: self._update_actions())
        panel.list.doubleClicked.connect(lambda _index: self.play())
        self.model.total_count_changed.connect(self._show_total)
        self.model.page_loaded.connect(self._on_page_loaded)
        self.model.rowsRemoved.connect(lambda *_: self._update_actions())
        panel.play_button.clicked.connect(self.play)
        panel.download_button.clicked.connect(self.download)
        panel.delete_button.clicked.connect(self.delete)
        panel.take_button.clicked.connect(self.add_as_take)

    # -- state -------------------------------------------------------------------------------
    def set_filter_choices(self, voices: list[tuple[str, str]], models: list[tuple[str, str]]) -> None:
        self.panel.set_choices(self.panel.voice, "Any voice", voices)
        self.panel.set_choices(self.panel.model, "Any model", models)

    def query(self) -> HistoryQuery:
        panel = self.panel
        return HistoryQuery(page_size=PAGE_SIZE, sort_direction="desc", search=panel.search.text().strip() or None,
                            voice_id=panel.voice.currentData(), model_id=panel.model.currentData(),
                            date_after_unix=date_after(panel.date.currentData()))

    def first_page(self, client: ElevenLabsClient) -> Callable[[], Any]:
        query, in_cache = self.query(), self._cache_check()
        return lambda: first_history_page(client.list_history, query, in_cache)

    def selected_items(self) -> list[HistoryItem]:
        rows = sorted(i.row() for i in self.panel.list.selectionModel().selectedIndexes())
        return [item for item in (self.model.item_at(r) for r in rows) if item is not None]

    # -- actions -----------------------------------------------------------------------------
    def play(self) -> None:
        items, client = self.selected_items(), self._client()
        if len(items) != 1 or client is None:
            return
        item = items[0]

        def fetch(token: CancelToken) -> bytes:
            # Streamed in pieces, so Stop/close can end it part-way (the stream watches the token).
            with client.stream_history_audio(item.history_item_id, cancel=token) as stream:
                return b"".join(stream)

        self.status.emit("Fetching the history item's audio…")
        self._run(fetch, self._play_audio)

    def download(self) -> None:
        items, client = self.selected_items(), self._client()
        if not items or client is None:
            return
        ids = [i.history_item_id for i in items]
        if len(ids) == 1:
            path = self.ask_save_path(self.panel, "Download History Item", f"{ids[0]}.mp3",
                                      "MP3 audio (*.mp3);;ZIP archive (*.zip)")
        else:
            path = self.ask_save_path(self.panel, f"Download {len(ids)} History Items", "history.zip",
                                      "ZIP archive (*.zip)")
        if not path:
            return
        out = Path(path)
        if len(ids) > 1 and out.suffix.lower() != ".zip":
            out = out.with_suffix(".zip")  # several items always come as one ZIP

        def work(token: CancelToken) -> list[Path]:
            from studio.core.history_files import download_history_items, save_download

            if len(ids) == 1 and out.suffix.lower() != ".zip":
                return [save_download(client.download_history(ids, cancel=token), out, expect_zip=False)]
            return download_history_items(client, ids, out, cancel=token)

        self.panel.show_busy(f"Downloading {len(ids)} item{'s' if len(ids) != 1 else ''}…")
        self._run(work, lambda paths: self.status.emit(f"Saved {paths[0]}" if len(paths) == 1
                                                       else f"Saved {len(paths)} files"))

    def delete(self) -> None:
        items, client = self.selected_items(), self._client()
        if not items or client is None:
            return
        if not self.confirm(self.panel, "Delete from History", delete_question(len(items))):
            return
        ids = [i.history_item_id for i in items]

        def work(token: CancelToken) -> tuple[list[str], BaseException | None]:
            deleted: list[str] = []
            for item_id in ids:
                token.raise_if_cancelled()
                try:
                    client.delete_history_item(item_id)
                except Exception as error:  # the ones already gone stay gone: report, and stop
                    return deleted, error
                deleted.append(item_id)
            return deleted, None

        self.panel.show_busy(f"Deleting {len(ids)} item{'s' if len(ids) != 1 else ''}…")
        self._run(work, self._on_deleted)

    def add_as_take(self) -> None:
        items, client = self.selected_items(), self._client()
        if len(items) != 1 or client is None:
            return
        item = items[0]
        try:
            inputs = self._render_inputs()
        except Exception as error:
            self.panel.message.show_error(error)
            return
        if self._cache is None:
            from studio.errors import StudioError

            self.panel.message.show_error(StudioError("The studio has no speech cache to keep the take's audio in",
                                                      "Check that your cache folder can be written, then restart."))
            return
        self._document.sync()
        snapshot, cache = self._document.snapshot(), self._cache

        def work(token: CancelToken) -> list[tuple[str, Any]]:
            from studio.core.history_takes import add_history_item_as_take

            audio = client.get_history_audio(item.history_item_id, cancel=token)
            return add_history_item_as_take(item, audio, snapshot, inputs.settings, inputs.capabilities, cache)

        self.panel.show_busy("Adding the item as a take…")
        self._run(work, lambda pairs: self._on_takes(item, pairs))

    # -- results -------------------------------------------------------------------------------
    def _play_audio(self, audio: bytes) -> None:
        if self._player is None:  # QtMultimedia starts slowly: only on first use
            from studio.playback.preview_player import PreviewPlayer

            self._player = PreviewPlayer(self)
            self._player.error.connect(self.panel.message.show_error)
        if self._player.play_bytes(audio, ".mp3"):
            self.status.emit("Playing the history item")

    def stop(self) -> None:
        if self._player is not None:
            self._player.stop()

    @property
    def player(self) -> PreviewPlayer | None:
        return self._player

    def _on_deleted(self, result: tuple[list[str], BaseException | None]) -> None:
        deleted, error = result
        for item_id in deleted:
            self.model.remove_key(item_id)
        if error is not None:
            self.panel.message.show_error(error)
        self.status.emit(f"Deleted {len(deleted)} item{'s' if len(deleted) != 1 else ''} from your history")

    def _on_takes(self, item: HistoryItem, pairs: list[tuple[str, Any]]) -> None:
        added = self.add_takes(dict(pairs))
        self.model.mark_in_studio(item.history_item_id)
        self.status.emit(f"Added a take to {added} paragraph{'s' if added != 1 else ''} (no credits used)")

    def _run(self, work: Callable[[CancelToken], Any], done: Callable[[Any], None]) -> None:
        worker = Worker(work)
        self._jobs.add(worker)

        def finish(value: Any) -> None:
            self._jobs.discard(worker)
            self.panel.show_busy(None)
            done(value)

        def failed(error: BaseException) -> None:
            self._jobs.discard(worker)
            self.panel.show_busy(None)
            self.panel.message.show_error(error)

        worker.signals.finished.connect(finish)
        worker.signals.errored.connect(failed)
        self.pool.start(worker)

    def cancel_all(self) -> None:
        for worker in list(self._jobs):
            worker.cancel()
        if self._player is not None:
            self._player.shutdown()

    def rebuild_inputs(self) -> tuple[ElevenLabsClient, RenderInputs, Any, SpeechCache]:
        """What Rebuild from History works with (client, render inputs, a script snapshot, the cache);
        raises a StudioError in the person's words when one is missing."""
        from studio.errors import StudioError

        client = self._client()
        if client is None:
            raise StudioError("History is kept by an ElevenLabs account, and the offline voice keeps none",
                              "Connect your account (File ▸ Account…), then rebuild from history.")
        if self._cache is None:
            raise StudioError("The studio has no speech cache to keep the takes' audio in",
                              "Check that your cache folder can be written, then restart.")
        inputs = self._render_inputs()
        self._document.sync()
        return client, inputs, self._document.snapshot(), self._cache

    def add_takes(self, takes: dict[str, Any]) -> int:
        """Give takes made in a worker to the document; returns how many paragraphs got one."""
        added = sum(1 for block_id, take in takes.items() if self._document.add_take(block_id, take))
        if added:
            self.takes_added.emit(added)
        return added

    # -- helpers -------------------------------------------------------------------------------
    def _cache_check(self) -> Callable[[HistoryItem], bool]:
        """The "already in the studio" test for a worker (see studio.ui.history_model's notes)."""
        cache = self._cache
        try:
            inputs = self._render_inputs()
        except Exception:  # no voice chosen yet: the render's other settings are the defaults
            return lambda _item: False
        if cache is None:
            return lambda _item: False
        from studio.core.history_match import item_in_cache

        settings, engine_id = inputs.settings, inputs.backend.engine_id
        return lambda item: item_in_cache(item, settings, engine_id, cache)

    def _show_total(self, total: object) -> None:
        if total is None:
            self.panel.count_label.setText("")
        else:
            self.panel.count_label.setText(f"{total:,} item{'s' if total != 1 else ''}")

    def _on_page_loaded(self) -> None:
        self.panel.show_empty(self.model.rowCount() == 0)
        if self.model.total_count is None:
            shown = len(self.model.items)
            self.panel.count_label.setText(f"{shown:,}+ items" if self.model.canFetchMore() else f"{shown:,} items")
        self._update_actions()

    def _update_actions(self) -> None:
        self.panel.set_actions_enabled(len(self.selected_items()) if self.connected else 0)
