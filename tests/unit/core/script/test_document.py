"""The script document: paragraphs as blocks with stable ids, takes, locks, and edits that keep them."""

from __future__ import annotations

import pytest

from studio.core.script import Block, IncompleteTakeError, Script, Take, TakePart
from studio.core.script.document import paragraph_spans
from studio.core.segmenter import split_script

from .prose import paragraphs, script_text


def _take(text: str, key: str = "ab" * 32, **changes: object) -> Take:
    values: dict[str, object] = dict(
        id=f"take-{key[:6]}", text=text, parts=(TakePart(key, 0, len(text), "req-1", 1.0, float(len(text))),),
        spoken_key=key, voice_id="v", model_id="m", engine_id="elevenlabs", output_format="pcm_24000",
    )
    values.update(changes)
    return Take(**values)  # type: ignore[arg-type]


def test_paragraphs_follow_the_segmenter_rule() -> None:
    text = "  First line\nstill first.\n\n\n   \nSecond.  \n \t\n* * *\n\n\n"
    script = Script.from_text(text)
    assert [b.text for b in script] == ["First line\nstill first.", "Second.", "* * *"]
    # The same spans the segmenter cuts at paragraph level.
    assert paragraph_spans(text) == [(s.start, s.end) for s in split_script(text, 10_000)]
    assert [text[a:b] for a, b in paragraph_spans(text)] == [b.text for b in script]
    assert script.text == "First line\nstill first.\n\nSecond.\n\n* * *"
    assert len({b.id for b in script}) == 3
    assert Script.from_text("   \n\n  ").blocks == []


def test_reconcile_keeps_ids_takes_lock_and_choice_of_unchanged_paragraphs() -> None:
    texts = paragraphs(40)
    script = Script.from_text("\n\n".join(texts))
    for i, block in enumerate(script):
        block.add_take(_take(block.text, key=f"{i:02x}" * 32))
    script.blocks[3].locked = True
    before = [(b.id, b.chosen_take_id, list(b.takes), b.locked) for b in script]

    edited = list(texts)
    edited[17] = edited[17].replace(" ", "  ", 1) + " And that was that."
    result = script.reconcile("\n\n".join(edited))

    after = [(b.id, b.chosen_take_id, list(b.takes), b.locked) for b in script]
    assert after == before  # the edited block keeps its id, takes and choice too
    assert result.edited == (script.blocks[17].id,) and result.added == result.removed == ()
    assert len(result.kept) == 39
    assert script.blocks[17].text == edited[17]
    assert script.blocks[17].chosen_take is not None and script.blocks[17].chosen_take.text == texts[17]


def test_reconcile_inserts_deletes_and_moves_blocks_by_paragraph() -> None:
    texts = paragraphs(12)
    script = Script.from_text("\n\n".join(texts))
    ids = [b.id for b in script]

    # Insert a new paragraph before an edited one: the edited one keeps its block.
    changed = texts[:5] + ["A brand new paragraph about the weather."] + [texts[5] + " Indeed."] + texts[6:]
    result = script.reconcile("\n\n".join(changed))
    assert [b.id for b in script][:5] == ids[:5] and [b.id for b in script][6:] == ids[5:]
    assert result.added == (script.blocks[5].id,) and result.edited == (ids[5],)

    # Delete two paragraphs and swap two others.
    current = [b.text for b in script]
    kept_ids = [b.id for b in script]
    shuffled = current[:2] + current[4:8] + [current[9], current[8]] + current[10:]
    result = script.reconcile("\n\n".join(shuffled))
    assert set(result.removed) >= {kept_ids[2], kept_ids[3]}
    # Every surviving paragraph keeps its own block, the moved one included.
    assert [b.id for b in script] == [kept_ids[current.index(t)] for t in shuffled]
    assert result.added == () and set(result.removed) == {kept_ids[2], kept_ids[3]}


def test_splitting_a_paragraph_keeps_its_block_with_the_larger_half() -> None:
    texts = paragraphs(6)
    script = Script.from_text("\n\n".join(texts))
    target = script.blocks[2]
    target.add_take(_take(target.text))
    long_text = "The keeper climbed the spiral stairs every evening at dusk, counting every step out loud."
    script.reconcile("\n\n".join([*texts[:2], long_text, *texts[3:]]))
    assert script.blocks[2] is target and target.text == long_text
    script.reconcile("\n\n".join([*texts[:2], "Short.", long_text + " Then he rested.", *texts[3:]]))
    assert script.blocks[3] is target and script.blocks[2] is not target
    assert target.takes and target.text == long_text + " Then he rested."


def test_an_edit_that_touches_a_locked_paragraph_is_found_before_it_is_made() -> None:
    texts = paragraphs(8)
    script = Script.from_text("\n\n".join(texts))
    script.blocks[4].locked = True
    script.blocks[6].locked = True
    untouched = [*texts[:2], texts[2] + " More words.", *texts[3:]]
    assert script.locked_blocks_touched("\n\n".join(untouched)) == []
    edited = list(texts)
    edited[4] = "The keeper changed his mind."
    del edited[6]
    touched = script.locked_blocks_touched("\n\n".join(edited))
    assert [b.id for b in touched] == [script.blocks[4].id, script.blocks[6].id]
    assert [b.text for b in script] == texts  # asking changes nothing


def test_a_new_take_is_chosen_unless_the_block_is_locked() -> None:
    block = Block("Hello there.")
    first = block.add_take(_take(block.text, "aa" * 32))
    assert block.chosen_take is first
    block.locked = True
    second = block.add_take(_take(block.text, "bb" * 32))
    assert block.chosen_take is first and block.takes == [first, second]
    block.choose(second.id)
    assert block.chosen_take is second
    with pytest.raises(KeyError):
        block.choose("no-such-take")


def test_the_same_audio_made_again_replaces_its_take_in_place() -> None:
    block = Block("Hello there.")
    first = block.add_take(_take(block.text, "aa" * 32))
    again = block.add_take(_take(block.text, "aa" * 32, id="fresh", created_unix=99.0))
    assert block.takes == [again] and again.id == first.id and again.created_unix == 99.0
    assert block.chosen_take_id == first.id


def test_a_take_from_a_cut_short_stream_is_refused() -> None:
    block = Block("Hello there.")
    with pytest.raises(IncompleteTakeError):
        block.add_take(_take(block.text, complete=False))
    assert block.takes == [] and block.chosen_take is None


def test_reconciling_an_unchanged_text_changes_nothing() -> None:
    text = script_text(10)
    script = Script.from_text(text)
    ids = [b.id for b in script]
    result = script.reconcile(text + "\n\n\n")
    assert not result.changed and [b.id for b in script] == ids
