"""The four text-to-speech endpoints over HTTP: formats, headers, validation and bad input."""

from __future__ import annotations

import base64
import json

import httpx
import numpy as np
import pytest

from tests.fixtures.local_server import LOCAL_TEST_KEY, LocalServer
from tests.integration.server.audio_checks import (
    assert_alignment_covers,
    assert_speech,
    decode,
    pcm_samples,
)
from tests.integration.server.conftest import OFFLINE_VOICE

TEXT = "Rain fell on the quiet harbour. The boats rocked gently at their moorings."
TTS = f"/v1/text-to-speech/{OFFLINE_VOICE}"


def _post(http: httpx.Client, path: str, text: str = TEXT, fmt: str | None = None, **body: object) -> httpx.Response:
    params = {"output_format": fmt} if fmt else None
    return http.post(path, params=params, json={"text": text, **body})


@pytest.mark.parametrize("rate", [8000, 16000, 22050, 24000, 44100, 48000])
def test_pcm_at_every_rate_is_speech_of_the_same_length(http: httpx.Client, rate: int) -> None:
    response = _post(http, f"{TTS}/stream", fmt=f"pcm_{rate}", seed=11)
    assert response.status_code == 200
    duration = assert_speech(pcm_samples(response.content), rate, TEXT)
    reference = _post(http, f"{TTS}/stream", fmt="pcm_22050", seed=11)
    assert duration == pytest.approx(len(reference.content) / 2 / 22050, abs=0.01)


@pytest.mark.parametrize("fmt", ["wav_8000", "wav_16000", "wav_22050", "wav_24000", "wav_44100", "wav_48000"])
def test_wav_decodes_at_the_asked_rate(http: httpx.Client, fmt: str) -> None:
    response = _post(http, TTS, fmt=fmt)
    assert response.status_code == 200
    assert response.content[:4] == b"RIFF"
    samples, rate = decode(response.content)
    assert rate == int(fmt.split("_")[1])
    assert_speech(samples, rate, TEXT)


@pytest.mark.parametrize("fmt", ["mp3_22050_32", "mp3_24000_48", "mp3_44100_64", "mp3_44100_128", "mp3_44100_192"])
def test_mp3_decodes_at_the_asked_rate_and_bitrate(http: httpx.Client, fmt: str) -> None:
    response = _post(http, f"{TTS}/stream", fmt=fmt)
    assert response.status_code == 200
    _, rate_text, kbps_text = fmt.split("_")
    samples, rate = decode(response.content)
    assert rate == int(rate_text)
    duration = assert_speech(samples, rate, TEXT)
    # Constant bitrate: the size follows from the duration (within a frame or two).
    assert len(response.content) * 8 / duration / 1000 == pytest.approx(int(kbps_text), rel=0.1)


def test_ulaw_and_alaw_match_pcm_8000(http: httpx.Client) -> None:
    pcm = _post(http, TTS, fmt="pcm_8000", seed=3).content
    for codec in ("ulaw", "alaw"):
        coded = _post(http, TTS, fmt=f"{codec}_8000", seed=3)
        assert coded.status_code == 200
        assert len(coded.content) == len(pcm) // 2  # one byte per sample
        assert len(set(coded.content)) > 50  # real speech uses many code words


@pytest.mark.parametrize("fmt", ["opus_48000_32", "opus_48000_64", "opus_48000_192"])
def test_opus_is_an_ogg_stream_that_decodes(http: httpx.Client, fmt: str) -> None:
    response = _post(http, f"{TTS}/stream", fmt=fmt)
    assert response.status_code == 200
    assert response.content[:4] == b"OggS" and b"OpusHead" in response.content[:64]
    samples, rate = decode(response.content)
    assert rate == 48000
    duration = assert_speech(samples, rate, TEXT)
    kbps = len(response.content) * 8 / duration / 1000
    assert kbps == pytest.approx(int(fmt.split("_")[2]), rel=0.35)  # Opus is VBR: near the target


def test_unknown_and_stream_only_formats_get_422(http: httpx.Client) -> None:
    for path, fmt in ((TTS, "flac_44100"), (f"{TTS}/stream", "wav_44100"),
                      (f"{TTS}/stream/with-timestamps", "wav_22050")):
        response = _post(http, path, fmt=fmt)
        assert response.status_code == 422, (path, fmt)
        assert response.json()["detail"][0]["loc"] == ["query", "output_format"]


def test_response_headers(http: httpx.Client, local_server: LocalServer) -> None:
    response = _post(http, TTS, fmt="pcm_16000")
    headers = response.headers
    assert len(headers["request-id"]) == 20
    assert headers["character-cost"] == str(len(TEXT))
    assert int(headers["current-concurrent-requests"]) >= 1
    assert int(headers["maximum-concurrent-requests"]) >= int(headers["current-concurrent-requests"])
    assert "request-id" in headers["access-control-expose-headers"]
    flash = _post(http, TTS, fmt="pcm_16000", model_id="eleven_flash_v2_5")
    assert flash.headers["character-cost"] == str(-(-len(TEXT) // 2))  # flash costs half
    # ... and the plans allow twice as many at once (studio.core.concurrency.is_fast_model).
    assert int(flash.headers["maximum-concurrent-requests"]) == 2 * int(headers["maximum-concurrent-requests"])
    other = _post(http, TTS, fmt="pcm_16000")
    assert other.headers["request-id"] != headers["request-id"]


def test_same_seed_gives_the_same_audio(http: httpx.Client) -> None:
    first = _post(http, TTS, fmt="pcm_24000", seed=1234).content
    again = _post(http, TTS, fmt="pcm_24000", seed=1234).content
    assert first == again


def test_speed_setting_changes_the_duration(http: httpx.Client) -> None:
    slow = _post(http, TTS, fmt="pcm_16000", seed=5, voice_settings={"speed": 0.7}).content
    fast = _post(http, TTS, fmt="pcm_16000", seed=5, voice_settings={"speed": 1.2}).content
    assert len(slow) > 1.3 * len(fast)


def test_with_timestamps_json(http: httpx.Client) -> None:
    response = _post(http, f"{TTS}/with-timestamps", fmt="pcm_24000")
    assert response.status_code == 200
    payload = response.json()
    duration = assert_speech(pcm_samples(base64.b64decode(payload["audio_base64"])), 24000, TEXT)
    a = payload["alignment"]
    assert_alignment_covers(TEXT, a["characters"], a["character_start_times_seconds"],
                            a["character_end_times_seconds"], duration)
    n = payload["normalized_alignment"]
    assert len(n["characters"]) == len(n["character_start_times_seconds"]) == len(n["character_end_times_seconds"])


def test_stream_with_timestamps_is_ndjson_sentence_by_sentence(http: httpx.Client) -> None:
    lines: list[dict] = []
    with http.stream("POST", f"{TTS}/stream/with-timestamps", params={"output_format": "pcm_22050"},
                     json={"text": TEXT}) as response:
        assert response.status_code == 200
        for line in response.iter_lines():
            assert line.strip(), "no blank lines are sent"
            lines.append(json.loads(line))
    sentences = [line for line in lines if line["alignment"] is not None]
    assert ["".join(s["alignment"]["characters"]) for s in sentences] == [
        "Rain fell on the quiet harbour. ", "The boats rocked gently at their moorings."]
    audio = b"".join(base64.b64decode(line["audio_base64"]) for line in lines)
    duration = assert_speech(pcm_samples(audio), 22050, TEXT)
    chars = [c for s in sentences for c in s["alignment"]["characters"]]
    starts = [t for s in sentences for t in s["alignment"]["character_start_times_seconds"]]
    ends = [t for s in sentences for t in s["alignment"]["character_end_times_seconds"]]
    assert_alignment_covers(TEXT, chars, starts, ends, duration)  # absolute times


# --- errors ------------------------------------------------------------------------------


def test_unknown_voice_is_404(http: httpx.Client) -> None:
    response = _post(http, "/v1/text-to-speech/nope/stream")
    assert response.status_code == 404
    assert response.json() == {"detail": {"status": "voice_not_found",
                                          "message": "A voice with the voice_id nope was not found."}}


def test_null_inside_voice_settings_is_422_like_the_real_api(http: httpx.Client) -> None:
    response = _post(http, TTS, voice_settings={"stability": None, "style": None, "speed": None})
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert [(d["type"], d["loc"], d["msg"], d["input"]) for d in detail] == [
        ("float_type", ["body", "voice_settings", field], "Input should be a valid number", None)
        for field in ("stability", "style", "speed")
    ]


@pytest.mark.parametrize(("body", "loc"), [
    ({"voice_settings": {"stability": -0.1}}, ["body", "voice_settings", "stability"]),
    ({"voice_settings": {"similarity_boost": 1.01}}, ["body", "voice_settings", "similarity_boost"]),
    ({"voice_settings": {"speed": 0.69}}, ["body", "voice_settings", "speed"]),
    ({"voice_settings": {"speed": 1.21}}, ["body", "voice_settings", "speed"]),
    ({"voice_settings": []}, ["body", "voice_settings"]),
    ({"seed": -1}, ["body", "seed"]),
    ({"seed": 4_294_967_296}, ["body", "seed"]),
    ({"pronunciation_dictionary_locators": [{"pronunciation_dictionary_id": str(i)} for i in range(4)]},
     ["body", "pronunciation_dictionary_locators"]),
    ({"previous_request_ids": ["a", "b", "c", "d"]}, ["body", "previous_request_ids"]),
    ({"next_request_ids": ["a", "b", "c", "d"]}, ["body", "next_request_ids"]),
    ({"apply_text_normalization": "sometimes"}, ["body", "apply_text_normalization"]),
])
def test_out_of_range_values_are_422(http: httpx.Client, body: dict, loc: list) -> None:
    response = _post(http, TTS, **body)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert detail[0]["loc"] == loc
    assert {"type", "loc", "msg", "input"} <= set(detail[0])


def test_limits_at_the_edge_are_accepted(http: httpx.Client) -> None:
    # Locators must name a real dictionary now that the server applies them (issue 12).
    made = http.post("/v1/pronunciation-dictionaries/add-from-rules",
                     json={"name": "d1", "rules": [{"string_to_replace": "Hi", "type": "alias", "alias": "Hi"}]})
    body = {"seed": 4_294_967_295, "voice_settings": {"stability": 0, "similarity_boost": 1, "speed": 1.2},
            "previous_request_ids": ["a", "b", "c"],
            "pronunciation_dictionary_locators": [{"pronunciation_dictionary_id": made.json()["id"]}] * 3}
    assert _post(http, TTS, text="Hi.", fmt="pcm_16000", **body).status_code == 200


def test_text_over_the_model_limit_is_400(http: httpx.Client, local_server: LocalServer) -> None:
    before = local_server.state.usage.character_count
    response = _post(http, TTS, text="a" * 10_001, model_id="eleven_multilingual_v2")
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert detail["status"] == "max_character_limit_exceeded"
    assert "10001" in detail["message"] and "10000" in detail["message"]
    assert _post(http, TTS, text="a" * 5_001, model_id="eleven_v3").status_code == 400
    assert local_server.state.usage.character_count == before  # nothing was charged


def test_unknown_model_is_400(http: httpx.Client) -> None:
    response = _post(http, TTS, model_id="eleven_imaginary_v9")
    assert response.status_code == 400
    assert response.json()["detail"]["status"] == "invalid_model"


@pytest.mark.parametrize("text", ["", " ", "   \n\t  ", "\u200b\n", "\x00\x01 ",
                                  # Nothing to speak by the studio's one rule (studio.text_rules).
                                  "♥", "* * *", "!!!", "👨‍👩‍👧‍👦"])
def test_empty_or_blank_text_is_a_clear_422(http: httpx.Client, text: str) -> None:
    response = _post(http, TTS, text=text)
    assert response.status_code == 422
    (item,) = response.json()["detail"]
    assert item["type"] == "text_empty"
    assert item["loc"] == ["body", "text"]
    assert "spoken" in item["msg"]


@pytest.mark.parametrize("text", [
    "Hello 👋 world, nice to meet you 🎉!",
    "مرحبا بالعالم. This line mixes Arabic and English.",
    "שלום עולם",
    "你好，世界。今天天气很好。",
    "Tab\there, bell\x07 and NUL\x00 inside.",
    "Zero\u200bwidth and combining e\u0301 marks.",
    "Family: 👨‍👩‍👧‍👦",
    "€",
])
def test_unusual_text_gives_audio_never_500(http: httpx.Client, text: str) -> None:
    response = _post(http, f"{TTS}/with-timestamps", text=text, fmt="pcm_16000")
    assert response.status_code == 200, response.text
    payload = response.json()
    assert len(base64.b64decode(payload["audio_base64"])) > 1600  # at least 50 ms
    assert "".join(payload["alignment"]["characters"]) == text


def test_sentences_are_split_by_the_shared_rule(http: httpx.Client) -> None:
    """One NDJSON line per sentence, cut where the segmenter and the engine cut."""
    response = _post(http, f"{TTS}/stream/with-timestamps", text="She got an a. Approx. ten more.",
                     fmt="pcm_16000")
    assert response.status_code == 200
    lines = [json.loads(line) for line in response.text.splitlines() if line.strip()]
    spoken = ["".join(line["alignment"]["characters"]) for line in lines if line["alignment"]]
    assert spoken == ["She got an a. ", "Approx. ten more."]


def test_wrong_or_missing_key_is_401(local_server_with_key: LocalServer) -> None:
    url = f"{local_server_with_key.base_url}{TTS}"
    for headers in ({}, {"xi-api-key": "sk_wrong"}, {"xi-api-key": LOCAL_TEST_KEY + "x"}):
        response = httpx.post(url, headers=headers, json={"text": "Hello."})
        assert response.status_code == 401
        assert response.json() == {"detail": {"status": "invalid_api_key", "message": "Invalid API key"}}
    # Even an invalid body gets 401 first, as with the real API.
    assert httpx.post(url, json={"text": None}).status_code == 401
    for path in ("/v2/voices", "/v1/models", "/v1/user/subscription", f"/v1/voices/{OFFLINE_VOICE}"):
        assert httpx.get(local_server_with_key.base_url + path).status_code == 401
    ok = httpx.post(url, headers={"xi-api-key": LOCAL_TEST_KEY}, params={"output_format": "pcm_16000"},
                    json={"text": "Hello."}, timeout=60)
    assert ok.status_code == 200 and len(ok.content) > 3200


def test_silence_is_not_mistaken_for_speech() -> None:
    """The audio checks themselves can fail: silence and noise are rejected."""
    with pytest.raises(AssertionError):
        assert_speech(np.zeros(16000 * 3), 16000, TEXT)
    with pytest.raises(AssertionError):
        assert_speech(np.random.default_rng(0).uniform(-0.5, 0.5, 16000 * 5), 16000, TEXT)


def test_parallel_requests_all_get_speech(local_server: LocalServer) -> None:
    """Requests interleave sentence by sentence on the one engine; none is corrupted."""
    from concurrent.futures import ThreadPoolExecutor

    def speak(seed: int) -> tuple[bytes, int]:
        response = httpx.post(f"{local_server.base_url}{TTS}/stream", params={"output_format": "pcm_16000"},
                              json={"text": TEXT, "seed": seed}, timeout=120)
        assert response.status_code == 200
        return response.content, int(response.headers["current-concurrent-requests"])

    with ThreadPoolExecutor(max_workers=3) as pool:
        results = list(pool.map(speak, [21, 22, 21]))
    for audio, _ in results:
        assert_speech(pcm_samples(audio), 16000, TEXT)
    assert results[0][0] == results[2][0]  # same seed, same audio, even when run side by side
    assert max(count for _, count in results) >= 2


def test_client_hanging_up_stops_the_synthesis(local_server: LocalServer) -> None:
    import time

    long_text = " ".join(f"This is sentence number {n} of a long chapter." for n in range(40))
    with httpx.Client(base_url=local_server.base_url, timeout=60) as client:
        with client.stream("POST", f"{TTS}/stream", params={"output_format": "pcm_16000"},
                           json={"text": long_text}) as response:
            assert response.status_code == 200
            next(response.iter_bytes())
            assert local_server.state.usage.active >= 1
    deadline = time.monotonic() + 20
    while local_server.state.usage.active and time.monotonic() < deadline:
        time.sleep(0.05)
    assert local_server.state.usage.active == 0
