"""eleven_v3 audio tags (issue 11, point 6): sent to v3, removed for every other model and the
offline engine, never a word, never lit, never in a subtitle; unknown tags refused for v3."""

from __future__ import annotations

import pytest

from studio.core.script.capabilities import OFFLINE_ENGINE, Capabilities
from studio.core.script.spoken import SpokenText
from studio.markup import AUDIO_TAGS, MarkupError, audio_tag_name

V3 = Capabilities("elevenlabs", "eleven_v3")
V2 = Capabilities("elevenlabs", "eleven_multilingual_v2")
OFFLINE = Capabilities(OFFLINE_ENGINE, "offline")
SCRIPT = "[whispers] Keep it down. [laughs] Fine."


def test_v3_is_sent_the_tags_but_they_are_not_words_nor_lit() -> None:
    spoken = SpokenText.build(SCRIPT, V3)
    assert spoken.text == SCRIPT
    assert "whispers" not in spoken.words() and "laughs" not in spoken.words()
    offsets = spoken.script_offsets(list(range(len(spoken.text))))
    tag_end = SCRIPT.index("]") + 1
    assert offsets[:tag_end] == [None] * tag_end  # the highlight skips the tag
    assert offsets[SCRIPT.index("Keep")] == SCRIPT.index("Keep")
    assert not spoken.is_plain


@pytest.mark.parametrize("caps", [V2, OFFLINE, None], ids=["multilingual_v2", "offline", "no-capabilities"])
def test_other_models_and_the_offline_engine_never_get_the_tags(caps: Capabilities | None) -> None:
    spoken = SpokenText.build(SCRIPT, caps)
    assert "[" not in spoken.text and "whispers" not in spoken.text and "laughs" not in spoken.text
    assert "Keep it down." in spoken.text and "Fine." in spoken.text
    # Every sent character maps back to the script's own words, never into a tag.
    for index, offset in enumerate(spoken.script_offsets(list(range(len(spoken.text))))):
        assert offset is not None and SCRIPT[offset] == spoken.text[index]


def test_a_v3_pause_tag_is_a_real_pause_for_other_models() -> None:
    spoken = SpokenText.build("Wait [pause] here.", V2)
    assert "[pause]" not in spoken.text and '<break time="1.0s" />' in spoken.text
    assert spoken.pause_seconds == pytest.approx(1.0)


def test_an_unknown_tag_is_refused_for_v3_only() -> None:
    with pytest.raises(MarkupError) as caught:
        SpokenText.build("She said [sic] twice.", V3)
    assert caught.value.tag == "[sic]" and "Insert ▸ Audio Tag" in caught.value.remedy
    assert SpokenText.build("She said [sic] twice.", V2).text == "She said [sic] twice."  # prose elsewhere
    assert SpokenText.build("Footnote [1] here.", V3).text == "Footnote [1] here."  # not a tag


def test_the_palette_list_is_all_known_tags() -> None:
    assert {"whispers", "laughs", "sighs"} <= set(AUDIO_TAGS)
    assert all(audio_tag_name(tag) for tag in AUDIO_TAGS)
    assert audio_tag_name("pause") and audio_tag_name("strong Irish accent") and not audio_tag_name("sic")
