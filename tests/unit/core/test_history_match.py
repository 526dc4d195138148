"""Rebuild from history, the matching half (issue 14, point 3): pure, no network.

The end-to-end rebuild against the local server is tests/integration/history/test_rebuild.py.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from studio.api.models import DialogueLine, HistoryItem, Model, ModelRates, VoiceSettings
from studio.core.history_match import history_text, item_in_cache, match_history
from studio.core.script import Capabilities, RenderSettings, Script, plan_render

VOICE = "voice-1"
MODEL = "eleven_multilingual_v2"
SETTINGS = RenderSettings(VOICE, MODEL, VoiceSettings(stability=0.4))
RATE_MODEL = Model(model_id=MODEL, can_do_text_to_speech=True, max_characters_request_subscribed_user=60,
                   model_rates=ModelRates(character_cost_multiplier=0.5))
CAPS = Capabilities("elevenlabs", MODEL, RATE_MODEL, "creator")

FIRST = "The keeper climbed the stairs."
SECOND = "Below him, the sea."
NEW = "A paragraph nobody generated yet."


def item(text: str, n: int = 1, voice: str = VOICE, model: str = MODEL, **extra: object) -> HistoryItem:
    fields: dict[str, object] = {"state": "created", "character_count_change_from": 0,
                                 "character_count_change_to": len(text), **extra}
    return HistoryItem(history_item_id=f"h{n}", text=text, voice_id=voice, model_id=model, date_unix=1000 - n,
                       **fields)


def test_the_one_paragraph_rule() -> None:
    assert history_text(item(f"  {FIRST}\n")) == FIRST
    assert history_text(item(f"{FIRST}\n\n{SECOND}")) is None  # two paragraphs: no one block
    assert history_text(item("", dialogue=[DialogueLine(text="Hi.", voice_id="a")])) is None


def test_found_remaining_and_cost_before_anything_is_spent() -> None:
    script = Script.from_text(f"{FIRST}\n\n{SECOND}\n\n{NEW}")
    items = [item(f"{FIRST}\n", 1), item(SECOND, 2, voice="other"), item(SECOND.upper(), 3),
             item(SECOND, 4, model="eleven_turbo_v2_5"), item(SECOND + " ", 5)]
    match = match_history(script, SETTINGS, CAPS, items)
    assert [(f.text, f.history_item_ids) for f in match.found] == [(FIRST, ("h1",)), (SECOND, ("h5",))]
    assert [r.text for r in match.remaining] == [NEW]
    plan = plan_render(script, SETTINGS, CAPS)
    assert match.credits_remaining == len(NEW) * 0.5 == plan.credits_needed - match.credits_recovered
    assert match.requests_remaining == 1 and match.characters_remaining == len(NEW)
    assert "Found 2 paragraphs" in match.summary() and "1 request, about 16 credits" in match.summary()


def test_newest_item_wins_and_the_scan_stops_when_all_is_found() -> None:
    script = Script.from_text(FIRST)
    taken: list[int] = []

    def history() -> Iterator[HistoryItem]:
        for n in range(1, 100):
            taken.append(n)
            yield item(FIRST, n)

    match = match_history(script, SETTINGS, CAPS, history())
    assert match.found[0].history_item_ids == ("h1",) and taken == [1] and match.items_scanned == 1


def test_a_long_paragraph_matches_part_by_part_or_as_a_whole() -> None:
    long_text = "First sentence of a long paragraph here. Second sentence of it, and then some more words."
    plan = plan_render(Script.from_text(long_text), SETTINGS, CAPS)
    parts = [p.text for p in plan.blocks[0].parts]
    assert len(parts) == 2  # the model allows 60 characters a request
    by_parts = match_history(Script.from_text(long_text), SETTINGS, CAPS, [item(parts[1], 1), item(parts[0], 2)])
    assert by_parts.found[0].history_item_ids == ("h2", "h1") and not by_parts.found[0].whole
    one_part = match_history(Script.from_text(long_text), SETTINGS, CAPS, [item(parts[0], 1)])
    assert one_part.found == [] and one_part.requests_remaining == 2
    whole = match_history(Script.from_text(long_text), SETTINGS, CAPS, [item(long_text, 7)])
    assert whole.found[0].whole and whole.found[0].history_item_ids == ("h7",) and whole.remaining == []


def test_repeated_paragraphs_share_one_request_and_one_item() -> None:
    script = Script.from_text(f"{FIRST}\n\n{NEW}\n\n{FIRST}\n\n{NEW}")
    match = match_history(script, SETTINGS, CAPS, [item(FIRST, 1)])
    assert [f.index for f in match.found] == [0, 2]
    assert [r.index for r in match.remaining] == [1, 3]
    assert match.requests_remaining == 1 and match.credits_remaining == plan_render(
        Script.from_text(NEW), SETTINGS, CAPS).credits_needed


def test_other_settings_are_found_but_flagged() -> None:
    found = match_history(Script.from_text(FIRST), SETTINGS, CAPS,
                          [item(FIRST, 1, settings={"stability": 0.9, "similarity_boost": 0.75})]).found
    assert found[0].settings_differ
    same = match_history(Script.from_text(FIRST), SETTINGS, CAPS, [item(FIRST, 1, settings={"stability": 0.4})])
    assert not same.found[0].settings_differ


@pytest.mark.parametrize("state", ["deleted", "processing"])
def test_items_not_created_are_skipped(state: str) -> None:
    assert match_history(Script.from_text(FIRST), SETTINGS, CAPS, [item(FIRST, 1, state=state)]).found == []


def test_item_in_cache_marks_what_the_studio_already_has() -> None:
    from studio.core.script.plan import spoken_key

    have = {spoken_key(FIRST, SETTINGS, "elevenlabs")}
    assert item_in_cache(item(FIRST + "\n"), SETTINGS, "elevenlabs", have)
    assert not item_in_cache(item(SECOND), SETTINGS, "elevenlabs", have)
    assert not item_in_cache(item(FIRST, voice="other"), SETTINGS, "elevenlabs", have)
