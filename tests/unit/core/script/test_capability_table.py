"""The capability table: one answer per model, from /v1/models where it has a field and from the
documented table where it is silent; and no model id named anywhere else (the grep guard)."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from studio.api.models import Model
from studio.api.requests import TextToSpeechRequest
from studio.core.script.capabilities import DEFAULT_MODEL_ID, OFFLINE_ENGINE, Capabilities, facts_for
from studio.server.models_data import MODELS

ROOT = Path(__file__).resolve().parents[4]
REAL_2023 = ROOT / "tests" / "data" / "api_samples" / "models_v1_real_2023.json"


def _real_models() -> dict[str, Model]:
    data = json.loads(REAL_2023.read_text(encoding="utf-8"))
    return {m["model_id"]: Model.model_validate(m) for m in data["models"]}


def _caps(model_id: str, tier: str | None = "creator", engine: str = "elevenlabs") -> Capabilities:
    catalogue = {m["model_id"]: Model.model_validate(m) for m in MODELS}
    return Capabilities(engine, model_id, catalogue.get(model_id), tier)


# -- from a real GET /v1/models (2023 capture) --------------------------------------------------


def test_real_2023_models_style_boost_languages_and_limits_come_from_their_fields() -> None:
    real = _real_models()
    english_v2 = Capabilities("elevenlabs", "eleven_english_v2", real["eleven_english_v2"], "creator")
    assert english_v2.style and english_v2.speaker_boost and english_v2.unsupported_settings() == {}
    assert english_v2.request_limit() == 1000 and [lang.language_id for lang in english_v2.languages] == ["en"]
    mono = Capabilities("elevenlabs", "eleven_monolingual_v1", real["eleven_monolingual_v1"], "free")
    assert not mono.style and not mono.speaker_boost
    assert set(mono.unsupported_settings()) == {"style", "use_speaker_boost"}
    assert mono.request_limit() == 2500 and mono.phoneme_rules and mono.break_tags and not mono.audio_tags
    multi = Capabilities("elevenlabs", "eleven_multilingual_v1", real["eleven_multilingual_v1"], "creator")
    assert multi.request_limit() == 5000 and len(multi.languages) == 8
    assert not multi.language_code  # "not supported" by the multilingual models
    assert not multi.phoneme_rules and multi.supports_stitching()


# -- per model, documented facts -----------------------------------------------------------------

EXPECTED = {
    #            stitch  pause    phoneme audio  lang_code
    "eleven_multilingual_v2": (True, "break", False, False, False),
    "eleven_v3": (False, "pause_tag", False, True, True),
    "eleven_flash_v2_5": (True, "break", False, False, True),
    "eleven_turbo_v2_5": (True, "break", False, False, True),
    "eleven_flash_v2": (True, "break", True, False, False),
    "eleven_turbo_v2": (True, "break", True, False, False),
    "eleven_multilingual_v1": (True, "break", False, False, False),
    "eleven_monolingual_v1": (True, "break", True, False, False),
}


@pytest.mark.parametrize("model_id", sorted(EXPECTED))
def test_each_model_row(model_id: str) -> None:
    caps = _caps(model_id)
    stitching, pause, phoneme, audio, language_code = EXPECTED[model_id]
    assert caps.supports_stitching() is stitching
    assert caps.pause_style == pause and caps.break_tags is (pause == "break")
    assert caps.phoneme_rules is phoneme and caps.audio_tags is audio
    assert caps.language_code is language_code
    assert caps.style is bool(caps.model and caps.model.can_use_style)


def test_every_catalogue_model_is_in_the_expected_rows() -> None:
    assert {m["model_id"] for m in MODELS} - {"offline"} == set(EXPECTED)


def test_a_v3_variant_is_v3_but_flash_v2_5_is_not_flash_v2() -> None:
    assert facts_for("eleven_v3_preview").pause_style == "pause_tag"
    assert not facts_for("eleven_flash_v2_5").phoneme_rules and facts_for("eleven_flash_v2").phoneme_rules
    unknown = Capabilities("elevenlabs", "someone_elses_model")
    assert unknown.break_tags and not unknown.phoneme_rules and not unknown.audio_tags and not unknown.style


def test_the_offline_engine_makes_break_tags_itself_and_never_stitches_or_charges() -> None:
    caps = Capabilities(OFFLINE_ENGINE, "offline_piper")
    assert caps.pause_style == "break" and not caps.supports_stitching() and caps.credits_per_character() == 0


def test_the_default_model_is_the_api_requests_own() -> None:
    assert TextToSpeechRequest.model_fields["model_id"].default == DEFAULT_MODEL_ID


# -- the grep guard ------------------------------------------------------------------------------

#: Where model ids may be written: the table, and the local server's catalogue data (what it
#: serves as /v1/models, its voices' fine-tuning states and its shared library's languages). The API request schema carries the
#: spec's own default for ``model_id`` (checked equal to the table's above).
ALLOWED = {
    "studio/core/script/capabilities.py",
    "studio/server/models_data.py",
    "studio/server/catalog.py",
    "studio/server/shared_library.py",
    "studio/api/requests.py",
}
MODEL_ID = re.compile(r"\beleven_[a-z0-9_]+|^_?v\d(?:_\d)?$|v2_5|_v3\b")


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = getattr(node, "body", [])
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
    return ids


def test_no_model_id_is_special_cased_outside_the_table() -> None:
    offenders = []
    for path in sorted((ROOT / "studio").rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if relative in ALLOWED:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docs = _docstrings(tree)
        for node in ast.walk(tree):
            if (isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs
                    and MODEL_ID.search(node.value)):
                offenders.append(f"{relative}:{node.lineno}: {node.value!r}")
    assert offenders == []
