"""/v1/models and /v1/user/subscription, with character accounting that really adds up."""

from __future__ import annotations

import math
from collections.abc import Iterator

import httpx
import pytest

from tests.fixtures.local_server import LocalServer, run_server
from tests.integration.server.conftest import OFFLINE_VOICE

TTS = f"/v1/text-to-speech/{OFFLINE_VOICE}"


def test_models_have_the_documented_limits(http: httpx.Client) -> None:
    models = {m["model_id"]: m for m in http.get("/v1/models").json()}
    assert list(models)[0] == "offline"
    expected = {"eleven_multilingual_v2": 10_000, "eleven_flash_v2_5": 40_000, "eleven_turbo_v2_5": 40_000,
                "eleven_flash_v2": 30_000, "eleven_turbo_v2": 30_000, "eleven_v3": 5_000}
    for model_id, limit in expected.items():
        model = models[model_id]
        assert model["max_characters_request_subscribed_user"] == limit
        assert model["can_do_text_to_speech"] is True
        assert "offline Piper voice" in model["description"]  # honest about who speaks
        assert set(model["model_rates"]) == {"character_cost_multiplier", "cost_discount_multiplier"}
        assert model["concurrency_group"] in ("standard", "turbo")
    assert models["eleven_monolingual_v1"]["max_characters_request_free_user"] == 2_500


def test_subscription_counts_characters_synthesized(http: httpx.Client) -> None:
    before = http.get("/v1/user/subscription").json()
    assert before["tier"] == "creator" and before["status"] == "active"
    assert before["next_character_count_reset_unix"] > 0
    text = "Counting every character of this sentence."
    http.post(TTS, json={"text": text})
    http.post(f"{TTS}/stream", json={"text": text, "model_id": "eleven_turbo_v2_5"})
    after = http.get("/v1/user/subscription").json()
    assert after["character_count"] - before["character_count"] == len(text) + math.ceil(len(text) / 2)
    # Refused requests cost nothing.
    http.post(TTS, json={"text": ""})
    http.post("/v1/text-to-speech/nope", json={"text": text})
    assert http.get("/v1/user/subscription").json()["character_count"] == after["character_count"]
    assert http.get("/v1/user").json()["subscription"]["character_count"] == after["character_count"]


def test_quota_exceeded_is_401_and_charges_nothing() -> None:
    with run_server(character_limit=40) as small:
        url = small.base_url
        assert httpx.post(f"{url}{TTS}", json={"text": "Thirty characters of speech ok"}, timeout=60).status_code == 200
        refused = httpx.post(f"{url}{TTS}", json={"text": "Another thirty characters here"}, timeout=60)
        assert refused.status_code == 401
        detail = refused.json()["detail"]
        assert detail["status"] == "quota_exceeded"
        assert "10 credits remaining" in detail["message"]
        assert httpx.get(f"{url}/v1/user/subscription").json()["character_count"] == 30


def test_server_error_before_audio_refunds(http: httpx.Client, local_server: LocalServer) -> None:
    before = http.get("/v1/user/subscription").json()["character_count"]
    local_server.inject({"kind": "server_error"})
    assert http.post(TTS, json={"text": "Not charged."}).status_code == 500
    assert http.get("/v1/user/subscription").json()["character_count"] == before


def test_engine_failure_is_a_500_and_refunds() -> None:
    """A voice that cannot load answers 500 something_went_wrong and costs nothing."""
    from studio.offline.errors import VoiceLoadError

    def broken_engine(voice_id: str | None) -> object:
        raise VoiceLoadError("The voice model file is damaged", "Download the voice again.")

    with run_server(engine_provider=broken_engine, preload_engine=False) as broken:
        response = httpx.post(f"{broken.base_url}{TTS}", json={"text": "Hello."}, timeout=30)
        assert response.status_code == 500
        detail = response.json()["detail"]
        assert detail["status"] == "something_went_wrong"
        assert "damaged" in detail["message"] and "not charged" in detail["message"]
        assert broken.state.usage.character_count == 0
        assert broken.state.usage.active == 0


class _EngineThatBreaksMidway:
    """Loads fine, then fails inside synthesis with a plain (non-Studio) exception."""

    sample_rate = 22050

    def load(self) -> None:
        pass

    def stream(self, text: str, **_: object) -> Iterator[object]:
        raise RuntimeError("onnxruntime exploded")
        yield  # a generator: the failure comes with the first chunk


def _fails_to_load(voice_id: str | None) -> object:
    raise RuntimeError("onnxruntime exploded")


@pytest.mark.parametrize("provider", [_fails_to_load, lambda voice_id: _EngineThatBreaksMidway()],
                         ids=["loading", "first-chunk"])
def test_unexpected_engine_failure_is_a_500_and_refunds(provider: object) -> None:
    """Not only StudioErrors: any engine failure gives credits back and frees the request slot."""
    with run_server(engine_provider=provider, preload_engine=False) as broken:
        response = httpx.post(f"{broken.base_url}{TTS}", json={"text": "Hello."}, timeout=30)
        assert response.status_code == 500
        detail = response.json()["detail"]
        assert detail["status"] == "something_went_wrong"
        assert "not charged" in detail["message"] and "onnxruntime" not in detail["message"]
        assert broken.state.usage.character_count == 0
        assert broken.state.usage.active == 0
