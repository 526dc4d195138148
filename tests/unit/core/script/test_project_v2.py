"""Project format version 2: blocks with their takes survive save and reopen; version-1 files migrate."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from studio.api.models import VoiceSettings
from studio.core.project import PROJECT_VERSION, Project, ProjectFileError, load_project, save_project
from studio.core.script import BlockStatus, Capabilities, RenderSettings, Script, plan_render
from studio.core.script.document import paragraphs

from .prose import generate_all as _generate_all
from .prose import paragraphs as prose

V1_FILE = Path(__file__).parents[3] / "data" / "projects" / "lighthouse-v1.narration"
CAPS = Capabilities("elevenlabs", "eleven_multilingual_v2", None, "creator")
SETTINGS = RenderSettings(voice_id="JBFqnCBsd6RMkjVDRZzb", model_id="eleven_multilingual_v2", seed=1234)


def test_a_version_1_file_from_the_current_release_opens_as_blocks(tmp_path: Path) -> None:
    raw = json.loads(V1_FILE.read_text(encoding="utf-8"))
    assert raw["version"] == 1 and "blocks" not in raw
    project = load_project(V1_FILE)
    # Every version-1 field is still where the UI reads it.
    assert project.script == raw["script"] and project.engine == "elevenlabs"
    assert (project.voice_id, project.voice_name, project.model_id) == ("JBFqnCBsd6RMkjVDRZzb", "George",
                                                                        "eleven_multilingual_v2")
    assert (project.language_code, project.output_format, project.seed) == ("en", "pcm_24000", 1234)
    assert project.voice_settings == VoiceSettings(stability=0.45, similarity_boost=0.8, style=0.1,
                                                   use_speaker_boost=True, speed=1.05)
    document = project.document()
    assert [b.text for b in document] == paragraphs(raw["script"])
    assert len(document) == 5 and all(not b.takes and not b.locked for b in document)
    ids = [b.id for b in document]
    assert len(set(ids)) == 5 and project.document().blocks[0].id == ids[0]  # migrated once, stable

    saved = save_project(tmp_path / "lighthouse.narration", project)
    written = json.loads(saved.read_text(encoding="utf-8"))
    assert written["version"] == PROJECT_VERSION == 2
    assert {k: written[k] for k in raw if k != "version"} == {k: v for k, v in raw.items() if k != "version"}
    assert [b["id"] for b in written["blocks"]] == ids
    assert [b.id for b in load_project(saved).document()] == ids


def test_takes_locks_and_choices_survive_save_and_reopen(tmp_path: Path) -> None:
    texts = prose(8)
    script = Script.from_text("\n\n".join(texts))
    cache: set[str] = set()
    _generate_all(script, plan_render(script, SETTINGS, CAPS, cache), cache, ids=True)
    block = script.blocks[3]
    _generate_all(script, plan_render(script, SETTINGS, CAPS, cache, regenerate=[block.id]), cache)
    first, second = block.takes
    block.choose(first.id)
    block.locked = True
    script.blocks[5].chapter = "Part one"

    project = Project(script=script.text, engine="elevenlabs", voice_id=SETTINGS.voice_id).with_document(script)
    reopened = load_project(save_project(tmp_path / "takes.narration", project)).document()

    assert [b.id for b in reopened] == [b.id for b in script]
    assert [(b.text, b.locked, b.chosen_take_id, b.takes, b.chapter) for b in reopened] == [
        (b.text, b.locked, b.chosen_take_id, b.takes, b.chapter) for b in script]
    # And they plan exactly as before saving: nothing to make, the locked choice kept.
    plan = plan_render(reopened, SETTINGS, CAPS, cache)
    assert plan.requests_needed == 0 and plan.block(block.id).status is BlockStatus.LOCKED
    assert plan.block(block.id).take_id == first.id


def test_a_caller_that_only_edits_the_text_keeps_the_other_paragraphs_takes(tmp_path: Path) -> None:
    texts = prose(6)
    script = Script.from_text("\n\n".join(texts))
    cache: set[str] = set()
    _generate_all(script, plan_render(script, SETTINGS, CAPS, cache), cache)
    project = Project(script=script.text).with_document(script)
    edited = list(texts)
    edited[2] = "A different third paragraph."
    # What today's window does: it saves a copy with new text.
    reopened = load_project(save_project(tmp_path / "p.narration",
                                         project.model_copy(update={"script": "\n\n".join(edited)})))
    document = reopened.document()
    assert [b.id for b in document] == [b.id for b in script]
    plan = plan_render(document, SETTINGS, CAPS, cache)
    assert [r.text for r in plan.requests] == [edited[2]]


def test_a_damaged_block_list_is_refused_in_plain_words(tmp_path: Path) -> None:
    path = tmp_path / "bad.narration"
    shutil.copy(V1_FILE, path)
    document = json.loads(path.read_text(encoding="utf-8"))
    document.update(version=2, blocks=[{"id": "b1", "text": "Hi.", "takes": [
        {"id": "t1", "text": "Hi.", "spoken_key": "../../etc/passwd", "voice_id": "v", "model_id": "m",
         "engine_id": "elevenlabs", "output_format": "pcm_24000"}]}])
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(ProjectFileError, match="blocks"):
        load_project(path)
