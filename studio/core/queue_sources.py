"""What a render-queue item speaks: its source file read as a script document, and its chapter.

A source is a ``.narration`` project (its blocks, takes and chapters), a book (imported as
File ▸ Import Book… and ``narration-studio export book.epub`` do, front matter skipped) or a
plain-text script. :func:`queue_items` makes the items for a file (the whole file, or one per
chapter); :func:`item_document` gives a running item the blocks it speaks: the chapter's
blocks of the document read now (found by id, so a chapter moved or grown since it was queued
is still the same chapter), or every block.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from studio.core.audiobook.formats import AUDIO_SUFFIXES
from studio.core.render_queue import QueueError, QueueItem
from studio.core.script import Script

if TYPE_CHECKING:
    from studio.core.project import Project
    from studio.core.script.chapters import Chapter

__all__ = ["QueueSource", "chapter_file_name", "export_suffixes", "item_document", "queue_items", "read_source"]

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


@dataclass
class QueueSource:
    document: Script
    #: The plain text the document's offsets refer to (subtitles of a whole-file item).
    text: str
    #: The project when the source is one (its voice, model and settings speak it headless).
    project: Project | None = None


def read_source(path: Path | str) -> QueueSource:
    """Read ``path`` as a script document. Raises a StudioError naming the file and the remedy."""
    from studio.core.cast import apply_speaker_prefixes
    from studio.core.project import load_project
    from studio.core.script_io import BOOK, read_script, script_file_kind

    path = Path(path)
    kind = script_file_kind(path, accept={"project", BOOK})
    if kind == "project":
        project = load_project(path)
        return QueueSource(project.document(), project.script, project)
    if kind == BOOK:
        from studio.core.book_import import import_book

        document = import_book(path).to_script()
        apply_speaker_prefixes(document)  # as the studio and ``export`` open a script
        return QueueSource(document, document.text)
    text = read_script(path)
    document = Script.from_text(text)
    apply_speaker_prefixes(document)
    return QueueSource(document, text)


def export_suffixes() -> tuple[str, ...]:
    """The single-file formats an export writes, by suffix (what the queue offers)."""
    return tuple(AUDIO_SUFFIXES)


def _check_format(out_dir: Path, suffix: str) -> None:
    """Refuse a format the export does not write now, not when the run gets to the item (the
    export's own check, on a name in ``out_dir``)."""
    from studio.core.exporter import ExportOptions, check_export

    check_export(ExportOptions(destination=out_dir / f"queued{suffix}", overwrite=True))


def chapter_file_name(stem: str, number: int, chapter: Chapter, suffix: str) -> str:
    """``Book - 02 The Storm.wav``: the file one chapter is exported to (sorted by number)."""
    title = " ".join(_UNSAFE.sub(" ", chapter.title).split())[:80]
    return f"{stem} - {number:02d}{' ' + title if title else ''}{suffix}"


def queue_items(path: Path | str, out_dir: Path | str, *, suffix: str = ".wav", by_chapter: bool = False,
                chapter_ids: list[str] | None = None, source: QueueSource | None = None,
                name: str | None = None) -> list[QueueItem]:
    """The items that export ``path`` into ``out_dir``: the whole file, or (``by_chapter``, or
    the chapters ``chapter_ids``) one item per chapter. ``source``: the file already read;
    ``name``: what to call it in titles and file names (default: the file's name)."""
    path, out_dir = Path(path).absolute(), Path(out_dir).expanduser().absolute()
    if not out_dir.is_dir():
        raise QueueError(f"The folder “{out_dir}” does not exist", "Create it first, or choose another folder.")
    _check_format(out_dir, suffix)
    source = source or read_source(path)
    stem = name or path.stem
    shown = name or path.name
    chapters = source.document.chapters()
    if chapter_ids is None and not by_chapter:
        characters = sum(len(b.text) for b in source.document)
        return [QueueItem(str(path), str(out_dir / f"{stem}{suffix}"), shown, characters=characters)]
    wanted = set(chapter_ids) if chapter_ids is not None else {c.id for c in chapters}
    missing = wanted - {c.id for c in chapters}
    if missing:
        raise QueueError(f"A chosen chapter is no longer in “{path.name}”", "Save the project, then queue it again.")
    items = []
    for number, chapter in enumerate(chapters, start=1):
        if chapter.id not in wanted:
            continue
        characters = sum(len(source.document.blocks[i].text) for i in chapter.blocks)
        file_name = chapter_file_name(stem, number, chapter, suffix)
        title = f"{shown} ▸ {chapter.title or 'Opening'}"
        items.append(QueueItem(str(path), str(out_dir / file_name), title, chapter_id=chapter.id,
                               chapter_number=number, chapter_title=chapter.title, characters=characters))
    return items


def item_document(item: QueueItem, source: QueueSource) -> tuple[Script, str | None]:
    """The blocks ``item`` speaks (the same Block objects as ``source.document``, so the takes
    an export makes are recorded there) and the text its offsets refer to (None: the
    document's own text)."""
    if item.chapter_id is None:
        return source.document, source.text
    chapters = source.document.chapters()
    found = next((c for c in chapters if c.id == item.chapter_id), None)
    if found is None and 0 < item.chapter_number <= len(chapters):
        # A script or book read again has fresh block ids: the same place with the same title.
        candidate = chapters[item.chapter_number - 1]
        found = candidate if candidate.title == item.chapter_title else None
    if found is not None:
        return Script(source.document.blocks[found.first_block:found.last_block + 1]), None
    raise QueueError(f"The chapter “{item.title}” is no longer in “{Path(item.source).name}”",
                     "It was deleted or merged into another chapter; remove it from the queue and queue the "
                     "chapters again.")
