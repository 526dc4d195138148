"""The capability table's ``dialogue`` (issue 11, point 3): the /v1/models entry decides when
it says so, else the documented fact (v3 family only); the offline engine never."""

from __future__ import annotations

from studio.api.models import Model
from studio.core.script.capabilities import OFFLINE_ENGINE, Capabilities


def test_documented_dialogue_models() -> None:
    assert Capabilities("elevenlabs", "eleven_v3").dialogue
    assert Capabilities("elevenlabs", "eleven_v3_preview").dialogue  # the family row
    assert not Capabilities("elevenlabs", "eleven_multilingual_v2").dialogue
    assert not Capabilities(OFFLINE_ENGINE, "eleven_v3").dialogue


def test_a_models_entry_that_says_so_decides() -> None:
    allows = Model.model_validate({"model_id": "eleven_future", "can_do_text_to_dialogue": True})
    refuses = Model.model_validate({"model_id": "eleven_v3", "can_do_text_to_dialogue": False})
    silent = Model.model_validate({"model_id": "eleven_v3"})
    assert Capabilities("elevenlabs", "eleven_future", allows).dialogue
    assert not Capabilities("elevenlabs", "eleven_v3", refuses).dialogue
    assert Capabilities("elevenlabs", "eleven_v3", silent).dialogue
