"""SpokenText: what one engine is sent, mapped back to the script (pauses, rewrites, both)."""

from __future__ import annotations

import pytest

from studio.api.models import CharacterAlignment, VoiceSettings
from studio.core.alignment_clock import AlignedPiece, AlignmentClock
from studio.core.alignment_map import map_alignment
from studio.core.script import Capabilities, RenderSettings, Script, plan_render
from studio.core.script.spoken import Rewrite, SpokenText
from studio.core.segmenter import Segment
from studio.core.timeline import Timeline
from studio.markup import MarkupError

V2 = Capabilities("elevenlabs", "eleven_multilingual_v2", None, "creator")
V3 = Capabilities("elevenlabs", "eleven_v3", None, "creator")
PAUSE = '<break time="1.5s" />'


def _rewrite(script: str, word: str, replacement: str, rule: str = "r1") -> Rewrite:
    start = script.index(word)
    return Rewrite(start, start + len(word), replacement, rule)


def _mapped(spoken: SpokenText) -> str:
    """The script characters the request's characters land on ("" for a tag), joined."""
    offsets = map_alignment(list(spoken.text), spoken)
    return "".join(spoken.script[o] for o in offsets if o is not None)


def test_plain_text_is_sent_as_written_with_identity_offsets() -> None:
    spoken = SpokenText.build("Hello there.", V2)
    assert spoken.is_plain and spoken.text == "Hello there." and spoken.signature == ""
    assert [spoken.to_script(i) for i in range(len(spoken.text))] == list(range(12))


def test_a_pause_is_sent_as_the_break_tag_and_maps_to_nothing() -> None:
    script = f"Wait {PAUSE} now."
    spoken = SpokenText.build(script, V2)
    assert spoken.text == script  # multilingual v2 honours break tags as written
    (pause,) = spoken.pauses
    assert pause.seconds == 1.5 and script[pause.script_start : pause.script_end] == PAUSE
    assert _mapped(spoken) == "Wait  now."  # the tag is never lit, never a subtitle
    assert spoken.words().split() == ["Wait", "now."]


def test_v3_gets_its_own_pause_tag_and_offsets_still_land_on_the_script() -> None:
    script = f"Wait {PAUSE} now."
    spoken = SpokenText.build(script, V3)
    assert "<break" not in spoken.text and "[long pause]" in spoken.text
    now = spoken.text.index("now")
    assert spoken.to_script(now) == script.index("now")
    assert _mapped(spoken) == "Wait  now."


def test_a_rewritten_word_lights_the_word_as_written() -> None:
    script = "Meet Nguyen today."
    spoken = SpokenText.build(script, V2, [_rewrite(script, "Nguyen", "win")])
    assert spoken.text == "Meet win today." and spoken.rule_ids == ("r1",)
    offsets = map_alignment(list(spoken.text), spoken)
    w = spoken.text.index("win")
    assert offsets[w] == script.index("Nguyen") and offsets[w + 2] == script.index("Nguyen") + 5
    assert spoken.script_span(w, w + 3) == (5, 11)
    assert offsets[spoken.text.index("today")] == script.index("today")


def test_pause_and_rewrite_together_with_emoji() -> None:
    script = f"😀 Nguyen {PAUSE} 👍🏽 goes on."
    spoken = SpokenText.build(script, V3, [_rewrite(script, "Nguyen", "win")])
    offsets = map_alignment(list(spoken.text), spoken)
    assert offsets[spoken.text.index("👍")] == script.index("👍")
    assert offsets[spoken.text.index("goes")] == script.index("goes")
    assert _mapped(spoken).split() == ["😀", "Nyn", "👍🏽", "goes", "on."]
    # The vectorised form agrees with the one-at-a-time form outside tags.
    singles = [spoken.to_script(i) for i in range(len(spoken.text))]
    assert all(o is None or o == singles[i] for i, o in enumerate(spoken.script_offsets(list(range(len(spoken.text))))))


def test_overlapping_and_out_of_range_rewrites_are_skipped() -> None:
    script = f"Nguyen {PAUSE} end"
    first = _rewrite(script, "Nguyen", "win", "a")
    spoken = SpokenText.build(script, V2, [first, Rewrite(2, 4, "xx", "b"), Rewrite(7, 12, "no", "c"),
                                           Rewrite(50, 60, "far", "d")])
    assert spoken.rule_ids == ("a",) and spoken.text == f"win {PAUSE} end"


@pytest.mark.parametrize("tag", ['<break time="3.5s" />', '<break time="5000ms"/>', "<break time=1s>",
                                 '<break tme="1s" />', "<break"])
def test_a_pause_over_3_seconds_or_malformed_names_the_tag(tag: str) -> None:
    with pytest.raises(MarkupError) as caught:
        SpokenText.build(f"Say {tag} this", V2)
    assert tag.split()[0] in str(caught.value) and caught.value.remedy


def _settings(**values: object) -> RenderSettings:
    return RenderSettings("voice1", "eleven_multilingual_v2", VoiceSettings(stability=0.5, similarity_boost=0.75),
                          seed=7, **values)  # type: ignore[arg-type]


TEXT = "The lighthouse keeper climbed the stairs.\n\nNguyen waved from the boat, 😀 smiling.\n\nA third paragraph, plain."
#: Computed by the code before SpokenText existed (main at 94e59a1), for TEXT and _settings().
OLD_KEYS = [
    "ae8901006b9e1ff2aa7088d94bdcdd4c9c794a45ebf455445fa21bc49fc8541c",
    "33d37753905a7b1081bc97a3ea78b2e33718d2c4db4c8b46aad2772d1dec2c2e",
    "bdea4f9035990944accf28d6f39270e7ea1896771bcd0c5ba3b1f69c187cb685",
]


def test_plain_text_keys_are_the_keys_old_projects_have() -> None:
    plan = plan_render(Script.from_text(TEXT), _settings(), V2)
    assert [b.spoken_key for b in plan.blocks] == OLD_KEYS
    assert [p.key for p in plan.parts] == OLD_KEYS


def _nguyen(text: str) -> list[Rewrite]:
    at = text.find("Nguyen")
    return [Rewrite(at, at + 6, "win", "nguyen")] if at >= 0 else []


def test_a_rule_changes_only_the_key_of_the_paragraph_containing_the_word() -> None:
    plan = plan_render(Script.from_text(TEXT), _settings(rewriter=_nguyen), V2)
    keys = [p.key for p in plan.parts]
    assert keys[0] == OLD_KEYS[0] and keys[2] == OLD_KEYS[2] and keys[1] != OLD_KEYS[1]
    assert plan.requests[1].text.startswith("win waved")
    # Another replacement for the same rule is another key (the signature holds it).
    other = plan_render(Script.from_text(TEXT), _settings(rewriter=lambda t: [
        Rewrite(r.start, r.end, "nwin", r.rule_id) for r in _nguyen(t)]), V2)
    assert other.parts[1].key not in (keys[1], OLD_KEYS[1])


def test_a_pause_is_part_of_what_is_sent_and_keyed_per_model() -> None:
    text = f"One. {PAUSE} Two."
    v2 = plan_render(Script.from_text(text), _settings(), V2)
    assert v2.requests[0].text == text
    v3 = plan_render(Script.from_text(text), RenderSettings("voice1", "eleven_v3"), V3)
    assert v3.requests[0].text == "One. [long pause] Two." and v3.parts[0].spoken is not None


def test_a_bad_pause_is_refused_before_any_request_but_still_counted() -> None:
    plan = plan_render(Script.from_text(f"Fine.\n\nToo long <break time=\"4s\" /> here."), _settings(), V2)
    assert plan.requests_needed == 2  # the counter still counts
    with pytest.raises(MarkupError, match="Paragraph 2.*4s"):
        plan.require_speech()


def test_a_paragraph_of_only_a_pause_has_nothing_to_speak() -> None:
    plan = plan_render(Script.from_text(f"Words.\n\n{PAUSE}"), _settings(), V2)
    assert plan.blocks[1].status.value == "nothing_to_speak" and plan.requests_needed == 1


def _alignment_of(spoken: SpokenText, seconds_per_char: float = 0.1) -> CharacterAlignment:
    chars = list(spoken.text)
    return CharacterAlignment(characters=chars,
                              character_start_times_seconds=[i * seconds_per_char for i in range(len(chars))],
                              character_end_times_seconds=[(i + 1) * seconds_per_char for i in range(len(chars))])


def test_subtitle_words_are_the_scripts_with_no_tag_and_the_rewritten_word_as_written() -> None:
    script = f"Meet Nguyen {PAUSE} now, NATO."
    rewrites = [_rewrite(script, "Nguyen", "win", "a"), _rewrite(script, "NATO", "North Atlantic Treaty", "b")]
    spoken = SpokenText.build(script, V2, rewrites)
    timeline = Timeline(1000, script)
    timeline.add_segment(Segment(0, 0, len(script), spoken.text, 0, spoken), 10_000, _alignment_of(spoken))
    words = [w.text for w in timeline.words()]
    assert words == ["Meet", "Nguyen", "now,", "NATO."]


def test_the_highlight_skips_a_pause_and_lights_the_written_word() -> None:
    doc = "Intro.\n\n" + f"Nguyen {PAUSE} ok"
    part = doc[8:]
    spoken = SpokenText.build(part, V2, [_rewrite(part, "Nguyen", "win")])
    clock = AlignmentClock(doc)
    clock.continue_at(8, spoken)
    clock.add(AlignedPiece.from_alignment(_alignment_of(spoken)))  # type: ignore[arg-type]
    lit = {doc[clock.char_at(t / 10 + 0.05)] for t in range(len(spoken.text))}  # type: ignore[index]
    assert "<" not in lit and "b" not in lit and "N" in lit
    in_pause = spoken.text.index("<") + 5
    assert clock.char_at(in_pause / 10 + 0.05) == doc.index("<") - 1  # waits on what was said last


def test_a_long_sentence_is_never_cut_inside_a_pause_tag() -> None:
    from studio.core.segmenter import split_script

    text = "word " * 10 + PAUSE + " more" * 10
    pieces = [s.text for s in split_script(text, 30)]
    assert any(PAUSE in p for p in pieces)
    assert all(SpokenText.build(p, V2) is not None for p in pieces)  # every piece is well formed


def test_a_rewrite_reaching_into_a_tag_is_skipped_and_the_pause_kept() -> None:
    script = f"ab{PAUSE}cd"
    spoken = SpokenText.build(script, V2, [Rewrite(0, 5, "xx", "greedy")])
    assert spoken.text == script and len(spoken.pauses) == 1 and spoken.rule_ids == ()


def test_neighbouring_text_sent_as_context_has_no_pause_tags() -> None:
    plan = plan_render(Script.from_text(f"Before {PAUSE} it.\n\nMiddle.\n\nAfter {PAUSE} that."),
                       RenderSettings("voice1", "eleven_v3"), V3)
    middle = plan.requests[1]
    assert middle.previous_text == "Before it." and middle.next_text == "After that."
