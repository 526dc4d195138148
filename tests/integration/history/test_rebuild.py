"""Rebuild a lost project from history (issue 14, point 3), end to end over loopback.

A script is exported (the server records every generation), the speech cache is lost, and the
project is rebuilt from the account's history: the report names what was found and what the rest
would cost before anything is spent, and afterwards Export asks the server for the new
paragraph only.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import numpy as np
import pytest

from studio.cli import main
from studio.core.backends.elevenlabs import ElevenLabsBackend
from studio.core.cache import SpeechCache, default_cache_dir
from studio.core.history_match import history_query_for, match_history
from studio.core.history_takes import (
    NoMatchingParagraphError,
    add_history_item_as_take,
    apply_takes,
    fetch_found_takes,
)
from studio.core.render_inputs import RenderInputs, render_inputs
from studio.core.script import BlockStatus, Script, plan_render
from tests.fixtures.local_server import LocalServer

from .conftest import OFFLINE_VOICE, tts_requests

OLD = (
    "The lighthouse keeper climbed the stairs at dusk.\n\n"
    "Below him the sea was restless, and the gulls were quiet.\n\n"
    "He lit the lamp and watched the beam sweep out across the water."
)
NEW_PARAGRAPH = "Somewhere beyond the rocks, a ship's bell answered."


def export(script: Path, out: Path) -> int:
    return main(["export", str(script), "--out", str(out), "--voice", OFFLINE_VOICE])


def inputs_like_the_cli(client) -> RenderInputs:  # type: ignore[no-untyped-def]
    backend = ElevenLabsBackend(client)
    subscription = backend.get_subscription()
    return render_inputs(backend, voice_id=OFFLINE_VOICE, model_id=None, models=backend.list_models(),
                         tier=subscription.tier if subscription else None)


def test_rebuild_reports_then_fills_takes_and_export_makes_no_request_for_them(
        server: LocalServer, client, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    first = tmp_path / "chapter.txt"
    first.write_text(OLD, encoding="utf-8")
    assert export(first, tmp_path / "first.wav") == 0
    assert tts_requests(server) == 3
    shutil.rmtree(default_cache_dir())  # the project and its audio are lost
    server.clear_requests()

    text = OLD + "\n\n" + NEW_PARAGRAPH
    document = Script.from_text(text)
    inputs = inputs_like_the_cli(client)
    cache = SpeechCache()
    match = match_history(document, inputs.settings, inputs.capabilities,
                          client.iter_history(history_query_for(inputs.settings)), cache)
    assert [f.index for f in match.found] == [0, 1, 2]
    assert [r.text for r in match.remaining] == [NEW_PARAGRAPH]
    rate = inputs.capabilities.credits_per_character()
    assert match.requests_remaining == 1 and match.credits_remaining == pytest.approx(len(NEW_PARAGRAPH) * rate)
    assert tts_requests(server) == 0  # the report spent nothing

    result = fetch_found_takes(match, client.get_history_audio, cache, script=document, record=True)
    assert result.failures == {} and len(result.takes) == 3
    assert all(document.blocks[i].chosen_take is not None for i in range(3))
    after = plan_render(document, inputs.settings, inputs.capabilities, cache)
    assert [b.status for b in after.blocks] == [BlockStatus.TAKE] * 3 + [BlockStatus.NEEDS_GENERATION]
    speech = cache.get(after.blocks[0].parts[0].key or "")
    assert speech is not None and speech.sample_rate == 24_000 and len(speech.pcm) > 24_000  # real audio
    assert np.abs(np.frombuffer(speech.pcm, dtype="<i2")).max() > 1000
    assert speech.alignment is not None and "".join(speech.alignment.characters) == document.blocks[0].text
    assert tts_requests(server) == 0  # downloading history costs no speech request

    second = tmp_path / "rebuilt.txt"
    second.write_text(text, encoding="utf-8")
    capsys.readouterr()
    assert export(second, tmp_path / "rebuilt.wav") == 0
    out = capsys.readouterr().out
    assert tts_requests(server) == 1  # the new paragraph only
    assert re.search(r"1 segment generated, 3 from cache", out)


def test_a_paragraph_whose_audio_is_gone_is_reported_and_the_rest_still_rebuild(
        server: LocalServer, client, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    script = tmp_path / "two.txt"
    script.write_text("One line for the log.\n\nAnother line for the log.", encoding="utf-8")
    assert export(script, tmp_path / "two.wav") == 0
    shutil.rmtree(default_cache_dir())
    document = Script.from_text(script.read_text())
    inputs = inputs_like_the_cli(client)
    cache = SpeechCache()
    match = match_history(document, inputs.settings, inputs.capabilities, client.iter_history(), cache)
    assert len(match.found) == 2
    server.state.history.delete(match.found[0].history_item_ids[0])  # deleted on the website meanwhile
    result = fetch_found_takes(match, client.get_history_audio, cache)
    assert set(result.takes) == {document.blocks[1].id}
    error = result.failures[document.blocks[0].id]
    assert "no longer in your history" in error.cause
    assert apply_takes(document, result.takes) == 1
    assert document.blocks[0].takes == [] and document.blocks[1].chosen_take is not None


def test_add_one_history_item_as_a_take_costs_nothing(server: LocalServer, client, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    script = tmp_path / "one.txt"
    script.write_text("The bell rang twice.", encoding="utf-8")
    assert export(script, tmp_path / "one.wav") == 0
    shutil.rmtree(default_cache_dir())
    document = Script.from_text("Before it.\n\nThe bell rang twice.")
    inputs = inputs_like_the_cli(client)
    cache = SpeechCache()
    [item] = list(client.iter_history())
    server.clear_requests()
    added = add_history_item_as_take(item, client.get_history_audio(item.history_item_id), document,
                                     inputs.settings, inputs.capabilities, cache)
    assert [block_id for block_id, _ in added] == [document.blocks[1].id]
    apply_takes(document, dict(added))
    plan = plan_render(document, inputs.settings, inputs.capabilities, cache)
    assert plan.blocks[1].status is BlockStatus.TAKE and plan.requests_needed == 1  # only "Before it."
    assert tts_requests(server) == 0
    other = Script.from_text("A paragraph that says something else.")
    with pytest.raises(NoMatchingParagraphError):
        add_history_item_as_take(item, b"", other, inputs.settings, inputs.capabilities, cache)
