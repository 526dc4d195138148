"""The local server's pronunciation-dictionary endpoints, driven by the official ``elevenlabs`` SDK.

Real loopback TCP, the SDK nobody here wrote, and the studio's rules behind the server.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from elevenlabs.client import ElevenLabs
from elevenlabs.core.api_error import ApiError
from elevenlabs.pronunciation_dictionaries.types import (
    BodyAddAPronunciationDictionaryV1PronunciationDictionariesAddFromRulesPostRulesItem_Alias as Alias,
    BodyAddAPronunciationDictionaryV1PronunciationDictionariesAddFromRulesPostRulesItem_Phoneme as Phoneme,
)

from studio.core.pronunciation import AliasRule, PhonemeRule, parse_pls
from tests.fixtures.local_server import LocalServer, run_server

REAL_PLS = Path(__file__).resolve().parents[2] / "data" / "pronunciation" / "elevenlabs_style.pls"


@pytest.fixture(scope="module")
def server() -> Iterator[LocalServer]:
    with run_server() as running:
        yield running


@pytest.fixture
def client(server: LocalServer) -> ElevenLabs:
    return ElevenLabs(api_key="any-key", base_url=server.base_url, timeout=60)


def _download(client: ElevenLabs, dictionary_id: str, version_id: str) -> bytes:
    return b"".join(client.pronunciation_dictionaries.download(dictionary_id, version_id))


def test_create_from_rules_get_and_download(client: ElevenLabs) -> None:
    made = client.pronunciation_dictionaries.create_from_rules(
        name="Names", rules=[Alias(string_to_replace="Nguyen", alias="win"),
                             Phoneme(string_to_replace="Thailand", phoneme="ˈtaɪ.lænd", alphabet="ipa")])
    assert made.id and made.version_id and made.version_rules_num == 2 and made.name == "Names"
    got = client.pronunciation_dictionaries.get(made.id)
    assert got.latest_version_id == made.version_id
    assert [(r.type, r.string_to_replace) for r in got.rules] == [("alias", "Nguyen"), ("phoneme", "Thailand")]
    assert got.rules[0].case_sensitive is True and got.rules[0].word_boundaries is True
    pls = _download(client, made.id, made.version_id)
    assert parse_pls(pls).rules == (AliasRule("Nguyen", "win"), PhonemeRule("Thailand", "ˈtaɪ.lænd", "ipa"))


def test_every_edit_is_a_new_version_and_old_versions_stay(client: ElevenLabs) -> None:
    made = client.pronunciation_dictionaries.create_from_rules(
        name="Edits", rules=[Alias(string_to_replace="Nguyen", alias="win")])
    added = client.pronunciation_dictionaries.rules.add(
        made.id, rules=[Alias(string_to_replace="Nguyen", alias="nwin"), Alias(string_to_replace="UN", alias="U N")])
    assert added.version_id != made.version_id and added.version_rules_num == 2  # same string replaced
    removed = client.pronunciation_dictionaries.rules.remove(made.id, rule_strings=["UN"])
    assert removed.version_id not in (made.version_id, added.version_id) and removed.version_rules_num == 1
    same = client.pronunciation_dictionaries.rules.set(made.id, rules=[Alias(string_to_replace="Nguyen", alias="nwin")])
    assert same.version_id != removed.version_id  # even an edit that changes nothing is a new version
    assert parse_pls(_download(client, made.id, made.version_id)).rules == (AliasRule("Nguyen", "win"),)
    assert parse_pls(_download(client, made.id, added.version_id)).rules == (
        AliasRule("Nguyen", "nwin"), AliasRule("UN", "U N"))
    renamed = client.pronunciation_dictionaries.update(made.id, name="Renamed")
    assert renamed.name == "Renamed" and renamed.latest_version_id == same.version_id  # PATCH keeps the version


def test_create_from_a_real_pls_file(client: ElevenLabs) -> None:
    with REAL_PLS.open("rb") as handle:
        made = client.pronunciation_dictionaries.create_from_file(name="From file", file=handle)
    assert made.version_rules_num == 7
    assert parse_pls(_download(client, made.id, made.version_id)).rules == parse_pls(REAL_PLS.read_bytes()).rules


def test_add_from_file_reads_forms_as_the_alignment_route_does(server: LocalServer) -> None:
    """One form parser for every upload route (studio.server.multipart): a URL-encoded form with
    no file is read (an empty dictionary), and of a field sent twice the first counts."""
    import httpx

    with httpx.Client(base_url=server.base_url, headers={"xi-api-key": "any-key"}, timeout=30) as http:
        plain = http.post("/v1/pronunciation-dictionaries/add-from-file", data={"name": "No file yet"})
        assert plain.status_code == 200, plain.text
        assert plain.json()["name"] == "No file yet" and plain.json()["version_rules_num"] == 0
        twice = http.post("/v1/pronunciation-dictionaries/add-from-file",
                          files=[("name", (None, b"First")), ("name", (None, b"Second")),
                                 ("file", ("lexicon.pls", REAL_PLS.read_bytes(), "application/pls+xml"))])
        assert twice.status_code == 200, twice.text
        assert twice.json()["name"] == "First" and twice.json()["version_rules_num"] == 7


def test_list_pages_with_a_cursor(client: ElevenLabs) -> None:
    for n in range(5):
        client.pronunciation_dictionaries.create_from_rules(
            name=f"page-{n}", rules=[Alias(string_to_replace=f"w{n}", alias="x")])
    seen: list[str] = []
    cursor = None
    while True:
        page = client.pronunciation_dictionaries.list(cursor=cursor, page_size=2, sort="name",
                                                      sort_direction="ascending")
        assert len(page.pronunciation_dictionaries) <= 2
        seen += [d.name for d in page.pronunciation_dictionaries]
        if not page.has_more:
            break
        cursor = page.next_cursor
    pages = [name for name in seen if name.startswith("page-")]
    assert pages == sorted(pages) and len(pages) == 5 and len(seen) == len(set(seen))


def test_validation_and_unknown_ids_answer_like_the_api(client: ElevenLabs, server: LocalServer) -> None:
    with pytest.raises(ApiError) as caught:
        client.pronunciation_dictionaries.create_from_rules(name="x", rules=[Alias(string_to_replace="", alias="b")])
    assert caught.value.status_code == 422
    assert caught.value.body["detail"][0]["loc"][:3] == ["body", "rules", 0]
    with pytest.raises(ApiError) as caught:
        client.pronunciation_dictionaries.get("no-such-dictionary")
    assert caught.value.status_code == 404
    assert caught.value.body["detail"]["status"] == "pronunciation_dictionary_not_found"
    with pytest.raises(ApiError) as caught:
        client.pronunciation_dictionaries.list(page_size=101)
    assert caught.value.status_code == 422
    made = client.pronunciation_dictionaries.create_from_rules(name="v", rules=[Alias(string_to_replace="a", alias="b")])
    with pytest.raises(ApiError) as caught:
        _download(client, made.id, "no-such-version")
    assert caught.value.status_code == 404


# --- the TTS routes honour pronunciation_dictionary_locators -------------------------------

OFFLINE_VOICE = "offline-en_US-joe-medium"


def _words(alignment) -> str:
    return "".join(alignment.characters)


def test_tts_applies_alias_rules_and_aligns_on_the_input_text(client: ElevenLabs) -> None:
    from elevenlabs.types import PronunciationDictionaryVersionLocator as Locator

    made = client.pronunciation_dictionaries.create_from_rules(
        name="TTS", rules=[Alias(string_to_replace="Nguyen", alias="win")])
    text = "Doctor Nguyen opened the door."
    plain = client.text_to_speech.convert_with_timestamps(OFFLINE_VOICE, text=text, output_format="pcm_22050")
    result = client.text_to_speech.convert_with_timestamps(
        OFFLINE_VOICE, text=text, output_format="pcm_22050",
        pronunciation_dictionary_locators=[Locator(pronunciation_dictionary_id=made.id, version_id=made.version_id)])
    assert _words(result.alignment) == text  # the input's own characters, "Nguyen" included
    spoken = _words(result.normalized_alignment)
    assert "win" in spoken and "Nguyen" not in spoken  # what was said
    starts, ends = result.alignment.character_start_times_seconds, result.alignment.character_end_times_seconds
    assert starts == sorted(starts) and all(e >= s for s, e in zip(starts, ends))
    word = slice(text.index("Nguyen"), text.index("Nguyen") + 6)
    assert ends[word][-1] > starts[word][0]  # the rewritten word is timed while "win" is heard
    assert base64_len(result.audio_base_64) != base64_len(plain.audio_base_64)  # other words, other audio


def base64_len(data: str) -> int:
    import base64

    return len(base64.b64decode(data))


def test_tts_streams_with_rules_and_latest_version_by_default(client: ElevenLabs) -> None:
    from elevenlabs.types import PronunciationDictionaryVersionLocator as Locator

    made = client.pronunciation_dictionaries.create_from_rules(
        name="Stream", rules=[Alias(string_to_replace="Nguyen", alias="win")])
    client.pronunciation_dictionaries.rules.set(made.id, rules=[Alias(string_to_replace="Nguyen", alias="nwin")])
    text = "Nguyen waved. Nguyen left early."
    chunks = list(client.text_to_speech.stream_with_timestamps(
        OFFLINE_VOICE, text=text, output_format="pcm_22050",
        pronunciation_dictionary_locators=[Locator(pronunciation_dictionary_id=made.id)]))
    aligned = "".join("".join(c.alignment.characters) for c in chunks if c.alignment)
    spoken = "".join("".join(c.normalized_alignment.characters) for c in chunks if c.normalized_alignment)
    assert aligned.replace(" ", "") == text.replace(" ", "")
    assert spoken.count("nwin") == 2  # the latest version's rule


def test_tts_refuses_an_unknown_dictionary_and_a_fourth_locator(client: ElevenLabs, server: LocalServer) -> None:
    from elevenlabs.types import PronunciationDictionaryVersionLocator as Locator

    before = server.state.usage.subscription()["character_count"]
    with pytest.raises(ApiError) as caught:
        b"".join(client.text_to_speech.convert(OFFLINE_VOICE, text="Hello there.", pronunciation_dictionary_locators=[
            Locator(pronunciation_dictionary_id="nope")]))
    assert caught.value.status_code == 404
    assert caught.value.body["detail"]["status"] == "pronunciation_dictionary_not_found"
    made = client.pronunciation_dictionaries.create_from_rules(name="4", rules=[Alias(string_to_replace="a", alias="b")])
    with pytest.raises(ApiError) as caught:
        b"".join(client.text_to_speech.convert(OFFLINE_VOICE, text="Hello there.", pronunciation_dictionary_locators=[
            Locator(pronunciation_dictionary_id=made.id)] * 4))
    assert caught.value.status_code == 422
    assert server.state.usage.subscription()["character_count"] == before  # nothing charged


def test_phoneme_rules_only_on_models_that_take_them_approximated_by_respelling(client: ElevenLabs) -> None:
    from elevenlabs.types import PronunciationDictionaryVersionLocator as Locator

    made = client.pronunciation_dictionaries.create_from_rules(
        name="Phonemes", rules=[Phoneme(string_to_replace="Thailand", phoneme="ˈtaɪ.lænd", alphabet="ipa")])
    locators = [Locator(pronunciation_dictionary_id=made.id)]
    text = "We flew to Thailand."
    said = {}
    for model in ("eleven_flash_v2", "eleven_multilingual_v2"):
        result = client.text_to_speech.convert_with_timestamps(
            OFFLINE_VOICE, text=text, model_id=model, output_format="pcm_22050",
            pronunciation_dictionary_locators=locators)
        assert _words(result.alignment) == text
        said[model] = _words(result.normalized_alignment)
    assert "teye land" in said["eleven_flash_v2"] and "Thailand" not in said["eleven_flash_v2"]
    assert "Thailand" in said["eleven_multilingual_v2"]  # ignored, as the API does for this model
