"""The official ``elevenlabs`` SDK's history and shared-voice calls work against our local server."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator

import pytest
from elevenlabs.client import ElevenLabs
from elevenlabs.core.api_error import ApiError

from tests.fixtures.local_server import LocalServer, run_server
from tests.integration.server.audio_checks import assert_speech, decode

OFFLINE_VOICE = "offline-en_US-joe-medium"
TEXTS = ("The tide came in at nine.", "The boats were home by ten.", "By eleven the harbour slept.")


@pytest.fixture(scope="module")
def server() -> Iterator[LocalServer]:
    with run_server() as running:
        yield running


@pytest.fixture
def client(server: LocalServer) -> ElevenLabs:
    server.state.history.clear()
    return ElevenLabs(api_key="any-key-works-without---api-key", base_url=server.base_url, timeout=60)


def test_sdk_history_list_get_audio_download_delete(client: ElevenLabs) -> None:
    for text in TEXTS:
        b"".join(client.text_to_speech.convert(OFFLINE_VOICE, text=text, model_id="eleven_multilingual_v2",
                                               output_format="mp3_44100_128"))
    first = client.history.list(page_size=2)
    assert [h.text for h in first.history] == list(reversed(TEXTS))[:2] and first.has_more
    rest = client.history.list(page_size=2, start_after_history_item_id=first.last_history_item_id)
    assert [h.text for h in rest.history] == [TEXTS[0]] and not rest.has_more
    item = client.history.get(rest.history[0].history_item_id)
    assert item.voice_id == OFFLINE_VOICE and item.model_id == "eleven_multilingual_v2"
    assert item.alignments is not None and "".join(item.alignments.alignment.characters) == TEXTS[0]
    samples, rate = decode(b"".join(client.history.get_audio(item.history_item_id)))
    assert_speech(samples, rate, TEXTS[0])
    ids = [h.history_item_id for h in first.history]
    archive = zipfile.ZipFile(io.BytesIO(b"".join(client.history.download(history_item_ids=ids))))
    assert archive.testzip() is None and len(archive.namelist()) == 2
    one = b"".join(client.history.download(history_item_ids=ids[:1]))
    assert decode(one)[0].size > 1000
    assert client.history.delete(item.history_item_id).status == "ok"
    with pytest.raises(ApiError) as caught:
        client.history.get(item.history_item_id)
    assert caught.value.status_code == 404
    filtered = client.history.list(search="boats", voice_id=OFFLINE_VOICE, sort_direction="asc")
    assert [h.text for h in filtered.history] == [TEXTS[1]]


def test_sdk_shared_voices_and_share(client: ElevenLabs) -> None:
    page = client.voices.get_shared(page_size=3, language="en", sort="trending")
    assert len(page.voices) == 3 and page.has_more and page.total_count == 4
    chosen = page.voices[0]
    added = client.voices.share(chosen.public_owner_id, chosen.voice_id, new_name="From the library")
    assert added.voice_id == chosen.voice_id
    mine = client.voices.search(voice_type="community", page_size=100)
    assert [v.name for v in mine.voices] == ["From the library"]
    with pytest.raises(ApiError) as caught:
        client.voices.share(chosen.public_owner_id, "not-in-the-library", new_name="x")
    assert caught.value.status_code == 404
