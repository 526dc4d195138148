"""/v2/voices search and paging, single voices, settings and previews, over HTTP."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from studio.server.catalog import CatalogError, generate_voices, load_catalog_file
from tests.fixtures.local_server import LocalServer, run_server
from tests.integration.server.audio_checks import assert_speech, decode
from tests.integration.server.conftest import OFFLINE_VOICE, OFFLINE_VOICES

CATALOG = generate_voices(250, seed=3)
SAMPLE_CATALOG = Path(__file__).parents[2] / "data" / "server" / "voices_catalog_sample.json"


@pytest.fixture(scope="module")
def server() -> Iterator[LocalServer]:
    with run_server(catalog=CATALOG) as running:
        yield running


@pytest.fixture
def api(server: LocalServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.base_url, timeout=60) as client:
        yield client


def _all_pages(api: httpx.Client, **params: object) -> list[dict]:
    voices: list[dict] = []
    token = None
    while True:
        page = api.get("/v2/voices", params={**params, **({"next_page_token": token} if token else {})})
        assert page.status_code == 200, page.text
        body = page.json()
        voices += body["voices"]
        if not body["has_more"]:
            assert body["next_page_token"] is None
            return voices
        token = body["next_page_token"]


def test_pages_cover_every_voice_once(api: httpx.Client) -> None:
    first = api.get("/v2/voices", params={"page_size": 100}).json()
    assert len(first["voices"]) == 100 and first["has_more"] and first["total_count"] == 250 + OFFLINE_VOICES
    voices = _all_pages(api, page_size=100)
    ids = [v["voice_id"] for v in voices]
    assert len(ids) == len(set(ids)) == 250 + OFFLINE_VOICES
    assert ids[0] == OFFLINE_VOICE  # offline voices come first in catalog order


def test_default_page_size_is_10(api: httpx.Client) -> None:
    assert len(api.get("/v2/voices").json()["voices"]) == 10


@pytest.mark.parametrize("size", [0, 101, -5])
def test_page_size_out_of_range_is_422(api: httpx.Client, size: int) -> None:
    response = api.get("/v2/voices", params={"page_size": size})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "page_size"]


def test_page_token_is_opaque_and_tamper_proof(api: httpx.Client) -> None:
    token = api.get("/v2/voices", params={"page_size": 5}).json()["next_page_token"]
    raw = bytearray(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    payload = json.loads(raw[12:])
    assert payload["o"] == 5  # the offset is in there, but signed
    forged = raw[:12] + json.dumps({"o": 200, "f": payload["f"]}, separators=(",", ":")).encode()
    for bad in (base64.urlsafe_b64encode(bytes(forged)).decode().rstrip("="), "not-a-token!!", token[:-2] + "AA"):
        response = api.get("/v2/voices", params={"page_size": 5, "next_page_token": bad})
        assert response.status_code == 422, bad
        assert response.json()["detail"][0]["loc"] == ["query", "next_page_token"]
    # The same token with other filters is refused too: it would page through another list.
    response = api.get("/v2/voices", params={"page_size": 5, "next_page_token": token, "gender": "male"})
    assert response.status_code == 422
    # Page size may change between pages.
    assert api.get("/v2/voices", params={"page_size": 7, "next_page_token": token}).status_code == 200


def test_voice_ids_repeat_as_keys(api: httpx.Client) -> None:
    wanted = [CATALOG[3]["voice_id"], CATALOG[100]["voice_id"], OFFLINE_VOICE]
    body = api.get("/v2/voices", params=[("voice_ids", v) for v in wanted]).json()
    assert sorted(v["voice_id"] for v in body["voices"]) == sorted(wanted)
    too_many = [("voice_ids", f"id{i}") for i in range(101)]
    assert api.get("/v2/voices", params=too_many).status_code == 422


def test_search_matches_name_description_labels(api: httpx.Client) -> None:
    name = CATALOG[42]["name"].split(" - ")[0]
    found = _all_pages(api, search=name.lower(), page_size=100)
    assert CATALOG[42]["voice_id"] in {v["voice_id"] for v in found}
    assert all(name.lower() in json.dumps([v["name"], v["description"], v["labels"], v["category"]]).lower()
               for v in found)
    assert api.get("/v2/voices", params={"search": "zzqqxx-nothing"}).json()["voices"] == []


def test_filters(api: httpx.Client) -> None:
    by_category = _all_pages(api, category="professional", page_size=100)
    assert by_category and all(v["category"] == "professional" for v in by_category)
    assert len(by_category) == sum(v["category"] == "professional" for v in CATALOG)
    defaults = _all_pages(api, voice_type="default", page_size=100)
    assert {v["category"] for v in defaults} <= {"premade", "offline"}
    assert OFFLINE_VOICE in {v["voice_id"] for v in defaults}
    community = _all_pages(api, voice_type="community", page_size=100)
    assert community and all(v["sharing"] and not v["is_owner"] for v in community)
    non_default = _all_pages(api, voice_type="non-default", page_size=100)
    assert len(non_default) + len(defaults) == 250 + OFFLINE_VOICES
    langs = _all_pages(api, language=["de", "fr"], page_size=100)
    assert langs and {v["labels"]["language"] for v in langs} == {"de", "fr"}
    cases = _all_pages(api, use_cases=["news"], gender="female", page_size=100)
    assert all(v["labels"]["use_case"] == "news" and v["labels"]["gender"] == "female" for v in cases)
    notice = _all_pages(api, min_notice_period_days=30, page_size=100)
    assert notice and all(v["sharing"]["notice_period"] >= 30 for v in notice)
    no_rates = _all_pages(api, include_custom_rates=False, page_size=100)
    assert all(not v.get("sharing") or v["sharing"]["rate"] is None for v in no_rates)
    hq = _all_pages(api, high_quality=True, page_size=100)
    assert hq and all(v["category"] == "high_quality" for v in hq)
    assert api.get("/v2/voices", params={"voice_type": "robots"}).status_code == 422


def test_sort_by_name_and_creation(api: httpx.Client) -> None:
    by_name = _all_pages(api, sort="name", sort_direction="desc", page_size=100)
    names = [v["name"].lower() for v in by_name]
    assert names == sorted(names, reverse=True)
    by_date = _all_pages(api, sort="created_at_unix", page_size=100)  # newest first by default
    dates = [v.get("created_at_unix") for v in by_date]
    dated = [d for d in dates if d is not None]
    assert dated == sorted(dated, reverse=True)
    assert all(d is None for d in dates[len(dated):])  # undated voices last
    ascending = [v.get("created_at_unix") for v in _all_pages(api, sort="created_at_unix", sort_direction="asc", page_size=100)]
    assert [d for d in ascending if d is not None] == sorted(dated)


def test_total_count_can_be_left_out(api: httpx.Client) -> None:
    body = api.get("/v2/voices", params={"include_total_count": "false"}).json()
    assert body["total_count"] is None and body["has_more"]


def test_single_voice_settings_and_defaults(api: httpx.Client) -> None:
    voice = api.get(f"/v1/voices/{CATALOG[0]['voice_id']}").json()
    assert voice["name"] == CATALOG[0]["name"]
    assert voice["settings"]["similarity_boost"] == 0.75
    assert api.get(f"/v1/voices/{OFFLINE_VOICE}/settings").json()["stability"] == 0.5
    assert api.get("/v1/voices/settings/default").json() == {
        "stability": 0.5, "similarity_boost": 0.75, "style": 0.0, "use_speaker_boost": True, "speed": 1.0}
    missing = api.get("/v1/voices/unknown-voice-id")
    assert missing.status_code == 404
    assert missing.json()["detail"]["status"] == "voice_not_found"
    assert api.get("/v1/voices/unknown-voice-id/settings").status_code == 404
    assert len(api.get("/v1/voices").json()["voices"]) == 250 + OFFLINE_VOICES


def test_with_settings_false_is_honoured(api: httpx.Client) -> None:
    """The query parameter was accepted but ignored: settings came back even when asked not to."""
    voice_id = CATALOG[0]["voice_id"]  # a catalog voice with no stored settings
    assert api.get(f"/v1/voices/{voice_id}").json()["settings"] is not None
    assert api.get(f"/v1/voices/{voice_id}", params={"with_settings": "false"}).json()["settings"] is None


def test_previews_are_served_here_and_are_speech(api: httpx.Client, server: LocalServer) -> None:
    voice = api.get("/v2/voices", params={"page_size": 2}).json()["voices"][1]
    assert voice["preview_url"].startswith(server.base_url + "/v1/voices/")
    preview = httpx.get(voice["preview_url"], timeout=60)
    assert preview.status_code == 200 and preview.headers["content-type"] == "audio/mpeg"
    samples, rate = decode(preview.content)
    name = voice["name"].split(" - ")[0]
    assert_speech(samples, rate, f"Hello, I'm {name}. This is how I sound when I read your script.")
    assert httpx.get(voice["preview_url"], timeout=60).content == preview.content  # cached


def test_catalog_file_is_loaded(tmp_path: Path) -> None:
    voices = load_catalog_file(SAMPLE_CATALOG)
    assert len(voices) == 25
    with run_server(catalog=SAMPLE_CATALOG, faults=False) as running:
        body = httpx.get(f"{running.base_url}/v2/voices", params={"page_size": 100}).json()
        assert body["total_count"] == 25 + OFFLINE_VOICES
        # Fault control endpoints do not exist unless enabled.
        assert httpx.post(f"{running.base_url}/_test/faults", json={"kind": "disconnect"}).status_code == 404


@pytest.mark.parametrize(("content", "words"), [
    ("{not json", "could not be read"),
    ('{"a": 1}', "not a list"),
    ('[{"name": "x"}]', "no voice_id"),
])
def test_bad_catalog_files_name_the_file(tmp_path: Path, content: str, words: str) -> None:
    path = tmp_path / "voices.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CatalogError) as caught:
        load_catalog_file(path)
    assert words in str(caught.value) and str(path) in str(caught.value)
    with pytest.raises(CatalogError, match="does not exist"):
        load_catalog_file(tmp_path / "missing.json")


def test_generated_catalog_is_deterministic_and_distinct() -> None:
    assert generate_voices(30, seed=1) == generate_voices(30, seed=1)
    assert generate_voices(30, seed=1) != generate_voices(30, seed=2)
    voices = generate_voices(2000, seed=9)
    assert len({v["voice_id"] for v in voices}) == 2000
    assert {v["category"] for v in voices} == {"generated", "professional", "cloned", "premade", "high_quality"}
    assert all(len(v["voice_id"]) == 20 and v["labels"]["gender"] in ("female", "male", "neutral") for v in voices)
    assert len(json.dumps(voices)) / 2000 < 4000  # about 2-3 KB a voice, like the real API
