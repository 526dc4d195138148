"""The cast model (issue 11, point 1): speakers, the NAME: convention, the project field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from studio.api.models import VoiceSettings
from studio.core.cast import NARRATOR, Cast, CastMember, apply_speaker_prefixes, parse_cast_option
from studio.core.project import PROJECT_FORMAT, Project, load_project, save_project
from studio.core.script import Script
from studio.core.script.spoken import SpokenText
from studio.markup import speaker_name


@pytest.mark.parametrize(("text", "name"), [
    ("ALICE: Hello there.", "ALICE"),
    ("Dr. Who: Run!", "Dr. Who"),
    ("Mary Jane Watson: Yes.", "Mary Jane Watson"),
    ("Élodie: Oui.", "Élodie"),
    ("At 10:30 we left.", None),
    ("See http://example.com now.", None),
    ("ALICE:no space", None),
    ("Note:", None),
    ("One two three four: too many words for a name.", None),
])
def test_the_prefix_grammar(text: str, name: str | None) -> None:
    assert speaker_name(text) == name


def test_apply_speaker_prefixes_sets_speakers_and_keeps_margin_choices() -> None:
    script = Script.from_text("ALICE: Hi.\n\nThe narrator speaks.\n\nbob: Hello, Alice.")
    script.blocks[1].speaker = "Carol"  # set from the margin: no prefix to override it
    cast = Cast().with_voice("Bob", "voice-b")
    changed = apply_speaker_prefixes(script, cast)
    assert [b.speaker for b in script] == ["ALICE", "Carol", "Bob"]  # the cast's spelling wins
    assert changed == [script.blocks[0].id, script.blocks[2].id]
    off = Script.from_text("ALICE: Hi.")
    assert apply_speaker_prefixes(off, Cast(speaker_prefix=False)) == []
    assert off.blocks[0].speaker is None


def test_only_limits_the_parse_to_pasted_blocks() -> None:
    script = Script.from_text("ALICE: Hi.\n\nBOB: Yo.")
    apply_speaker_prefixes(script, only={script.blocks[1].id})
    assert [b.speaker for b in script] == [None, "BOB"]


def test_voice_for_narrator_member_and_unknown() -> None:
    cast = Cast().with_voice("Alice", "va", VoiceSettings(stability=0.1)).with_voice(NARRATOR, "vn")
    script = Script.from_text("a\n\nb\n\nc")
    script.blocks[1].speaker = "ALICE"
    script.blocks[2].speaker = "Zed"
    assert cast.voice_for(script.blocks[0]) == CastMember(NARRATOR, "vn")
    assert cast.voice_for(script.blocks[1]).voice_id == "va"
    assert cast.voice_for(script.blocks[2]) == CastMember("Zed")
    assert not cast.voice_for(script.blocks[2]).has_voice
    assert cast.speakers(script) == ["Alice", "Zed"]
    assert cast.including(script).names == ["Alice", "Zed"]


def test_the_prefix_is_not_sent_and_maps_back() -> None:
    script = "ALICE: Hello <break time=\"0.5s\" /> there."
    spoken = SpokenText.build(script, None, speaker_prefix=True)
    assert spoken.text == 'Hello <break time="0.5s" /> there.'
    assert spoken.to_script(0) == script.index("Hello")
    assert spoken.script_offsets([0, None]) == [script.index("Hello"), None]
    assert SpokenText.build(script, None).text == script  # off: spoken as written
    assert SpokenText.build("ALICE: Hi.", None, speaker_prefix=True).speakable


def test_parse_cast_option() -> None:
    cast = parse_cast_option(["Alice=va,Bob=vb", "alice=vc"])
    assert [(m.name, m.voice_id) for m in cast.members] == [("Alice", "vc"), ("Bob", "vb")]
    with pytest.raises(ValueError, match="NAME=VOICE_ID"):
        parse_cast_option("Alice")


def test_project_round_trip_with_cast(tmp_path: Path) -> None:
    cast = Cast(speaker_prefix=False).with_voice("Alice", "va", VoiceSettings(stability=0.4)).with_voice(NARRATOR, "vn")
    project = Project(script="ALICE: Hi.\n\nEnd.", voice_id="vn", cast=cast)
    script = Script.from_text(project.script)
    script.blocks[0].speaker = "Alice"
    project = project.with_document(script)
    loaded = load_project(save_project(tmp_path / "p.narration", project))
    assert loaded == project
    assert loaded.the_cast == cast
    assert [b.speaker for b in loaded.document()] == ["Alice", None]


def test_old_files_open_with_the_default_cast(tmp_path: Path) -> None:
    path = tmp_path / "old.narration"
    path.write_text(json.dumps({"format": PROJECT_FORMAT, "version": 1, "script": "BOB: Hi.\n\nEnd."}), encoding="utf-8")
    loaded = load_project(path)
    assert loaded.cast is None and loaded.the_cast == Cast()
    assert [b.speaker for b in loaded.document()] == ["BOB", None]  # read on open, on by default
    v2 = {"format": PROJECT_FORMAT, "version": 2, "minor": 1, "script": "x",
          "blocks": [{"id": "a" * 32, "text": "x", "locked": False, "takes": []}]}
    path.write_text(json.dumps(v2), encoding="utf-8")
    assert load_project(path).document().blocks[0].speaker is None
