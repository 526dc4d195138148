"""The render queue: chapters and whole files waiting to be exported, and where it was saved.

No Qt and no engine here: the queue is data (its items, their states, the overall progress
weighted by characters) and its file. :mod:`studio.core.queue_runner` runs it through the one
export path; the studio's Render Queue dock and ``narration-studio queue`` both use the same
file, so a queue started in one can be resumed in the other.

**Items.** An item is a source file (a ``.narration`` project, a script or a book) and either
one chapter of it (``chapter_id``: the id of the chapter's first block, stable across edits and
saves) or the whole file, exported to ``destination`` (its suffix chooses the format, as in
every export). ``characters`` (the text to speak) weights the item in the overall progress.

**States.** ``waiting`` → ``running`` → ``done`` | ``failed`` | ``stopped`` (cancelled part
way, or the app was closed while it ran: :meth:`RenderQueue.load` turns a saved ``running``
into ``stopped``). A run takes :meth:`RenderQueue.next_item` (the first ``waiting`` or
``stopped`` item) until there is none. A ``done`` item is never run again, and the parts a
stopped item finished are in the speech cache, so resuming requests only what is missing.

**The file.** JSON in the app's data folder (:func:`default_queue_path`), written atomically
(:func:`studio.core.files.write_atomically`) after every change of state: a crash or a power
cut leaves the previous queue or the new one, never half of one.
"""

from __future__ import annotations

import enum
import json
import threading
import uuid
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import platformdirs

from studio.core.files import write_atomically
from studio.core.project import APP_DIR_NAME
from studio.errors import StudioError

__all__ = ["QueueError", "QueueItem", "QueueState", "RenderQueue", "default_queue_path"]

QUEUE_FORMAT = "narration-studio-render-queue"
QUEUE_VERSION = 1


class QueueError(StudioError):
    """The queue file cannot be read or written, or an item cannot be queued."""


class QueueState(str, enum.Enum):
    WAITING = "waiting"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    STOPPED = "stopped"

    @property
    def label(self) -> str:
        """How the dock and ``queue list`` say it."""
        return {"waiting": "Waiting", "running": "Exporting", "done": "Done", "failed": "Failed",
                "stopped": "Stopped"}[self.value]


#: States a run picks up (a stopped item resumes where its finished parts end).
RUNNABLE = frozenset({QueueState.WAITING, QueueState.STOPPED})


def default_queue_path() -> Path:
    """Where the studio and the command line keep the queue (the app's data folder)."""
    return Path(platformdirs.user_data_dir(APP_DIR_NAME)) / "render-queue.json"


@dataclass
class QueueItem:
    source: str
    destination: str
    #: Shown in the dock and in ``queue list``: the file's name, and the chapter's title.
    title: str
    #: The chapter's id (its first block's); None: the whole file.
    chapter_id: str | None = None
    #: Its place (1 = first) and title when queued: a script or book read again gets fresh
    #: block ids, so its chapter is found by place and title instead.
    chapter_number: int = 0
    chapter_title: str = ""
    characters: int = 0
    state: QueueState = QueueState.WAITING
    #: Characters made so far in the current or last run (the item's share of the bar).
    characters_done: int = 0
    #: Why it failed, in the person's words (cause and remedy).
    error: str = ""
    id: str = field(default_factory=lambda: uuid.uuid4().hex)

    @property
    def fraction(self) -> float:
        if self.state is QueueState.DONE:
            return 1.0
        return min(1.0, self.characters_done / self.characters) if self.characters else 0.0

    def to_json(self) -> dict[str, object]:
        body = asdict(self)
        body["state"] = self.state.value
        return body

    @classmethod
    def from_json(cls, body: dict[str, object]) -> QueueItem:
        values = {k: body[k] for k in ("source", "destination", "title", "chapter_id", "chapter_number",
                                        "chapter_title", "characters", "characters_done", "error", "id") if k in body}
        return cls(**values, state=QueueState(str(body.get("state", "waiting"))))  # type: ignore[arg-type]


class RenderQueue:
    """The items in order, and the file they are kept in (``path``; None: not kept).

    A run changes its items' states on its own thread while the studio adds or removes items
    on the GUI thread: changes to the list and saves hold :attr:`lock`, so a save never sees
    half a change and two saves never interleave."""

    def __init__(self, items: Iterable[QueueItem] = (), path: Path | None = None) -> None:
        self.items: list[QueueItem] = list(items)
        self.path = path
        self.lock = threading.RLock()

    # -- the items ----------------------------------------------------------------------------

    def add(self, item: QueueItem) -> QueueItem:
        with self.lock:
            return self._add(item)

    def _add(self, item: QueueItem) -> QueueItem:
        if any(i.destination == item.destination and i.state is not QueueState.DONE for i in self.items):
            raise QueueError(f"“{Path(item.destination).name}” is already in the queue",
                             "Give this export another file name, or remove the other item first.")
        self.items.append(item)
        return item

    def item(self, item_id: str) -> QueueItem:
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    def remove(self, item_id: str) -> None:
        with self.lock:
            item = self.item(item_id)
            if item.state is QueueState.RUNNING:
                raise QueueError("That item is being exported", "Cancel the queue first, then remove it.")
            self.items.remove(item)

    def clear_finished(self) -> int:
        """Drop the done items; returns how many."""
        with self.lock:
            before = len(self.items)
            self.items = [i for i in self.items if i.state is not QueueState.DONE]
            return before - len(self.items)

    def next_item(self) -> QueueItem | None:
        """The item a run exports next: the first waiting or stopped one, in queue order."""
        with self.lock:
            return next((i for i in self.items if i.state in RUNNABLE), None)

    def retry_failed(self) -> int:
        """Failed items wait again (the person fixed the cause); returns how many."""
        failed = [i for i in self.items if i.state is QueueState.FAILED]
        for item in failed:
            item.state, item.error = QueueState.WAITING, ""
        return len(failed)

    @property
    def characters_total(self) -> int:
        return sum(i.characters for i in self.items)

    @property
    def fraction(self) -> float:
        """The overall progress: every item's share weighted by its characters."""
        total = self.characters_total
        if not total:
            return 1.0 if self.items and all(i.state is QueueState.DONE for i in self.items) else 0.0
        return sum(i.fraction * i.characters for i in self.items) / total

    @property
    def has_work(self) -> bool:
        return self.next_item() is not None

    # -- the file -----------------------------------------------------------------------------

    def to_json(self) -> dict[str, object]:
        return {"format": QUEUE_FORMAT, "version": QUEUE_VERSION, "items": [i.to_json() for i in self.items]}

    def save(self) -> None:
        """Write the queue to its file atomically (nothing when it has none)."""
        if self.path is None:
            return
        with self.lock:
            data = (json.dumps(self.to_json(), indent=2, ensure_ascii=False) + "\n").encode("utf-8")
            try:
                write_atomically(self.path, data)
            except OSError as error:
                raise QueueError(f"The render queue could not be saved to “{self.path}” ({error.strerror or error})",
                                 "Check that the disk is not full and that you may write to that folder.") from error

    @classmethod
    def load(cls, path: Path | None = None) -> RenderQueue:
        """The queue kept at ``path`` (default: :func:`default_queue_path`); empty when there is
        none yet. An item saved as running was cut off (the app closed): it is stopped."""
        path = path or default_queue_path()
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return cls(path=path)
        except OSError as error:
            raise QueueError(f"The render queue “{path}” could not be read ({error.strerror or error})",
                             "Check that you may read the file.") from error
        try:
            body = json.loads(raw.decode("utf-8"))
            if not isinstance(body, dict) or body.get("format") != QUEUE_FORMAT:
                raise ValueError("not a render queue")
            items = [QueueItem.from_json(i) for i in body.get("items", [])]
        except (ValueError, TypeError, KeyError, UnicodeDecodeError) as error:
            raise QueueError(f"The render queue “{path}” is damaged ({error})",
                             "Delete the file to start an empty queue; the speech already made stays "
                             "in the cache.") from None
        for item in items:
            if item.state is QueueState.RUNNING:
                item.state = QueueState.STOPPED
        return cls(items, path=path)
