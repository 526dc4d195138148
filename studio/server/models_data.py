"""The /v1/models list.

The first model, ``offline``, is this server's own. The others mirror real ElevenLabs model
ids with their documented per-request character limits (ENDPOINTS.md §5, docs@3557f0b
models.mdx) so the studio UI sees a realistic list and its limit handling is exercised —
but **every one of them is spoken by the offline Piper voice**; their descriptions say so.
``eleven_v3``'s limit is moving in the docs (3,000, later 5,000); 5,000 is used here.
``eleven_monolingual_v1``'s free/subscribed limits are from a real 2023 /v1/models capture.
Credit multipliers: 1.0, except 0.5 for the flash and turbo models (their pricing).
"""

from __future__ import annotations

from typing import Any

_EN = [{"language_id": "en", "name": "English"}]
_MULTI = _EN + [
    {"language_id": code, "name": name}
    for code, name in (("es", "Spanish"), ("fr", "French"), ("de", "German"), ("it", "Italian"),
                       ("pt", "Portuguese"), ("pl", "Polish"), ("hi", "Hindi"), ("ja", "Japanese"),
                       ("zh", "Chinese"), ("ar", "Arabic"), ("ko", "Korean"), ("nl", "Dutch"))
]
STAND_IN = " (Stand-in on this local server: spoken by the offline Piper voice.)"

# model_id, name, limit (subscribed), free-user limit, multiplier, concurrency group, style, languages
_TABLE: tuple[tuple[str, str, int, int, float, str, bool, list[dict[str, str]], str], ...] = (
    ("offline", "Offline voice (Piper)", 10_000, 10_000, 1.0, "standard", False, _EN,
     "Speech made on this computer by a Piper neural voice: no account, no network."),
    ("eleven_multilingual_v2", "Eleven Multilingual v2", 10_000, 10_000, 1.0, "standard", True, _MULTI,
     "Our most life-like, emotionally rich mode in 29 languages."),
    ("eleven_v3", "Eleven v3", 5_000, 5_000, 1.0, "standard", True, _MULTI,
     "The most expressive model, with audio tags."),
    ("eleven_flash_v2_5", "Eleven Flash v2.5", 40_000, 40_000, 0.5, "turbo", False, _MULTI,
     "Ultra low latency model in 32 languages."),
    ("eleven_turbo_v2_5", "Eleven Turbo v2.5", 40_000, 40_000, 0.5, "turbo", False, _MULTI,
     "High quality, low latency model in 32 languages."),
    ("eleven_flash_v2", "Eleven Flash v2", 30_000, 30_000, 0.5, "turbo", False, _EN,
     "Ultra low latency model, English only."),
    ("eleven_turbo_v2", "Eleven Turbo v2", 30_000, 30_000, 0.5, "turbo", False, _EN,
     "English-only low latency model."),
    ("eleven_multilingual_v1", "Eleven Multilingual v1", 10_000, 10_000, 1.0, "standard", False, _MULTI,
     "Our first multilingual model (legacy)."),
    ("eleven_monolingual_v1", "Eleven English v1", 5_000, 2_500, 1.0, "standard", False, _EN,
     "Our first English model (legacy)."),
)


def _model(row: tuple[Any, ...]) -> dict[str, Any]:
    model_id, name, limit, free, multiplier, group, style, languages, description = row
    return {
        "model_id": model_id,
        "name": name,
        "can_be_finetuned": model_id != "offline",
        "can_do_text_to_speech": True,
        "can_do_voice_conversion": False,
        "can_use_style": style,
        "can_use_speaker_boost": model_id != "offline",
        "serves_pro_voices": False,
        "token_cost_factor": 1.0,
        "description": description + ("" if model_id == "offline" else STAND_IN),
        "requires_alpha_access": False,
        "max_characters_request_free_user": free,
        "max_characters_request_subscribed_user": limit,
        "maximum_text_length_per_request": max(limit, free) if model_id != "eleven_monolingual_v1" else 10_000,
        "languages": languages,
        "model_rates": {"character_cost_multiplier": multiplier, "cost_discount_multiplier": 1.0},
        "concurrency_group": group,
    }


MODELS: tuple[dict[str, Any], ...] = tuple(_model(row) for row in _TABLE)
_BY_ID = {m["model_id"]: m for m in MODELS}


def get_model(model_id: str) -> dict[str, Any] | None:
    return _BY_ID.get(model_id)


def request_limit(model: dict[str, Any], subscribed: bool = True) -> int:
    """Characters allowed in one request: the tier's limit, never above the model's maximum."""
    tier_limit = model["max_characters_request_subscribed_user" if subscribed else "max_characters_request_free_user"]
    return min(int(tier_limit), int(model["maximum_text_length_per_request"]))


def character_cost(model: dict[str, Any], text: str) -> int:
    """Credits one request costs: characters times the model's multiplier, rounded up."""
    multiplier = float(model["model_rates"]["character_cost_multiplier"])
    return max(1, -(-int(len(text) * multiplier * 1000) // 1000))
