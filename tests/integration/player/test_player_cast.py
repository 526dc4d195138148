"""Play with a cast (issue 11, points 1 and 2): each paragraph in its speaker's voice, the
highlight following across speaker changes, and a new voice for one speaker re-voicing only
that speaker's paragraphs on the next Play (requests counted at the local server).

The real controller in real widgets, over real HTTP to the local server (Piper behind it),
through a real QAudioSink on the null sink.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from studio.core.cast import Cast, apply_speaker_prefixes
from studio.core.render_inputs import RenderInputs, render_inputs
from tests.integration.player.rig import SERVER_VOICE as JOE
from tests.integration.player.rig import STREAM_ROUTE as ROUTE
from tests.integration.player.rig import (  # noqa: F401 - rigs is a fixture
    assert_follows_across_blocks,
    make_rig,
    needs_audio,
    rigs,
)

pytestmark = [needs_audio, pytest.mark.slow]

HIGHER, HIGHEST, LOWER = f"{JOE}-higher", f"{JOE}-highest", f"{JOE}-lower"
SCRIPT = ("ALICE: Did you hear the bell?\n\nThe keeper listened.\n\nBOB: Only the wind.\n\n"
          "ALICE: No, it was a ship.")
PLAY_TIMEOUT_MS = 120000


def _voices(server: Any) -> list[str]:
    return [r["path"].split("/")[3] for r in server.requests(ROUTE)]


def test_play_speaks_each_speaker_and_revoices_only_the_recast_one(qtbot, tmp_path: Path, backend, local_server,
                                                                   rigs) -> None:
    models = backend.list_models()
    cast = [Cast().with_voice("Alice", HIGHER).with_voice("Bob", LOWER)]

    def inputs() -> RenderInputs:  # what the window's Cast panel says at each Play
        made = render_inputs(backend, voice_id=JOE, model_id="eleven_multilingual_v2", models=models)
        return replace(made, settings=replace(made.settings, cast=cast[0]))

    rig = make_rig(qtbot, tmp_path, backend, SCRIPT, inputs)
    rigs.append(rig)
    rig.document.sync()
    apply_speaker_prefixes(rig.document.script, cast[0])
    assert [b.speaker for b in rig.document.script] == ["Alice", None, "Bob", "Alice"]

    local_server.clear_requests()
    rig.start_sampling()
    with qtbot.waitSignal(rig.controller.player.finished, timeout=PLAY_TIMEOUT_MS):
        rig.controller.play()
    assert not rig.errors, rig.errors
    assert _voices(local_server) == [HIGHER, JOE, LOWER, HIGHER]
    assert_follows_across_blocks(rig)
    # The prefix is never lit: the highlight starts on the first spoken word.
    lit = {i for i, *_ in rig.samples if i is not None}
    assert not lit & set(range(len("ALICE: ")))

    cast[0] = cast[0].with_voice("Alice", HIGHEST)
    local_server.clear_requests()
    rig.samples.clear()
    with qtbot.waitSignal(rig.controller.player.finished, timeout=PLAY_TIMEOUT_MS):
        rig.controller.play()
    assert not rig.errors, rig.errors
    assert _voices(local_server) == [HIGHEST, HIGHEST]  # Alice's two paragraphs, nothing else
    assert_follows_across_blocks(rig)
    takes = [b.chosen_take for b in rig.document.script]
    assert [t.voice_id for t in takes] == [HIGHEST, JOE, LOWER, HIGHEST]
