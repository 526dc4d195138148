"""Chapters above paragraphs: the rule, the operations, saving, and chapter spans in the plans."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from studio.core.project import Project, load_project, save_project
from studio.core.run_plan import flatten
from studio.core.script import Capabilities, Chapter, ChapterError, RenderSettings, Script, plan_render
from studio.core.script.chapters import UNTITLED_CHAPTER

V1_FILE = Path(__file__).parents[3] / "data" / "projects" / "lighthouse-v1.narration"
CAPS = Capabilities("elevenlabs", "eleven_multilingual_v2", None, "creator")
SETTINGS = RenderSettings(voice_id="JBFqnCBsd6RMkjVDRZzb", model_id="eleven_multilingual_v2", seed=1234)


def _book() -> Script:
    """An opening paragraph, then two chapters whose heading is their first paragraph."""
    script = Script.from_text("A note before.\n\nChapter One\n\nThe sea was calm.\n\nIt got dark.\n\n"
                              "Chapter Two\n\nMorning came.")
    script.blocks[1].chapter = "Chapter One"
    script.blocks[4].chapter = "Chapter Two"
    return script


def _spans(script: Script) -> list[tuple[str, int, int]]:
    return [(c.title, c.first_block, c.last_block) for c in script.chapters()]


def test_a_block_with_a_title_starts_a_chapter_and_blocks_before_the_first_are_untitled() -> None:
    script = _book()
    assert _spans(script) == [("", 0, 0), ("Chapter One", 1, 3), ("Chapter Two", 4, 5)]
    assert script.chapters()[1].id == script.blocks[1].id
    assert script.chapter_of(3).title == "Chapter One" and list(script.chapters()[2].blocks) == [4, 5]
    assert _spans(Script.from_text("One.\n\nTwo.")) == [("", 0, 1)]
    assert Script().chapters() == []


def test_edits_keep_chapters_and_deleting_a_heading_joins_its_chapter_to_the_one_before() -> None:
    script = _book()
    script.reconcile(script.text.replace("The sea was calm.", "The sea was very calm."))
    assert _spans(script) == [("", 0, 0), ("Chapter One", 1, 3), ("Chapter Two", 4, 5)]
    script.reconcile(script.text.replace("Chapter One", "Chapter 1: The Sea"))  # the heading edited
    assert script.chapters()[1].title == "Chapter One"  # the title is the marker's, not the text's
    script.reconcile(script.text.replace("Chapter Two\n\n", ""))
    assert _spans(script) == [("", 0, 0), ("Chapter One", 1, 4)]


def test_rename_split_merge() -> None:
    script = _book()
    opening = script.chapters()[0]
    assert script.rename_chapter(opening.id, "  Author's\nnote ").title == "Author's note"
    split = script.split_chapter(script.blocks[3].id, "Night")
    assert (split.title, split.first_block, split.last_block) == ("Night", 3, 3)
    with pytest.raises(ChapterError):
        script.split_chapter(script.blocks[3].id, "Again")
    with pytest.raises(ChapterError):
        script.rename_chapter(split.id, "   ")
    joined = script.merge_chapter(split.id)
    assert (joined.title, joined.first_block, joined.last_block) == ("Chapter One", 1, 3)
    with pytest.raises(ChapterError):
        script.merge_chapter(script.chapters()[0].id)


def test_moving_a_chapter_moves_its_blocks_with_their_ids_and_names_the_opening() -> None:
    script = _book()
    ids = [b.id for b in script.blocks]
    two = script.chapters()[2]
    moved = script.move_chapter(two.id, 0)
    assert [c.title for c in moved] == ["Chapter Two", UNTITLED_CHAPTER, "Chapter One"]
    assert [b.id for b in script.blocks] == [ids[4], ids[5], ids[0], ids[1], ids[2], ids[3]]
    assert script.text.startswith("Chapter Two\n\nMorning came.\n\nA note before.")
    script.move_chapter(moved[0].id, 5)  # past the end: last
    assert [c.title for c in script.chapters()] == [UNTITLED_CHAPTER, "Chapter One", "Chapter Two"]


def test_chapters_survive_save_and_reopen_and_old_files_have_one_chapter(tmp_path: Path) -> None:
    script = _book()
    path = save_project(tmp_path / "book.narration", Project().with_document(script))
    assert json.loads(path.read_text(encoding="utf-8"))["blocks"][1]["chapter"] == "Chapter One"
    reopened = load_project(path).document()
    assert reopened.chapters() == script.chapters()
    old = load_project(V1_FILE).document()
    assert [(c.title, c.first_block, c.last_block) for c in old.chapters()] == [("", 0, len(old) - 1)]


def test_render_plan_and_run_plan_say_which_blocks_and_segments_each_chapter_covers() -> None:
    script = _book()
    plan = plan_render(script, SETTINGS, CAPS)
    assert plan.chapters == tuple(script.chapters())
    assert all(isinstance(c, Chapter) for c in plan.chapters)
    assert [b.block_id for b in plan.chapter_blocks(plan.chapters[1])] == [b.id for b in script.blocks[1:4]]
    run = flatten(plan, 44_100)
    spans = run.chapter_spans()
    assert [s.chapter.title for s in spans] == ["", "Chapter One", "Chapter Two"]
    for span in spans:
        covered = {run.segments[k].paragraph_index for k in range(span.first_segment, span.end_segment)}
        assert covered == set(span.chapter.blocks)
    assert spans[-1].end_segment == len(run.segments) and spans[0].first_segment == 0
