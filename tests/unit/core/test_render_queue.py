"""The render queue's data (issue 13, point 6): items per chapter, the weighted overall progress,
which item runs next, and the file it is kept in (atomic, and a damaged one named)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from studio.core.project import Project, save_project
from studio.core.queue_sources import item_document, queue_items, read_source
from studio.core.render_queue import QueueError, QueueItem, QueueState, RenderQueue
from studio.core.script import Script


def _book(tmp_path: Path) -> Path:
    path = tmp_path / "book.txt"
    path.write_text("Chapter One\n\nA short one.\n\nChapter Two\n\nA much longer paragraph, with many more words in it.",
                    encoding="utf-8")
    return path


def test_one_item_per_chapter_weighted_by_characters(tmp_path: Path) -> None:
    items = queue_items(_book(tmp_path), tmp_path, suffix=".mp3", by_chapter=True)
    assert [Path(i.destination).name for i in items] == ["book - 01 Chapter One.mp3", "book - 02 Chapter Two.mp3"]
    assert [i.characters for i in items] == [len("Chapter One") + len("A short one."),
                                             len("Chapter Two") + len("A much longer paragraph, with many more words in it.")]
    queue = RenderQueue(items)
    items[0].state = QueueState.DONE
    assert queue.fraction == pytest.approx(items[0].characters / queue.characters_total)
    items[1].characters_done = items[1].characters // 2
    assert queue.fraction == pytest.approx((items[0].characters + items[1].characters // 2) / queue.characters_total)
    whole = queue_items(_book(tmp_path), tmp_path)
    assert len(whole) == 1 and whole[0].chapter_id is None and whole[0].characters == queue.characters_total


def test_the_next_item_skips_done_and_failed_and_resumes_a_stopped_one(tmp_path: Path) -> None:
    queue = RenderQueue(queue_items(_book(tmp_path), tmp_path, by_chapter=True))
    first, second = queue.items
    assert queue.next_item() is first
    first.state = QueueState.DONE
    second.state = QueueState.FAILED
    assert queue.next_item() is None and not queue.has_work
    assert queue.retry_failed() == 1 and queue.next_item() is second
    second.state = QueueState.STOPPED
    assert queue.next_item() is second


def test_a_destination_is_queued_once(tmp_path: Path) -> None:
    queue = RenderQueue(queue_items(_book(tmp_path), tmp_path))
    with pytest.raises(QueueError, match="already in the queue"):
        queue.add(queue_items(_book(tmp_path), tmp_path)[0])


def test_saved_atomically_and_read_back(tmp_path: Path) -> None:
    path = tmp_path / "data" / "render-queue.json"
    queue = RenderQueue(queue_items(_book(tmp_path), tmp_path, by_chapter=True), path=path)
    queue.items[0].state = QueueState.RUNNING
    queue.items[0].characters_done = 5
    queue.save()
    assert [p.name for p in path.parent.iterdir()] == ["render-queue.json"]  # no temporary file left
    loaded = RenderQueue.load(path)
    assert [i.to_json() | {"state": "x"} for i in loaded.items] == [i.to_json() | {"state": "x"} for i in queue.items]
    assert loaded.items[0].state is QueueState.STOPPED  # it was cut off


def test_a_failed_save_keeps_the_old_file_and_says_why(tmp_path: Path) -> None:
    from tests.integration.export.conftest import tiny_disk

    with tiny_disk(tmp_path / "disk", "16k") as disk:
        path = disk / "render-queue.json"
        queue = RenderQueue(queue_items(_book(tmp_path), tmp_path, by_chapter=True), path=path)
        queue.save()
        before = path.read_bytes()
        for n in range(40):  # far more than the disk holds
            queue.add(QueueItem(str(tmp_path / "book.txt"), f"/out/{n}.wav", "A long title " * 40))
        with pytest.raises(QueueError, match="could not be saved") as raised:
            queue.save()
        assert "disk is not full" in raised.value.remedy
        assert path.read_bytes() == before  # the queue as it was, not half of the new one
        assert [p.name for p in disk.iterdir()] == ["render-queue.json"]


def test_a_damaged_queue_file_is_named_with_the_remedy(tmp_path: Path) -> None:
    path = tmp_path / "render-queue.json"
    path.write_text("{ not json", encoding="utf-8")
    with pytest.raises(QueueError, match="is damaged") as raised:
        RenderQueue.load(path)
    assert "Delete the file" in raised.value.remedy
    assert RenderQueue.load(tmp_path / "none.json").items == []  # no file yet: an empty queue


def test_a_chapter_is_found_again_by_id_in_a_project_and_by_place_in_a_script(tmp_path: Path) -> None:
    document = Script.from_text("Intro.\n\nOne.\n\nTwo.")
    document.split_chapter(document.blocks[1].id, "First")
    project_path = save_project(tmp_path / "p.narration", Project().with_document(document))
    item = queue_items(project_path, tmp_path, by_chapter=True)[1]
    # A chapter moved in front of the others is still the same chapter (by id).
    saved = read_source(project_path)
    saved.document.move_chapter(item.chapter_id, 0)
    save_project(project_path, Project().with_document(saved.document))
    blocks, _ = item_document(item, read_source(project_path))
    assert [b.text for b in blocks] == ["One.", "Two."]

    text_item = queue_items(_book(tmp_path), tmp_path, by_chapter=True)[1]
    blocks, _ = item_document(text_item, read_source(_book(tmp_path)))  # fresh ids: found by place and title
    assert [b.text for b in blocks][0] == "Chapter Two"
    renamed = QueueItem(text_item.source, text_item.destination, "x", "gone", 2, "Another title")
    with pytest.raises(QueueError, match="no longer in"):
        item_document(renamed, read_source(_book(tmp_path)))


def test_queue_file_is_json_with_a_format(tmp_path: Path) -> None:
    path = tmp_path / "q.json"
    RenderQueue(path=path).save()
    assert json.loads(path.read_text())["format"] == "narration-studio-render-queue"
